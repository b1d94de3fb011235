//! A scanner for the plain form of sheet rows, several times faster than an XML event
//! reader; it declines anything else, which quick-xml then reads ([`super::xml`]).

use super::xml::{unescape_x, v};
use super::{position, Note, ParsedPiece, ParsedRow, Tables};
use crate::input::CellNote;

/// Where a scan of the plain form stands: the input and the position.
struct Scan<'x> {
    xml: &'x [u8],
    at: usize,
}

/// A tag read by [`Scan::tag`]: its local name, whether it closes (`</x>`) or is empty
/// (`<x/>`), and its `r` and `t` attributes.
struct Tag<'x> {
    name: &'x [u8],
    closing: bool,
    empty: bool,
    r: Option<&'x [u8]>,
    t: Option<&'x [u8]>,
    s: Option<&'x [u8]>,
}

impl<'x> Scan<'x> {
    /// The next tag, skipping text; `None` at the end or on anything but a plain tag.
    fn tag(&mut self) -> Option<Tag<'x>> {
        let xml = self.xml;
        let lt = self.at + memchr::memchr(b'<', xml.get(self.at..)?)?;
        let mut i = lt + 1;
        let closing = xml.get(i) == Some(&b'/');
        if closing {
            i += 1;
        }
        let start = i;
        while xml.get(i).is_some_and(|b| !b.is_ascii_whitespace() && *b != b'>' && *b != b'/') {
            i += 1;
        }
        let qname = &xml[start..i];
        let name = qname.iter().rposition(|b| *b == b':').map_or(qname, |c| &qname[c + 1..]);
        let (mut r, mut t, mut s, mut empty) = (None, None, None, false);
        loop {
            while xml.get(i).is_some_and(u8::is_ascii_whitespace) {
                i += 1;
            }
            match xml.get(i)? {
                b'>' => {
                    i += 1;
                    break;
                }
                b'/' if xml.get(i + 1) == Some(&b'>') && !closing => {
                    empty = true;
                    i += 2;
                    break;
                }
                _ if closing => return None,
                _ => {
                    let key_start = i;
                    while xml.get(i).is_some_and(|b| *b != b'=' && !b.is_ascii_whitespace()) {
                        i += 1;
                    }
                    let key = &xml[key_start..i];
                    while xml.get(i).is_some_and(u8::is_ascii_whitespace) {
                        i += 1;
                    }
                    if xml.get(i) != Some(&b'=') {
                        return None;
                    }
                    i += 1;
                    while xml.get(i).is_some_and(u8::is_ascii_whitespace) {
                        i += 1;
                    }
                    let quote = *xml.get(i).filter(|q| **q == b'"' || **q == b'\'')?;
                    let value_start = i + 1;
                    let value_end = value_start + memchr::memchr(quote, xml.get(value_start..)?)?;
                    let value = &xml[value_start..value_end];
                    match key {
                        b"r" => r = Some(value),
                        b"t" => t = Some(value),
                        b"s" => s = Some(value),
                        _ => {}
                    }
                    i = value_end + 1;
                }
            }
        }
        self.at = i;
        Some(Tag { name, closing, empty, r, t, s })
    }

    /// The text up to the next tag (which must close `name`), with line ends normalised.
    fn text_until_close(&mut self, name: &[u8], out: &mut String, escapes: bool) -> Option<()> {
        let xml = self.xml;
        let lt = self.at + memchr::memchr(b'<', xml.get(self.at..)?)?;
        let text = std::str::from_utf8(&xml[self.at..lt]).ok()?;
        self.at = lt;
        let close = self.tag()?;
        if !close.closing || close.name != name {
            return None;
        }
        if text.contains('\r') {
            let normalised = text.replace("\r\n", "\n").replace('\r', "\n");
            push_text(out, &normalised, escapes);
        } else {
            push_text(out, text, escapes);
        }
        Some(())
    }
}

fn push_text(out: &mut String, text: &str, escapes: bool) {
    if escapes {
        unescape_x(text, out);
    } else {
        out.push_str(text);
    }
}

