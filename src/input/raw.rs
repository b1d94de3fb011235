//! Scans of a record's raw bytes: where each field starts and ends (to underline a cell) and
//! where a quote opened that swallowed line breaks (the stray-quote guard).

use std::ops::Range;

/// Byte ranges of the fields of one raw record (without its line terminator), following
/// RFC 4180 quoting the way the csv crate reads it: a quote only opens at a field start.
#[must_use]
pub fn field_spans(raw: &[u8], delimiter: u8) -> Vec<Range<usize>> {
    let raw = trim_terminator(raw);
    let mut spans = Vec::new();
    let mut start = 0;
    let mut in_quotes = false;
    let mut at_field_start = true;
    for (i, &b) in raw.iter().enumerate() {
        if at_field_start {
            at_field_start = false;
            if b == b'"' {
                in_quotes = true;
                continue;
            }
        }
        if in_quotes {
            if b == b'"' {
                in_quotes = false; // a doubled quote re-opens on the next byte
                if raw.get(i + 1) == Some(&b'"') {
                    in_quotes = true;
                }
            }
        } else if b == delimiter {
            spans.push(start..i);
            start = i + 1;
            at_field_start = true;
        }
    }
    spans.push(start..raw.len());
    spans
}

/// What a scan of a record's quotes found.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct QuoteScan {
    /// The record ends inside a quoted field: the quote never closes.
    pub open_at_end: bool,
    /// The first quoted field that contains a line break: (byte offset of its opening quote,
    /// field index).
    pub multiline_field: Option<(usize, usize)>,
    /// A line inside a quoted field holds as many delimiters as a whole row would: the quote
    /// swallowed rows.
    pub swallowed_row: bool,
}

/// Scans the quotes of one raw record. `width` is the header's field count.
#[must_use]
pub fn scan_quotes(raw: &[u8], delimiter: u8, width: usize) -> QuoteScan {
    let raw = trim_terminator(raw);
    let mut scan = QuoteScan::default();
    let mut in_quotes = false;
    let mut at_field_start = true;
    let mut field = 0;
    let mut open_at = 0;
    let mut delimiters_on_line = 0usize;
    let mut i = 0;
    while i < raw.len() {
        let b = raw[i];
        if at_field_start {
            at_field_start = false;
            if b == b'"' {
                in_quotes = true;
                open_at = i;
                i += 1;
                continue;
            }
        }
        if in_quotes {
            match b {
                b'"' if raw.get(i + 1) == Some(&b'"') => i += 1,
                b'"' => in_quotes = false,
                b'\n' | b'\r' => {
                    if scan.multiline_field.is_none() {
                        scan.multiline_field = Some((open_at, field));
                    }
                    delimiters_on_line = 0;
                }
                _ if b == delimiter => {
                    delimiters_on_line += 1;
                    if width > 1 && delimiters_on_line + 1 >= width {
                        scan.swallowed_row = true;
                    }
                }
                _ => {}
            }
        } else if b == delimiter {
            field += 1;
            at_field_start = true;
        }
        i += 1;
    }
    scan.open_at_end = in_quotes;
    scan
}

/// The record without its final `\n` / `\r\n` / `\r`.
#[must_use]
pub fn trim_terminator(raw: &[u8]) -> &[u8] {
    let raw = raw.strip_suffix(b"\n").unwrap_or(raw);
    raw.strip_suffix(b"\r").unwrap_or(raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_follow_quotes() {
        let raw = b"a,\"b,c\",,\"d\"\"e\"\r\n";
        let spans = field_spans(raw, b',');
        assert_eq!(spans, vec![0..1, 2..7, 8..8, 9..15]);
    }

    #[test]
    fn stray_quote_open_at_end() {
        let raw = b"a,\"b,c\nd,e,f\ng,h,i";
        let scan = scan_quotes(raw, b',', 3);
        assert!(scan.open_at_end);
        assert_eq!(scan.multiline_field, Some((2, 1)));
        assert!(scan.swallowed_row);
    }

    #[test]
    fn legit_multiline_address() {
        let raw = b"a,\"1 Main St\nSuite 2\",c\n";
        let scan = scan_quotes(raw, b',', 3);
        assert_eq!(
            scan,
            QuoteScan { open_at_end: false, multiline_field: Some((2, 1)), swallowed_row: false }
        );
    }
}
