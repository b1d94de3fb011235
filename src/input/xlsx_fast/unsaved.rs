//! [`Unsaved`]: the formula cells without a saved result of a sheet calamine streams.
//!
//! A program that does not calculate (openpyxl, pandas) writes a formula as `<f>` with an
//! empty `<v>` or none. calamine's cell reader skips `<f>` and gives such a cell as empty:
//! `=TRUE()` under a package column would read as "no change". The parallel reader notes
//! it ([`CellNote::NoValue`](crate::input::CellNote::NoValue)); for a sheet it leaves to
//! calamine (a workbook with date formats), this walks the sheet's XML once more, on a
//! thread of its own alongside calamine's, and says which cells hold such a formula, by the
//! same test as the parallel reader (`xml::cell`). Cells are counted in document order, one
//! per `<c>` as calamine's reader yields them, so a cell without a reference is counted
//! too.
//!
//! Only a cell calamine reads as blank can be one, so the walk starts at the first such
//! cell the reader asks about: a sheet without one (most that Excel saved) is read once.
//! With one, the walk (quick-xml events, no values decoded) costs about what calamine's
//! reading does, beside it.

use std::io::{BufRead, BufReader, Cursor};
use std::sync::mpsc::{sync_channel, Receiver};

use quick_xml::events::Event;
use quick_xml::Reader;

use super::{raw_attribute, sheet_part, xml};

/// Cells per message from the walk.
const BLOCK: u64 = 4096;
/// Messages the walk runs ahead.
const AHEAD: usize = 16;

/// A walk of a sheet: it sends per block of cells the ordinals of those that hold a formula
/// without a saved result, while the send succeeds.
type Walk = Box<dyn FnOnce(&mut dyn FnMut(Vec<u64>) -> bool) + Send>;

/// The formula cells without a saved result of one xlsx sheet, found on a thread of its own.
pub struct Unsaved {
    /// The walk, until it is started.
    walk: Option<Walk>,
    /// Per block of cells, the ordinals of those cells, in order.
    blocks: Option<Receiver<Vec<u64>>>,
    /// The ordinals of the block that ends before `end`.
    held: Vec<u64>,
    end: u64,
    block: u64,
    done: bool,
}

impl Unsaved {
    /// Sheet `name` of the xlsx in `bytes`, walked once a cell is asked about. A sheet the
    /// walk cannot find or read has none (calamine reports a sheet it cannot read).
    #[must_use]
    pub fn new(bytes: Vec<u8>, name: String) -> Unsaved {
        Unsaved::with_walk(
            BLOCK,
            Box::new(move |send| {
                let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else { return };
                let Some(part) = sheet_part(&mut zip, &name) else { return };
                let Ok(entry) = zip.by_name(&part) else { return };
                walk(BufReader::new(entry), BLOCK, send);
            }),
        )
    }

    fn with_walk(block: u64, walk: Walk) -> Unsaved {
        Unsaved { walk: Some(walk), blocks: None, held: Vec::new(), end: 0, block, done: false }
    }

    /// Whether the cell `ordinal` (0-based, in document order) holds a formula without a
    /// saved result. Ordinals are asked in increasing order; the first question starts the
    /// walk on a thread of its own, and each waits for the walk to pass the cell.
    pub fn holds(&mut self, ordinal: u64) -> bool {
        if let Some(walk) = self.walk.take() {
            let (tx, blocks) = sync_channel(AHEAD);
            std::thread::spawn(move || walk(&mut |cells| tx.send(cells).is_ok()));
            self.blocks = Some(blocks);
        }
        while ordinal >= self.end && !self.done {
            if let Some(cells) = self.blocks.as_ref().and_then(|b| b.recv().ok()) {
                self.held = cells;
                self.end += self.block;
            } else {
                // The walk is over.
                self.held.clear();
                self.done = true;
            }
        }
        self.held.binary_search(&ordinal).is_ok()
    }
}

