//! What the input is, told by its content: format (magic bytes), text encoding (BOM, UTF-8
//! validity, Windows-1252 fallback) and delimiter (contract §1). Each answer carries the
//! evidence the report shows.

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252};

/// The input's format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Delimited text.
    Csv,
    /// Office Open XML workbook (also .xlsm).
    Xlsx,
    /// Excel binary workbook.
    Xlsb,
    /// Excel 97-2003 (OLE compound file).
    Xls,
    /// Open Document spreadsheet (ods).
    Ods,
}

impl Format {
    /// The name used in reports.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
            Format::Xlsb => "xlsb",
            Format::Xls => "xls",
            Format::Ods => "ods",
        }
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    memchr::memmem::find(haystack, needle).is_some()
}

/// The format of a file from its bytes. `bytes` is the whole file for a zip (the names of
/// a zip's entries are listed at its end), or its start otherwise.
#[must_use]
pub fn format(bytes: &[u8]) -> Option<Format> {
    if bytes.starts_with(b"PK\x03\x04") {
        return if contains(bytes, b"application/vnd.oasis.opendocument.spreadsheet") {
            Some(Format::Ods)
        } else if contains(bytes, b"xl/workbook.bin") {
            Some(Format::Xlsb)
        } else if contains(bytes, b"xl/workbook.xml") {
            Some(Format::Xlsx)
        } else {
            None
        };
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return Some(Format::Xls);
    }
    Some(Format::Csv)
}

/// Whether the bytes start like a zip or OLE file (a spreadsheet container).
#[must_use]
pub fn is_container(head: &[u8]) -> bool {
    head.starts_with(b"PK\x03\x04") || head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0])
}

/// Why an encoding was chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EncodingReason {
    /// A byte-order mark.
    Bom,
    /// The text is valid UTF-8.
    ValidUtf8,
    /// Not valid UTF-8: read as Windows-1252, the usual Excel "CSV" encoding.
    Fallback,
    /// NUL bytes in every other position: UTF-16 without a BOM.
    Guessed,
    /// `--encoding`.
    Override,
    /// A spreadsheet: its cells are Unicode text, whatever the file's bytes.
    Workbook,
}

impl EncodingReason {
    /// The name used in reports.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            EncodingReason::Bom => "bom",
            EncodingReason::ValidUtf8 => "valid-utf-8",
            EncodingReason::Fallback => "fallback",
            EncodingReason::Guessed => "guessed",
            EncodingReason::Override => "override",
            EncodingReason::Workbook => "workbook",
        }
    }
}

/// The name hubcsv reports for an encoding.
#[must_use]
pub fn encoding_name(encoding: &'static Encoding) -> &'static str {
    if encoding == UTF_8 {
        "utf-8"
    } else if encoding == UTF_16LE {
        "utf-16le"
    } else if encoding == UTF_16BE {
        "utf-16be"
    } else if encoding == WINDOWS_1252 {
        "windows-1252"
    } else {
        encoding.name()
    }
}

/// An `--encoding` value: `utf-8`, `utf-16le`, `utf-16be`, `windows-1252` (`cp1252`,
/// `latin1`), or any WHATWG label.
#[must_use]
pub fn encoding_for_label(label: &str) -> Option<&'static Encoding> {
    match label.to_ascii_lowercase().as_str() {
        "cp1252" | "latin1" | "latin-1" | "iso-8859-1" => Some(WINDOWS_1252),
        other => Encoding::for_label(other.as_bytes()),
    }
}