/// Parses a piece written in the plain form writers use (no entities, comments, CDATA or
/// processing instructions; cells of `v`, `f` and a single-`t` `is`) with a scanner, several
/// times faster than an XML event reader. `None` when the piece holds anything else: then
/// quick-xml parses it ([`parse_piece`]), so both read the same rows (tests compare them).
pub(super) fn scan_piece(xml: &[u8], strings: &Tables) -> Option<Result<ParsedPiece, String>> {
    if memchr::memchr(b'&', xml).is_some()
        || memchr::memmem::find(xml, b"<!").is_some()
        || memchr::memmem::find(xml, b"<?").is_some()
    {
        return None;
    }
    let mut scan = Scan { xml, at: 0 };
    let mut out = ParsedPiece::default();
    let mut row: Option<ParsedRow> = None;
    let mut col = 0u32;
    let mut value = String::new();
    while let Some(tag) = scan.tag() {
        match (tag.name, tag.closing) {
            (b"row", false) => {
                let number = match tag.r {
                    Some(n) => Some(std::str::from_utf8(n).ok()?.trim().parse::<u32>().ok()?.checked_sub(1)?),
                    None => None,
                };
                out.rows.extend(row.take());
                row = Some(ParsedRow { number, cells: Vec::new() });
                col = 0;
                if tag.empty {
                    out.rows.extend(row.take());
                }
            }
            (b"row", true) => out.rows.extend(row.take()),
            (b"c", false) => {
                if let Some(reference) = tag.r {
                    col = position(reference)?.1;
                }
                let kind = match tag.t {
                    Some(k) => Some(std::str::from_utf8(k).ok()?),
                    None => None,
                };
                let start = out.text.len();
                let style = match tag.s {
                    Some(s) => Some(std::str::from_utf8(s).ok()?.trim().parse::<usize>().ok()?),
                    None => None,
                };
                let pad = strings.pad(style);
                let note = if tag.empty {
                    None
                } else {
                    match scan_cell(&mut scan, (kind, pad), strings, &mut out.text, &mut value)? {
                        Ok(note) => note,
                        Err(e) => return Some(Err(e)),
                    }
                };
                if let Some(row) = row.as_mut() {
                    row.cells.push((col, start..out.text.len(), note));
                }
                col = col.saturating_add(1);
            }
            (b"sheetData", true) => break,
            // Only rows and cells are plain here.
            _ if row.is_some() => return None,
            _ => {}
        }
    }
    out.rows.extend(row.take());
    Some(Ok(out))
}

/// The content of a plain `<c>` up to its `</c>`: `None` when it is not plain.
fn scan_cell(
    scan: &mut Scan<'_>,
    (kind, pad): (Option<&str>, u8),
    strings: &Tables,
    out: &mut String,
    value: &mut String,
) -> Option<Result<Option<Note>, String>> {
    let mut note = None;
    let (mut formula, mut valued) = (false, false);
    // A cell without a saved result reads as empty, whatever its `<v>` wrote (`t="b"`).
    let start = out.len();
    loop {
        let tag = scan.tag()?;
        match (tag.name, tag.closing) {
            // A formula without a `<v>`: its result was never saved.
            (b"c", true) if formula && !valued => {
                out.truncate(start);
                return Some(Ok(Some(CellNote::NoValue)));
            }
            (b"c", true) => return Some(Ok(note)),
            (b"v", false) => {
                value.clear();
                if !tag.empty {
                    scan.text_until_close(b"v", value, false)?;
                }
                // An empty `<v/>` is a result only for a text formula (`t="str"`: Excel's
                // empty string); programs that do not calculate write it for any formula.
                valued = !value.is_empty() || kind == Some("str");
                note = match v(value, (kind, pad), strings, out) {
                    Ok(n) => n,
                    Err(e) => return Some(Err(e)),
                };
            }
            (b"f", false) => {
                formula = true;
                if !tag.empty {
                    let close = scan.tag()?;
                    if !close.closing || close.name != b"f" {
                        return None;
                    }
                }
            }
            (b"is", false) if !tag.empty => {
                // A plain inline string: one `<t>`.
                let t = scan.tag()?;
                if t.name != b"t" || t.closing {
                    return None;
                }
                if !t.empty {
                    scan.text_until_close(b"t", out, true)?;
                }
                let close = scan.tag()?;
                if !close.closing || close.name != b"is" {
                    return None;
                }
            }
            _ => return None,
        }
    }
}
