//! The user: `User ID/Email (Required)` and, for calling users, the names.

use super::keys::{key, key_lower};
use super::safety::{is_ascii_space, is_formula};
use super::{Remembered, RowCtx, Rule};
use crate::schema::Package;

/// Characters allowed in the local part: the union of Webex Calling's two lists
/// (control-hub-csv.md §10). RFC 5322 allows `^`, `` ` ``, `|` and `~` too, but neither list
/// does: Webex Calling refuses them (`WXC-4801`, `WXC-4901`).
const fn local_char_ok(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(
            c,
            '!' | '#'
                | '$'
                | '%'
                | '&'
                | '\''
                | '*'
                | '+'
                | '-'
                | '/'
                | '='
                | '?'
                | '_'
                | '{'
                | '}'
                | '.'
                | ';'
        )
}

/// What an ASCII byte may be in an address: in the local part, in a domain label, white
/// space. Other bytes (non-ASCII ones included) are none of these.
const LOCAL: u8 = 1;
const LABEL: u8 = 2;
const SPACE: u8 = 4;
const CLASSES: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut byte: u8 = 0;
    while byte < 128 {
        let b = byte as usize;
        if local_char_ok(byte as char) {
            table[b] |= LOCAL;
        }
        if byte.is_ascii_alphanumeric() || byte == b'-' {
            table[b] |= LABEL;
        }
        if is_ascii_space(byte) {
            table[b] |= SPACE;
        }
        byte += 1;
    }
    table
};

fn is(b: u8, class: u8) -> bool {
    CLASSES[usize::from(b)] & class != 0
}

/// Whether an ASCII domain is labels joined by dots, at least two, each of letters, digits
/// and `-` and neither starting nor ending with `-`: read in one pass, each `.` or `-`
/// checked against the byte before it.
fn ascii_domain_ok(domain: &[u8]) -> bool {
    let (mut prev, mut dots) = (b'.', 0);
    for &b in domain {
        let ok = match b {
            b'.' => prev != b'.' && prev != b'-',
            b'-' => prev != b'.',
            _ => is(b, LABEL),
        };
        if !ok {
            return false;
        }
        dots += usize::from(b == b'.');
        prev = b;
    }
    dots > 0 && prev != b'.' && prev != b'-'
}

/// [`email_problem_in`] with no domain remembered.
fn email_problem(email: &str) -> Option<&'static str> {
    email_problem_in(email, &mut Remembered::default())
}

/// Why an address is not plausible, or `None` when it is. The checks run on bytes where
/// UTF-8 allows it (`@` and `.` are ASCII bytes, which are never part of another character;
/// a byte of a non-ASCII character is refused by the local part's list as its character
/// is), and on characters only where a non-ASCII character can change the verdict: white
/// space, the length, and the letters of the domain. Property tests hold it to the plain
/// character-by-character reading.
///
/// `known`: the domain last found valid, whose check is skipped; this address's domain,
/// when found valid, is remembered instead.
fn email_problem_in(email: &str, known: &mut Remembered) -> Option<&'static str> {
    let ascii = email.is_ascii();
    let space =
        if ascii { email.bytes().any(|b| is(b, SPACE)) } else { email.chars().any(char::is_whitespace) };
    if space {
        return Some("contains a space");
    }
    // Bytes first: an address of at most 161 bytes has at most 161 characters.
    if email.len() > 161 && email.chars().count() > 161 {
        return Some("is longer than 161 characters");
    }
    let at = match memchr::memchr(b'@', email.as_bytes()) {
        Some(at) if memchr::memchr(b'@', &email.as_bytes()[at + 1..]).is_none() => at,
        _ => return Some("must contain exactly one `@`"),
    };
    let (local, domain) = (&email[..at], &email[at + 1..]);
    if local.is_empty() {
        return Some("has nothing before the `@`");
    }
    if local.len() > 64 {
        return Some("has more than 64 characters before the `@`");
    }
    if !local.bytes().all(|b| is(b, LOCAL)) {
        return Some("has a character Webex does not accept before the `@`");
    }
    if known.holds(domain) {
        return None;
    }
    let domain_ok = if ascii {
        ascii_domain_ok(domain.as_bytes())
    } else {
        memchr::memchr(b'.', domain.as_bytes()).is_some()
            && domain.split('.').all(|label| {
                !label.is_empty()
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.chars().all(|c| c.is_alphanumeric() || c == '-')
            })
    };
    if !domain_ok {
        return Some("does not have a domain such as `example.com` after the `@`");
    }
    // Only a domain in ASCII without capitals, so that an address with the domain
    // remembered is plain where its local part is ([`plain_address_key`]).
    if ascii && !domain.bytes().any(|b| b.is_ascii_uppercase()) {
        known.remember(domain);
    }
    None
}