/// The encoding of text starting with `head` (`complete`: `head` is the whole input).
#[must_use]
pub fn encoding(head: &[u8], complete: bool) -> (&'static Encoding, EncodingReason) {
    if let Some((enc, _)) = Encoding::for_bom(head) {
        return (enc, EncodingReason::Bom);
    }
    // NUL bytes in every other position are UTF-16 text without a BOM (valid UTF-8 too, but
    // never a CSV).
    let sample = &head[..head.len().min(4096)];
    let zeros = |parity: usize| sample.iter().skip(parity).step_by(2).filter(|b| **b == 0).count();
    let half = sample.len() / 2;
    if half >= 2 && zeros(1) * 10 >= half * 3 && zeros(0) * 10 < half {
        return (UTF_16LE, EncodingReason::Guessed);
    }
    if half >= 2 && zeros(0) * 10 >= half * 3 && zeros(1) * 10 < half {
        return (UTF_16BE, EncodingReason::Guessed);
    }
    match std::str::from_utf8(head) {
        Ok(_) => (UTF_8, EncodingReason::ValidUtf8),
        // Cut in the middle of a character at the end of the prefix: still UTF-8.
        Err(e) if e.error_len().is_none() && !complete => (UTF_8, EncodingReason::ValidUtf8),
        Err(_) => (WINDOWS_1252, EncodingReason::Fallback),
    }
}

/// Whether `head`, which is not valid UTF-8, also holds UTF-8 letters of Western European
/// text (`é`, `ü`, `ç` as two bytes, U+00C0 to U+017F): a file partly saved as UTF-8,
/// which read as Windows-1252 would garble every such letter (`Ã©`). Two such letters at
/// least: in Windows-1252 text each would be `Ã`, `Ä` or `Å` followed by a symbol from `€`
/// to `¿`, which names and titles do not hold, where other pairs that happen to be UTF-8
/// (`É` and a non-breaking space, `ß` and a quote) are common. Returns the line (1-based)
/// of the first byte that is not UTF-8, and a word with such a letter.
#[must_use]
pub fn mixed_utf8(head: &[u8]) -> Option<(u64, String)> {
    let latin = |c: char| ('\u{C0}'..='\u{17F}').contains(&c) && c.is_alphabetic();
    let letters: usize =
        head.utf8_chunks().map(|chunk| chunk.valid().chars().filter(|&c| latin(c)).count()).sum();
    if letters < 2 {
        return None;
    }
    let mut sample = None;
    let mut first_invalid = None;
    let mut at = 0;
    for chunk in head.utf8_chunks() {
        let valid = chunk.valid();
        if sample.is_none() {
            sample = valid
                .split(|c: char| c.is_ascii() && !c.is_alphanumeric())
                .find(|w| w.chars().any(latin))
                .map(str::to_owned);
        }
        at += valid.len();
        if first_invalid.is_none() && !chunk.invalid().is_empty() {
            first_invalid = Some(at);
        }
        at += chunk.invalid().len();
    }
    let (sample, invalid) = (sample?, first_invalid?);
    let line = 1 + memchr::memchr_iter(b'\n', &head[..invalid]).count() as u64;
    Some((line, sample))
}

/// Fields per line for one delimiter, quotes respected, over the first lines of `text`; and
/// whether a quote stands inside a field not quoted (where no CSV writer puts one).
fn field_counts(text: &str, delimiter: char) -> (Vec<usize>, bool) {
    let mut counts = Vec::new();
    let mut fields = 1;
    let mut in_quotes = false;
    let mut at_start = true;
    // The last character closed a quoted field: a quote right after it is an escaped one.
    let mut closed = false;
    let mut stray = false;
    let mut line_has_text = false;
    for c in text.chars() {
        let was_closed = std::mem::take(&mut closed);
        match c {
            '"' if at_start || in_quotes || was_closed => {
                closed = in_quotes;
                in_quotes = !in_quotes;
                at_start = false;
                line_has_text = true;
            }
            '\n' | '\r' if !in_quotes => {
                if line_has_text {
                    counts.push(fields);
                }
                fields = 1;
                at_start = true;
                line_has_text = false;
                if counts.len() >= 50 {
                    break;
                }
            }
            c if c == delimiter && !in_quotes => {
                fields += 1;
                at_start = true;
                line_has_text = true;
            }
            c => {
                stray |= c == '"' && !in_quotes;
                at_start = false;
                line_has_text = true;
            }
        }
    }
    (counts, stray)
}

