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
    /// The quote swallowed rows: a quoted field holds an `@` (a swallowed row's email) and
    /// either a line inside it holds as many delimiters as a whole row would, or it runs
    /// across lines and both the line it opens on and the line it closes on hold a whole
    /// row's delimiters (two stray quotes in one column: the record has the header's width,
    /// and two rows became one).
    pub swallowed_row: bool,
    /// A quoted field (its index) opened on a line that starts a row with an email in the
    /// email column, and closed on a line that is a whole row with another: a row swallowed,
    /// if the field is one that holds a single line (the caller knows its column).
    pub email_rows: Option<usize>,
}

/// Scans the quotes of one raw record. `width` is the header's field count; `email_col`
/// the identity column's index, if the file has one.
#[must_use]
pub fn scan_quotes(raw: &[u8], delimiter: u8, width: usize, email_col: Option<usize>) -> QuoteScan {
    let raw = trim_terminator(raw);
    let full = |delimiters: usize| width > 1 && delimiters + 1 >= width;
    let mut scan = QuoteScan::default();
    let mut in_quotes = false;
    let mut at_field_start = true;
    let mut field = 0;
    let mut open_at = 0;
    let mut delimiters_on_line = 0usize;
    // Delimiters on the current physical line, quoted or not.
    let mut line_delimiters = 0usize;
    // The open quoted field has crossed a line break, and the line it opened on was full.
    let (mut crossed, mut opened_full) = (false, false);
    // A field that crossed lines from a full line closed on this line: is this line full too?
    let mut closed_here = false;
    // A line inside the open quoted field held a whole row's delimiters.
    let mut full_inside = false;
    let mut i = 0;
    while i < raw.len() {
        let b = raw[i];
        if at_field_start {
            at_field_start = false;
            if b == b'"' {
                in_quotes = true;
                (crossed, full_inside) = (false, false);
                open_at = i;
                i += 1;
                continue;
            }
        }
        if b == delimiter {
            line_delimiters += 1;
        }
        if in_quotes {
            match b {
                b'"' if raw.get(i + 1) == Some(&b'"') => i += 1,
                b'"' => {
                    in_quotes = false;
                    // A swallowed row brings its user's email along; an address over two
                    // lines with commas does not.
                    let email = memchr::memchr(b'@', &raw[open_at..i]).is_some();
                    scan.swallowed_row |= full_inside && email;
                    closed_here |= crossed && opened_full && email;
                    // The line the quote opens on starts a row with its email in the
                    // identity column, and the line it closes on is a whole row with another
                    // (`a@x.com,"Al` then `b@x.com,Bo",T`): a row swallowed, even when the
                    // opening line was short.
                    if let (true, Some(col), None) = (crossed && email, email_col, scan.email_rows) {
                        let (opening, closing) = (line_around(raw, open_at), line_around(raw, i));
                        if email_at(opening, delimiter, col)
                            && email_at(closing, delimiter, col)
                            && width > 1
                            && memchr::memchr_iter(delimiter, closing).count() + 1 >= width
                        {
                            scan.email_rows = Some(field);
                        }
                    }
                }
                b'\n' | b'\r' => {
                    if scan.multiline_field.is_none() {
                        scan.multiline_field = Some((open_at, field));
                    }
                    if !crossed {
                        (crossed, opened_full) = (true, full(line_delimiters));
                    }
                    if closed_here {
                        scan.swallowed_row |= full(line_delimiters);
                        closed_here = false;
                    }
                    delimiters_on_line = 0;
                    line_delimiters = 0;
                }
                _ if b == delimiter => {
                    delimiters_on_line += 1;
                    full_inside |= full(delimiters_on_line);
                }
                _ => {}
            }
        } else if b == delimiter {
            field += 1;
            at_field_start = true;
        }
        i += 1;
    }
    scan.swallowed_row |= closed_here && full(line_delimiters);
    scan.swallowed_row |= in_quotes && full_inside && memchr::memchr(b'@', &raw[open_at..]).is_some();
    scan.open_at_end = in_quotes;
    scan
}

/// The physical line of `raw` around byte `at`.
fn line_around(raw: &[u8], at: usize) -> &[u8] {
    let start = raw[..at].iter().rposition(|&b| b == b'\n' || b == b'\r').map_or(0, |i| i + 1);
    let end = raw[at..].iter().position(|&b| b == b'\n' || b == b'\r').map_or(raw.len(), |i| at + i);
    &raw[start..end]
}

