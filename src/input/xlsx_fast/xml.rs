//! Pieces read with quick-xml (the XML parser calamine uses), the way calamine reads them:
//! any piece the scanner ([`super::scan`]) declines, the sheet's head, and shared strings.

use quick_xml::events::Event;
use quick_xml::Reader;

use super::{attribute, position, raw_attribute, xml, Note, ParsedPiece, ParsedRow, Tables};
use crate::input::sheet::push_float_text;
use crate::input::CellNote;

/// A cell's text as calamine reads it: text events (line ends normalised, then `_xHHHH_`
/// escapes resolved when `escapes`) and entities, up to the end of element `end`.
pub(super) fn read_text(
    r: &mut Reader<&[u8]>,
    end: &[u8],
    escapes: bool,
    out: &mut String,
) -> Result<(), String> {
    // `end` is a local name: `v`, `t`.
    loop {
        match r.read_event().map_err(|e| e.to_string())? {
            Event::Text(t) => {
                let text = t.xml10_content().map_err(|e| e.to_string())?;
                if escapes {
                    unescape_x(&text, out);
                } else {
                    out.push_str(&text);
                }
            }
            Event::GeneralRef(e) => {
                let name = e.decode().map_err(|e| e.to_string())?;
                if let Some(s) = quick_xml::escape::resolve_xml_entity(&name) {
                    out.push_str(s);
                } else if let Some(c) = e.resolve_char_ref().map_err(|e| e.to_string())? {
                    out.push(c);
                } else {
                    return Err(format!("unknown entity &{name};"));
                }
            }
            Event::End(e) if e.local_name().as_ref() == end => return Ok(()),
            Event::Eof => return Err("the sheet's XML ends inside a cell".to_owned()),
            _ => {}
        }
    }
}

/// `_x000D_`-style escapes (Excel's way to keep control characters in XML), as calamine
/// resolves them: `_x00` and two hex digits and `_`.
pub(super) fn unescape_x(text: &str, out: &mut String) {
    if !text.contains("_x00") {
        out.push_str(text);
        return;
    }
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'_' && bytes.get(i..i + 4) == Some(b"_x00") && bytes.get(i + 6) == Some(&b'_') {
            if let Some(v) =
                std::str::from_utf8(&bytes[i + 4..i + 6]).ok().and_then(|h| u8::from_str_radix(h, 16).ok())
            {
                out.push(char::from(v));
                i += 7;
                continue;
            }
        }
        let Some(c) = text[i..].chars().next() else { break };
        out.push(c);
        i += c.len_utf8();
    }
}

/// Skips to the end of the element whose local name is `end`.
fn skip_to_end(r: &mut Reader<&[u8]>, end: &[u8]) -> Result<(), String> {
    let mut depth = 0usize;
    loop {
        match r.read_event().map_err(|e| e.to_string())? {
            Event::Start(e) if e.local_name().as_ref() == end => depth += 1,
            Event::End(e) if e.local_name().as_ref() == end => {
                if depth == 0 {
                    return Ok(());
                }
                depth -= 1;
            }
            Event::Eof => return Err("the XML ends inside an element".to_owned()),
            _ => {}
        }
    }
}

/// A string item (`<si>` or `<is>`) as calamine reads it: the first `<t>`, or the runs of a
/// rich text joined; phonetic runs (`<rPh>`) left out; empty when there is no text.
pub(super) fn read_string(r: &mut Reader<&[u8]>, end: &[u8], out: &mut String) -> Result<(), String> {
    let mut rich = false;
    let mut phonetic = false;
    loop {
        match r.read_event().map_err(|e| e.to_string())? {
            Event::Start(e) if e.local_name().as_ref() == b"r" => rich = true,
            Event::Start(e) if e.local_name().as_ref() == b"rPh" => phonetic = true,
            Event::End(e) if e.local_name().as_ref() == b"rPh" => phonetic = false,
            Event::End(e) if e.local_name().as_ref() == end => return Ok(()),
            Event::Start(e) if e.local_name().as_ref() == b"t" && !phonetic => {
                read_text(r, b"t", true, out)?;
                if !rich {
                    // A plain string: the rest of the item is not text.
                    skip_to_end(r, end)?;
                    return Ok(());
                }
            }
            Event::Eof => return Err("the XML ends inside a string".to_owned()),
            _ => {}
        }
    }
}