/// Walks a sheet's XML, sending per `block` cells the ordinals of those that hold a formula
/// without a saved result; stops when `send` fails, or at what calamine cannot read either.
fn walk<R: BufRead>(source: R, block: u64, send: &mut dyn FnMut(Vec<u64>) -> bool) {
    let mut r = xml(source);
    let (mut buf, mut inner, mut scratch) = (Vec::new(), Vec::new(), Vec::new());
    // The sheet's head, up to its cells (where calamine's reader starts).
    loop {
        buf.clear();
        match r.read_event_into(&mut buf) {
            Ok(Event::Start(e)) if e.local_name().as_ref() == b"sheetData" => break,
            Ok(Event::Eof) | Err(_) => return,
            _ => {}
        }
    }
    let (mut ordinal, mut found) = (0u64, Vec::new());
    loop {
        buf.clear();
        match r.read_event_into(&mut buf) {
            Ok(Event::Start(e)) if e.local_name().as_ref() == b"c" => {
                let text = raw_attribute(&e, b"t").is_some_and(|t| t.as_ref() == b"str");
                match unsaved(&mut r, (&mut inner, &mut scratch), text) {
                    Some(true) => found.push(ordinal),
                    Some(false) => {}
                    None => break,
                }
                ordinal += 1;
                if ordinal % block == 0 && !send(std::mem::take(&mut found)) {
                    return;
                }
            }
            Ok(Event::End(e)) if e.local_name().as_ref() == b"sheetData" => break,
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    send(found);
}

/// Whether the cell just opened holds a formula without a saved result, as the parallel
/// reader decides: an `<f>` and no text in `<v>`, unless the formula is a text one
/// (`t="str"`), whose empty `<v>` is Excel's empty string. `None`: XML calamine cannot
/// read either.
fn unsaved<R: BufRead>(
    r: &mut Reader<R>,
    (buf, scratch): (&mut Vec<u8>, &mut Vec<u8>),
    text: bool,
) -> Option<bool> {
    let (mut formula, mut valued) = (false, false);
    loop {
        buf.clear();
        match r.read_event_into(buf).ok()? {
            Event::Start(e) => match e.local_name().as_ref() {
                b"f" => {
                    formula = true;
                    scratch.clear();
                    r.read_to_end_into(e.name(), scratch).ok()?;
                }
                b"v" => valued = has_text(r, scratch)? || text,
                b"is" => {
                    scratch.clear();
                    r.read_to_end_into(e.name(), scratch).ok()?;
                }
                _ => return None,
            },
            Event::End(e) if e.local_name().as_ref() == b"c" => return Some(formula && !valued),
            Event::Eof => return None,
            _ => {}
        }
    }
}

/// Whether a `<v>` holds text (or an entity) before its end, as the parallel reader reads
/// it (`xml::read_text`: CDATA is not text there, nor for calamine).
fn has_text<R: BufRead>(r: &mut Reader<R>, buf: &mut Vec<u8>) -> Option<bool> {
    let mut text = false;
    loop {
        buf.clear();
        match r.read_event_into(buf).ok()? {
            Event::Text(t) => text |= !t.is_empty(),
            Event::GeneralRef(_) => text = true,
            Event::End(e) if e.local_name().as_ref() == b"v" => return Some(text),
            Event::Eof => return None,
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The ordinals `Unsaved` holds among the first `cells`, the walk sending every `block`.
    fn held(xml: &'static [u8], block: u64, cells: u64) -> Vec<u64> {
        let mut unsaved = Unsaved::with_walk(block, Box::new(move |send| walk(xml, block, send)));
        (0..cells).filter(|&i| unsaved.holds(i)).collect()
    }

    #[test]
    fn formulas_without_a_value_are_found_by_their_place() {
        let xml = br#"<worksheet><dimension ref="A1:B4"/><sheetData>
            <row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"><f>1+1</f><v>2</v></c></row>
            <row r="2"><c r="A2"><f>TRUE()</f><v/></c><c><f>A1</f></c><c r="C2" t="str"><f>""</f><v></v></c></row>
            <row r="3"><c r="A3" s="2"/><c r="B3" t="b"><f>FALSE()</f><v></v></c><c r="C3"><f t="shared" si="0"/><v>&amp;</v></c></row>
            <row r="4"><c r="A4"><v><![CDATA[x]]></v><f>1</f></c><c r="B4" t="inlineStr"><is><t>x</t></is></c><c r="C4"><v>1</v></c></row>
            </sheetData></worksheet>"#;
        // A2, B2 (no reference), B3 (a boolean formula's empty value), A4 (CDATA is not
        // text); not C2, Excel's empty string.
        for block in [1, 2, 3, 4096] {
            assert_eq!(held(xml, block, 12), [2, 3, 6, 8], "block {block}");
        }
    }

    #[test]
    fn a_sheet_that_cannot_be_read_holds_none() {
        assert_eq!(held(b"<worksheet><sheetData><row><c><f>1", 2, 4), Vec::<u64>::new());
        assert_eq!(held(b"<worksheet><sheetData><row><c><x/></c></row>", 2, 4), Vec::<u64>::new());
        assert_eq!(held(b"not xml", 2, 4), Vec::<u64>::new());
    }
}