/// Whether `line`, split at its delimiters as if it were a row, holds an address in column
/// `col`: one `@` with text before it and a dot after it, no spaces or quotes.
fn email_at(line: &[u8], delimiter: u8, col: usize) -> bool {
    let Some(cell) = line.split(|&b| b == delimiter).nth(col) else { return false };
    let Some(at) = memchr::memchr(b'@', cell) else { return false };
    at > 0
        && memchr::memchr(b'@', &cell[at + 1..]).is_none()
        && memchr::memchr(b'.', &cell[at + 1..]).is_some()
        && !cell.iter().any(|&b| b == b'"' || b.is_ascii_whitespace())
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
        let raw = b"a,\"b,c\nd@x.com,e,f\ng,h,i";
        let scan = scan_quotes(raw, b',', 3, None);
        assert!(scan.open_at_end);
        assert_eq!(scan.multiline_field, Some((2, 1)));
        assert!(scan.swallowed_row);
        // Without an email inside, whole-row lines are not taken for swallowed rows (the
        // record is still reported: its quote never closes).
        let scan = scan_quotes(b"a,\"b,c\nd,e,f\ng,h,i", b',', 3, None);
        assert!(scan.open_at_end && !scan.swallowed_row);
    }

    #[test]
    fn two_stray_quotes_in_one_column_swallow_a_row() {
        // `Ana,"Silva,ana@x,1001` and `Ben,Okafor",ben@x,1002` are two whole rows read as one
        // record of the header's width.
        let raw = b"Ana,\"Silva,ana@x,1001\nBen,Okafor\",ben@x,1002\n";
        let scan = scan_quotes(raw, b',', 4, None);
        assert_eq!(scan.multiline_field, Some((4, 1)));
        assert!(scan.swallowed_row);
        // The same with CRLF line breaks inside the quote.
        assert!(
            scan_quotes(b"Ana,\"Silva,ana@x,1001\r\nBen,Okafor\",ben@x,1002", b',', 4, None).swallowed_row
        );
        // Only the opening line is a whole row: a multi-line last column, as an address is.
        assert!(!scan_quotes(b"a,b,c,\"1 Main St\nSuite 2\"", b',', 4, None).swallowed_row);
        // Only the closing line is: a multi-line first column.
        assert!(!scan_quotes(b"\"1 Main St\nSuite 2\",b,c,d", b',', 4, None).swallowed_row);
        // Both are, in a narrow file, but the quote holds an address, not a row's email.
        let address = b"a@example.com,\"12 Main St, Suite 4,\nSpringfield, IL\",HQ";
        assert!(!scan_quotes(address, b',', 3, None).swallowed_row);
        assert!(!scan_quotes(address, b',', 3, Some(0)).swallowed_row);
    }

    #[test]
    fn a_short_opening_line_still_swallows_the_row_it_closes_on() {
        // The line the quote opens on lacks trailing commas; the line it closes on is a
        // whole row with its email where the header puts it.
        let raw = b"a@x.com,\"Al\nb@x.com,Bo\",T";
        assert_eq!(scan_quotes(raw, b',', 3, None).email_rows, None);
        assert_eq!(scan_quotes(raw, b',', 3, Some(0)).email_rows, Some(1));
        // Not a whole row on the closing line, or no email where the header puts it.
        assert_eq!(scan_quotes(b"a@x.com,\"Al\nb@x.com\",T", b',', 4, Some(0)).email_rows, None);
        assert_eq!(scan_quotes(raw, b',', 3, Some(1)).email_rows, None);
        // A note over two lines naming someone's address is not a row.
        let note = b"a@x.com,\"ask\nbob at b@x.com, ext 5\",T";
        assert_eq!(scan_quotes(note, b',', 3, Some(0)).email_rows, None);
        // Nor a note with a comma before the email column (the closing line holds the
        // record's own email, and the opening line none).
        let note = b"Ana,\"Note, one\nsee, this\",ana@x.com";
        assert_eq!(scan_quotes(note, b',', 3, Some(2)).email_rows, None);
    }

    #[test]
    fn legit_multiline_address() {
        let raw = b"a,\"1 Main St\nSuite 2\",c\n";
        let scan = scan_quotes(raw, b',', 3, None);
        assert_eq!(
            scan,
            QuoteScan {
                open_at_end: false,
                multiline_field: Some((2, 1)),
                swallowed_row: false,
                email_rows: None
            }
        );
    }
}