/// Parses the cells of one piece (rows whole; the first piece may hold the sheet's head).
pub(super) fn parse_piece(xml: &[u8], strings: &Tables) -> Result<ParsedPiece, String> {
    let mut r = self::xml(xml);
    let mut out = ParsedPiece::default();
    let mut row: Option<ParsedRow> = None;
    let mut col = 0u32;
    let mut value = String::new();
    loop {
        let event = match r.read_event() {
            Ok(event) => event,
            // A piece after the first starts at a row: the sheet's closing tags have no
            // opening tag in it. Past the last row, that is the end.
            Err(quick_xml::Error::IllFormed(_)) if row.is_none() => break,
            Err(e) => return Err(e.to_string()),
        };
        match event {
            Event::Start(e) if e.local_name().as_ref() == b"row" => {
                let number = match raw_attribute(&e, b"r") {
                    Some(n) => Some(
                        std::str::from_utf8(&n)
                            .ok()
                            .and_then(|n| n.trim().parse::<u32>().ok())
                            .and_then(|n| n.checked_sub(1))
                            .ok_or("a bad row number")?,
                    ),
                    None => None,
                };
                row = Some(ParsedRow { number, cells: Vec::new() });
                col = 0;
            }
            Event::End(e) if e.local_name().as_ref() == b"row" => {
                out.rows.extend(row.take());
            }
            Event::Start(e) if e.local_name().as_ref() == b"c" => {
                // One pass over the attributes: the reference and the type.
                let (mut reference, mut kind, mut style) = (None, None, None);
                for a in e.attributes().flatten() {
                    match a.key.as_ref() {
                        b"r" => reference = Some(a.value),
                        b"t" => kind = Some(a.value),
                        b"s" => {
                            style = std::str::from_utf8(&a.value)
                                .ok()
                                .and_then(|s| s.trim().parse::<usize>().ok());
                        }
                        _ => {}
                    }
                }
                if let Some(reference) = reference {
                    let (_, c) = position(&reference).ok_or_else(|| {
                        format!("a bad cell reference `{}`", String::from_utf8_lossy(&reference))
                    })?;
                    col = c;
                }
                let kind = match kind.as_deref() {
                    None => None,
                    Some(k) => Some(std::str::from_utf8(k).map_err(|_| "a cell type that is not text")?),
                };
                let start = out.text.len();
                let note = cell(&mut r, (kind, strings.pad(style)), strings, &mut out.text, &mut value)?;
                if let Some(row) = row.as_mut() {
                    row.cells.push((col, start..out.text.len(), note));
                }
                col = col.saturating_add(1);
            }
            Event::Start(e) if e.local_name().as_ref() == b"dimension" => {
                // `A1:T100001` (or a single cell): the last column is the width.
                let reference = attribute(&e, b"ref").unwrap_or_default();
                let last = reference.rsplit(':').next().unwrap_or("");
                let letters: String = last.chars().take_while(char::is_ascii_uppercase).collect();
                out.dimension = position(format!("{letters}1").as_bytes()).map(|(_, c)| c as usize + 1);
            }
            Event::End(e) if e.local_name().as_ref() == b"sheetData" => break,
            Event::Eof => break,
            _ => {}
        }
    }
    out.rows.extend(row.take());
    Ok(out)
}

/// Reads one `<c>` element's value into `out`; returns the spreadsheet's note about it.
fn cell(
    r: &mut Reader<&[u8]>,
    (kind, pad): (Option<&str>, u8),
    strings: &Tables,
    out: &mut String,
    value: &mut String,
) -> Result<Option<Note>, String> {
    let mut note = None;
    let (mut formula, mut valued) = (false, false);
    // A cell without a saved result reads as empty, whatever its `<v>` wrote (`t="b"`).
    let start = out.len();
    loop {
        match r.read_event().map_err(|e| e.to_string())? {
            Event::Start(e) => match e.local_name().as_ref() {
                b"is" => read_string(r, b"is", out)?,
                b"v" => {
                    value.clear();
                    read_text(r, b"v", false, value)?;
                    // An empty `<v></v>` is a result only for a text formula (`t="str"`:
                    // Excel's empty string).
                    valued = !value.is_empty() || kind == Some("str");
                    note = v(value, (kind, pad), strings, out)?;
                }
                b"f" => {
                    formula = true;
                    skip_to_end(r, b"f")?;
                }
                _ => return Err("a cell holds something other than v, f or is".to_owned()),
            },
            Event::Empty(e) if e.local_name().as_ref() == b"f" => formula = true,
            Event::Empty(e) if e.local_name().as_ref() == b"v" => valued |= kind == Some("str"),
            // A formula without a `<v>`: its result was never saved.
            Event::End(e) if e.local_name().as_ref() == b"c" && formula && !valued => {
                out.truncate(start);
                return Ok(Some(CellNote::NoValue));
            }
            Event::End(e) if e.local_name().as_ref() == b"c" => return Ok(note),
            Event::Eof => return Err("the sheet's XML ends inside a cell".to_owned()),
            _ => {}
        }
    }
}

/// The text of a `<v>` value of type `t`, as calamine reads it (numbers are plain: [`plan`]
/// left out workbooks with date formats).
pub(super) fn v(
    value: &str,
    (t, pad): (Option<&str>, u8),
    strings: &Tables,
    out: &mut String,
) -> Result<Option<Note>, String> {
    // `None`: not a number. A whole number whose format pads it with zeros (`0000`) is
    // written as shown (`0042`), and is not noted as a number: no zero was lost.
    let number = |out: &mut String| -> Option<Option<Note>> {
        let n = value.parse::<f64>().ok()?;
        let start = out.len();
        push_float_text(out, n);
        let digits = out.len() - start;
        if pad > 0 && out[start..].bytes().all(|b| b.is_ascii_digit()) {
            let zeros = usize::from(pad).saturating_sub(digits);
            out.insert_str(start, &"0".repeat(zeros));
            return Some(None);
        }
        Some(Some(CellNote::Number))
    };
    match t {
        Some("s") => {
            let index = value.parse::<usize>().unwrap_or(0);
            out.push_str(strings.strings.get(index).ok_or("a shared string index past the table")?);
            Ok(None)
        }
        Some("b") => {
            out.push_str(if value == "0" { "FALSE" } else { "TRUE" });
            Ok(None)
        }
        Some("e") => {
            let e: calamine::CellErrorType =
                value.parse().map_err(|_| format!("an unknown error value `{value}`"))?;
            out.push_str(&e.to_string());
            Ok(Some(CellNote::Error))
        }
        Some("d" | "str") => {
            out.push_str(value);
            Ok(None)
        }
        Some("n") if value.is_empty() => Ok(None),
        Some("n") => number(out).ok_or_else(|| format!("`{value}` is not a number")),
        None => Ok(number(out).unwrap_or_else(|| {
            out.push_str(value);
            None
        })),
        Some(other) => Err(format!("an unknown cell type `{other}`")),
    }
}