/// The key of an address that no check can fault, or `None` to check it in full: ASCII
/// without capitals, one `@` after a local part Webex accepts, and the domain `known`
/// holds (found valid before; only a domain in ASCII without capitals is remembered, so
/// the domain needs no reading of its own). Most rows' addresses are such; they are read
/// once here instead of once a check.
fn plain_address_key(email: &str, known: &Remembered) -> Option<u128> {
    let bytes = email.as_bytes();
    let at = memchr::memchr(b'@', bytes)?;
    let (local, domain) = (&bytes[..at], &bytes[at + 1..]);
    (bytes.len() <= 161
        && (1..=64).contains(&local.len())
        && known.holds_bytes(domain)
        && local.iter().all(|&b| is(b, LOCAL) && !b.is_ascii_uppercase()))
    .then(|| key(email))
}

/// The address in a cell that holds one with more around it: a mail link
/// (`mailto:ana@example.com`), a name with the address in angle brackets as mail programs
/// copy it (`Ana Silva <ana@example.com>`), a list's separator after it
/// (`ana@example.com;`), or a full-width `＠` typed with a Japanese or Chinese input method:
/// the address, in lower case, when it is a plausible one. `None` when the cell holds
/// nothing of the kind.
fn wrapped_address(value: &str) -> Option<String> {
    let mut v = value.trim();
    if let Some(inner) = v.strip_suffix('>').and_then(|v| v.rsplit_once('<')).map(|(_, inner)| inner) {
        v = inner.trim();
    }
    if v.get(..7).is_some_and(|p| p.eq_ignore_ascii_case("mailto:")) {
        v = v[7..].trim();
    }
    let v = v.trim_end_matches([';', ',']).trim_end();
    let plain = v.replace('＠', "@");
    (!plain.is_empty() && plain != value && email_problem(&plain).is_none()).then(|| plain.to_lowercase())
}

/// Checks the identity cell (`known`: the domain last found valid on this thread); returns
/// the lower-cased email key.
pub(super) fn email(ctx: &mut RowCtx<'_>, known: &mut Remembered) -> Option<u128> {
    let col = ctx.schema.email;
    let value = ctx.get(Some(col));
    if value.is_empty() && ctx.cut(col) {
        // Already an error (`cell-too-long`), and not empty in the file.
        return None;
    }
    if value.is_empty() {
        let d = ctx.at(
            Rule::MissingEmail,
            col,
            "the user's email is empty".to_owned(),
            "every row needs the user's email in `User ID/Email (Required)`; delete rows that are not users",
        );
        ctx.diags.push(d);
        return None;
    }
    if let Some(key) = plain_address_key(value, known) {
        return Some(key);
    }
    let key = key_lower(value);
    if is_formula(value) {
        return Some(key);
    }
    if let Some(problem) = email_problem_in(value, known) {
        if let Some(address) = wrapped_address(value) {
            let d = ctx.at(
                Rule::InvalidEmail,
                col,
                format!("`{value}` is not an address alone: the address in it is `{address}`"),
                "hubcsv fix writes the address alone; check that it is the user's",
            );
            let key = key_lower(&address);
            ctx.user = Some(address.clone());
            ctx.fix(d, col, address);
            return Some(key);
        }
        let message = format!("`{value}` {problem}");
        let d = ctx.at(
            Rule::InvalidEmail,
            col,
            message,
            "write the address as name@domain.tld; changing a user's email creates a new user in Control Hub",
        );
        ctx.diags.push(d);
        return Some(key);
    }
    // Lower-casing changes nothing in ASCII without capitals: no string to build.
    if value.is_ascii() && !value.bytes().any(|b| b.is_ascii_uppercase()) {
        return Some(key);
    }
    let lower = value.to_lowercase();
    if lower != value {
        let d = ctx.at(
            Rule::EmailCase,
            col,
            format!("`{value}` has upper-case letters"),
            "hubcsv fix writes emails in lower case; Control Hub matches users case-insensitively",
        );
        ctx.fix(d, col, lower);
    }
    Some(key)
}