/// The delimiter among `,` `;` TAB `|`: the one that splits the first lines into the same
/// number (> 1) of fields most consistently; `,` when nothing does. A delimiter that leaves a
/// quote inside a field not quoted comes after those that do not: a header cell `";;;"`
/// (quoted, as `fix` writes one) is a comma file's cell, not a hundred semicolon fields.
#[must_use]
pub fn delimiter(text: &str) -> u8 {
    let mut best = (b',', false, 0usize, 0usize);
    for d in [b',', b';', b'\t', b'|'] {
        let (counts, stray) = field_counts(text, char::from(d));
        let Some(&first) = counts.first() else { continue };
        if first < 2 {
            continue;
        }
        let consistent = counts.iter().filter(|c| **c == first).count();
        if (!stray, consistent, first) > (best.1, best.2, best.3) {
            best = (d, !stray, consistent, first);
        }
    }
    best.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_by_magic() {
        assert_eq!(format(b"PK\x03\x04....xl/workbook.xml..."), Some(Format::Xlsx));
        assert_eq!(format(b"PK\x03\x04....xl/workbook.bin..."), Some(Format::Xlsb));
        assert_eq!(
            format(b"PK\x03\x04mimetypeapplication/vnd.oasis.opendocument.spreadsheet"),
            Some(Format::Ods)
        );
        assert_eq!(format(b"PK\x03\x04 some other zip"), None);
        assert_eq!(format(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0]), Some(Format::Xls));
        assert_eq!(format(b"First Name,Last Name"), Some(Format::Csv));
    }

    #[test]
    fn encodings() {
        assert_eq!(encoding(b"\xEF\xBB\xBFa", true), (UTF_8, EncodingReason::Bom));
        assert_eq!(encoding(b"\xFF\xFEa\x00", true), (UTF_16LE, EncodingReason::Bom));
        assert_eq!(encoding("Inès".as_bytes(), true), (UTF_8, EncodingReason::ValidUtf8));
        assert_eq!(encoding(b"In\xC3", false), (UTF_8, EncodingReason::ValidUtf8));
        assert_eq!(encoding(b"In\xE8s;Dupr\xE9", true), (WINDOWS_1252, EncodingReason::Fallback));
    }

    #[test]
    fn mixed_encodings_need_utf8_letters() {
        // Windows-1252 pairs that happen to be UTF-8: `É` + NBSP, `ß` + a curly quote.
        let cp1252 = |s: &str| encoding_rs::WINDOWS_1252.encode(s).0.into_owned();
        assert_eq!(super::mixed_utf8(&cp1252("Renée;JOSÉ\u{a0};Service „Weiß“\n")), None);
        // UTF-8 `José` and `Müller`, then a Windows-1252 `é` on line 2.
        let mut mixed = "José;Müller\n".as_bytes().to_vec();
        mixed.extend(cp1252("Renée\n"));
        assert_eq!(super::mixed_utf8(&mixed), Some((2, "José".to_owned())));
        // One UTF-8 letter alone is not enough to tell.
        let mut one = "José\n".as_bytes().to_vec();
        one.extend(cp1252("Renée\n"));
        assert_eq!(super::mixed_utf8(&one), None);
        assert_eq!(encoding(b"a\x00b\x00c\x00d\x00", true), (UTF_16LE, EncodingReason::Guessed));
    }

    #[test]
    fn delimiters() {
        assert_eq!(delimiter("a,b,c\n1,2,3\n"), b',');
        assert_eq!(delimiter("Nom;Prénom;Ville\n\"Dupont, Jean\";Jean;Paris\n"), b';');
        assert_eq!(delimiter("a\tb\tc\n1\t2,5\t3\n"), b'\t');
        assert_eq!(delimiter("a|b\n1|2\n"), b'|');
        assert_eq!(delimiter("single column\nvalue\n"), b',');
        // A quoted cell full of `;` (as `fix` writes a header cell holding them) is one comma
        // field; split at `;`, its quotes would stand inside fields.
        assert_eq!(delimiter("Email,Location,\";;;;;;;;;Poste\",Webex Calling\r\n"), b',');
        // An escaped quote inside a quoted field is not a stray one.
        assert_eq!(delimiter("a;\"b\"\"c\";d\n1;2;3\n"), b';');
    }
}
