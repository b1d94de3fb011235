//! libphonenumber's patterns are laid out over many lines, indented; the crate compiles them
//! in verbose mode (`ignore_whitespace`), which ignores that white space. Two thirds of their
//! bytes are white space, and parsing it was most of the cost of compiling a country code's
//! patterns (at run time, before `build.rs` compiled them). `build.rs` takes it out with
//! [`compact`], keeping the metadata it writes small (this file is part of the build script
//! and of the tests, which hold every compacted pattern to parse as its original does).

/// `pattern` without the white space verbose mode ignores: ASCII white space outside
/// character classes and not escaped. A pattern this reading might not follow (a `#`
/// comment, a class starting with `]`) is returned as it is.
pub fn compact(pattern: &str) -> String {
    if pattern.contains('#') || pattern.contains("[]") || pattern.contains("[^]") {
        return pattern.to_owned();
    }
    let mut out = String::with_capacity(pattern.len());
    let mut chars = pattern.chars();
    let mut classes = 0_usize;
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                out.push(c);
                out.extend(chars.next());
                continue;
            }
            '[' => classes += 1,
            ']' => classes = classes.saturating_sub(1),
            c if c.is_ascii_whitespace() && classes == 0 => continue,
            _ => {}
        }
        out.push(c);
    }
    out
}