/// Characters Webex Calling refuses in names; all ASCII, so they are looked for byte by
/// byte (an ASCII byte is never part of another character in UTF-8).
fn name_forbidden(b: u8) -> bool {
    matches!(b, b'%' | b'#' | b'<' | b'>' | b'\\' | b'/' | b'"')
}

/// `invalid-manager`: a `Manager` cell that is not an email address. Control Hub's column
/// takes the manager's email (control-hub-csv.md §1.2); an HR export often has the
/// manager's name there instead.
pub(super) fn manager(ctx: &mut RowCtx<'_>) {
    let Some(col) = ctx.schema.manager else { return };
    let value = ctx.get(Some(col)).trim();
    if value.is_empty() || super::calling::is_remove(value) {
        return;
    }
    let Some(problem) = email_problem(value) else { return };
    if let Some(address) = wrapped_address(value) {
        let d = ctx.at(
            Rule::InvalidManager,
            col,
            format!("`{value}` is not an address alone: the manager's address in it is `{address}`"),
            "hubcsv fix writes the address alone",
        );
        ctx.fix(d, col, address);
        return;
    }
    let message =
        format!("`{value}` is not an email address: it {problem}; `Manager` takes the manager's email");
    let d = ctx.at(
        Rule::InvalidManager,
        col,
        message,
        "write the manager's Webex email (jane.doe@example.com), or leave the cell blank (no change)",
    );
    ctx.diags.push(d);
}

/// First and last names of calling users (Webex Calling limits, control-hub-csv.md §10).
pub(super) fn names(ctx: &mut RowCtx<'_>, designated: Option<&Package>, new_user: bool) {
    if !designated.is_some_and(|p| p.calling) {
        return;
    }
    // A new calling user needs both names (control-hub-csv.md §10): a name column the file
    // has, blank on such a row, is reported (for an existing user a blank cell is no
    // change; a file without the column is left to Control Hub's defaults).
    if new_user {
        for col in [ctx.schema.first_name, ctx.schema.last_name].into_iter().flatten() {
            if !ctx.get(Some(col)).is_empty() || ctx.cut(col) {
                continue;
            }
            let d = ctx.at(
                Rule::InvalidName,
                col,
                format!(
                    "a new Webex Calling user needs a First Name and a Last Name; `{}` is blank",
                    ctx.schema.name(col)
                ),
                "give the user both names: Webex Calling shows them to callers and in the directory",
            );
            ctx.diags.push(d);
        }
    }
    for col in [ctx.schema.first_name, ctx.schema.last_name].into_iter().flatten() {
        let value = ctx.get(Some(col));
        let problem = if value.len() > 30 && value.chars().count() > 30 {
            Some(format!("is {} characters long; Webex Calling allows 30", value.chars().count()))
        } else {
            value.bytes().find(|b| name_forbidden(*b)).map(|b| format!("contains `{}`", char::from(b)))
        };
        if let Some(problem) = problem {
            let d = ctx.at(
                Rule::InvalidName,
                col,
                format!("`{}` {problem}", ctx.schema.name(col)),
                "Webex Calling names allow at most 30 characters and none of % # < > \\ / \"; shorten or respell the name",
            );
            ctx.diags.push(d);
        }
    }
}

#[cfg(test)]
mod tests {
    /// The address in a cell that wraps one, and nothing for a cell that does not.
    #[test]
    fn wrapped_addresses() {
        let w = |v: &str| super::wrapped_address(v);
        assert_eq!(w("mailto:ana@example.com").as_deref(), Some("ana@example.com"));
        assert_eq!(w("MAILTO: ana@example.com").as_deref(), Some("ana@example.com"));
        assert_eq!(w("Ana Silva <ana@example.com>").as_deref(), Some("ana@example.com"));
        assert_eq!(w("\"Silva, Ana\" < ana@example.com >").as_deref(), Some("ana@example.com"));
        assert_eq!(w("<mailto:ana@example.com>").as_deref(), Some("ana@example.com"));
        assert_eq!(w("ana@example.com;").as_deref(), Some("ana@example.com"));
        assert_eq!(w("ana@example.com, ").as_deref(), Some("ana@example.com"));
        assert_eq!(w("ana＠example.com").as_deref(), Some("ana@example.com"));
        // Nothing to unwrap: as it is (two addresses stay two, and an error).
        assert_eq!(w("ana@example.com"), None);
        assert_eq!(w("<>"), None);
        assert_eq!(w("a@example.com; b@example.com").as_deref(), None);
    }

    use proptest::prelude::*;

    use super::{email_problem, local_char_ok};

    /// The checks read character by character, as written first: the oracle of the
    /// property test.
    fn reference(email: &str) -> Option<&'static str> {
        if email.chars().any(char::is_whitespace) {
            return Some("contains a space");
        }
        if email.chars().count() > 161 {
            return Some("is longer than 161 characters");
        }
        let mut parts = email.split('@');
        let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
            return Some("must contain exactly one `@`");
        };
        if local.is_empty() {
            return Some("has nothing before the `@`");
        }
        if local.len() > 64 {
            return Some("has more than 64 characters before the `@`");
        }
        if !local.chars().all(local_char_ok) {
            return Some("has a character Webex does not accept before the `@`");
        }
        let domain_ok = domain.contains('.')
            && domain.split('.').all(|label| {
                !label.is_empty()
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.chars().all(|c| c.is_alphanumeric() || c == '-')
            });
        if !domain_ok {
            return Some("does not have a domain such as `example.com` after the `@`");
        }
        None
    }

    #[test]
    fn plausible_emails() {
        assert_eq!(email_problem("ana.silva@example.com"), None);
        assert_eq!(email_problem("o'brien+tag@mail.example.co.uk"), None);
        assert!(email_problem("ana@example").is_some());
        assert!(email_problem("ana@@example.com").is_some());
        assert!(email_problem("ana silva@example.com").is_some());
        assert!(email_problem("@example.com").is_some());
        assert!(email_problem("ana@example..com").is_some());
        assert!(email_problem("ana(x)@example.com").is_some());
        // Every character of the two lists, and its neighbours in ASCII that are not.
        assert_eq!(email_problem("!#$%&'*+-/=?_{}.;@example.com"), None);
        for c in ['(', ')', ',', ':', '<', '>', '[', ']', '\\', '"', 'é', '^', '`', '|', '~'] {
            assert!(email_problem(&format!("a{c}b@example.com")).is_some(), "{c}");
        }
        // Each check at its edge, with its own message.
        let domain = "does not have a domain such as `example.com` after the `@`";
        let cases = [
            (format!("{}@example.com", "a".repeat(64)), None),
            (format!("{}@example.com", "a".repeat(65)), Some("has more than 64 characters before the `@`")),
            ("ana@ex-ample.com".to_owned(), None),
            ("ana@exämple.com".to_owned(), None),
            ("ana@exa\u{2003}mple.com".to_owned(), Some("contains a space")),
            ("a@b@c.com".to_owned(), Some("must contain exactly one `@`")),
            ("ana@".to_owned(), Some(domain)),
            ("ana@example".to_owned(), Some(domain)),
            ("ana@-example.com".to_owned(), Some(domain)),
            ("ana@example-.com".to_owned(), Some(domain)),
            ("ana@example.-com".to_owned(), Some(domain)),
            ("ana@example.com-".to_owned(), Some(domain)),
            ("ana@example.com.".to_owned(), Some(domain)),
            ("ana@.example.com".to_owned(), Some(domain)),
            ("ana@exa_mple.com".to_owned(), Some(domain)),
        ];
        for (address, verdict) in cases {
            assert_eq!(email_problem(&address), verdict, "{address}");
            assert_eq!(reference(&address), verdict, "{address}");
        }
        // 161 characters pass, 162 do not, in ASCII and in two-byte letters (the byte count
        // is only a shortcut).
        let local = "a".repeat(64);
        for letter in ["b", "é"] {
            let address = |n: usize| format!("{local}@{}.com", letter.repeat(n));
            assert_eq!(address(92).chars().count(), 161);
            assert_eq!(email_problem(&address(92)), None, "{letter}");
            assert_eq!(email_problem(&address(93)), Some("is longer than 161 characters"), "{letter}");
        }
    }

    proptest! {
        /// `email_problem` gives the character-by-character verdict: addresses built from
        /// the characters that matter (letters, digits, `@`, `.`, `-`, every kind of ASCII
        /// white space, allowed and refused punctuation, non-ASCII letters and spaces), of
        /// every length around the limits.
        #[test]
        fn bytes_and_characters_agree(
            email in "[a-zA-Z0-9@.\\-_+'!;()\",:\\[\\] \t\n\r\u{b}\u{c}\u{0}\u{7f}éßЖ漢\u{a0}\u{2003}]{0,40}",
            padding in 0usize..140,
        ) {
            for candidate in [email.clone(), format!("{}{email}", "a".repeat(padding)), format!("{email}{}", ".b".repeat(padding / 2)), format!("{email}{}", "é".repeat(padding))] {
                prop_assert_eq!(email_problem(&candidate), reference(&candidate), "{:?}", candidate);
            }
        }

        /// A domain remembered from an earlier address changes no verdict: addresses in a
        /// row, with domains good and bad, repeated and not.
        #[test]
        fn a_remembered_domain_changes_no_verdict(
            addresses in proptest::collection::vec(
                ("[a-z!(]{0,3}", proptest::sample::select(vec!["example.com", "example", "ex-.com", "exämple.com", "a.b", "A.B", "x..y", "example.com."])),
                0..12,
            ),
        ) {
            let mut known = super::Remembered::default();
            for (local, domain) in addresses {
                let address = format!("{local}@{domain}");
                prop_assert_eq!(super::email_problem_in(&address, &mut known), reference(&address), "{:?}", address);
            }
        }

        /// An address taken on the quick path is one the full checks pass, with the key
        /// they give, and one lower case leaves as it is: addresses in a row with capitals,
        /// spaces, accents, formulas, `@`s and domains good and bad, remembered as the
        /// checks remember them.
        #[test]
        fn a_plain_address_is_one_the_checks_pass(
            addresses in proptest::collection::vec(
                (
                    "[a-z0-9]{0,3}[A=+( é]?",
                    0_usize..3,
                    prop_oneof![4 => Just("@"), 1 => Just(""), 1 => Just("@@")],
                    proptest::sample::select(vec![
                        "example.com", "example.com", "Example.com", "exämple.com", "x..y", "example.com ", "e@x.com",
                        // 99 bytes: with a local part of 62 or more, past 161 in all.
                        "long-domain-of-a-hundred-bytes-and-more-long-domain-of-a-hundred-bytes-and-more-long-domain.example",
                        "long-domain-of-a-hundred-bytes-and-more-long-domain-of-a-hundred-bytes-and-more-long-domain.example",
                    ]),
                ),
                0..12,
            ),
        ) {
            let mut known = super::Remembered::default();
            for (local, pad, at, domain) in addresses {
                // Local parts of up to 62 to 66 bytes.
                let local = format!("{}{local}", "p".repeat(pad * 31));
                let address = format!("{local}{at}{domain}");
                if let Some(key) = super::plain_address_key(&address, &known) {
                    prop_assert_eq!(key, super::key_lower(&address), "{:?}", address);
                    prop_assert_eq!(address.to_lowercase(), address.clone());
                    prop_assert_eq!(super::email_problem_in(&address, &mut known), None, "{:?}", address);
                } else {
                    super::email_problem_in(&address, &mut known);
                }
            }
        }

        /// The same for ASCII addresses (read by the one-pass domain check), around the
        /// dots and hyphens of the domain.
        #[test]
        fn ascii_domains_agree(local in "[a-z0-9._+]{0,6}", domain in "[a-zA-Z0-9.\\-_@ ]{0,24}") {
            let candidate = format!("{local}@{domain}");
            prop_assert_eq!(email_problem(&candidate), reference(&candidate), "{:?}", candidate);
        }
    }
}
