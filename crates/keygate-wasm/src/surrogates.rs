//! The one rule of the core's JSON reader that `JSON.parse` does not share: a high-surrogate escape
//! followed by a `\u` escape that is not a low surrogate. Used by both host readers (host_json.rs
//! here, and keygate-validate's JWT claims reader, which includes this file with `#[path]`).

/// Whether a `\uD800`-`\uDBFF` escape is followed by a `\u` escape that is not a low surrogate:
/// the core's reader refuses that document, `JSON.parse` keeps both halves. (Escapes come in
/// pairs, so `\\` is skipped whole; outside strings a backslash is not JSON anyway.)
pub(crate) fn broken_pair(s: &[u8]) -> bool {
    // The value of the four hex digits at `i`, if there are four.
    let hex4 = |i: usize| -> Option<u32> {
        s.get(i..i + 4)?
            .iter()
            .try_fold(0, |v, &c| Some(v * 16 + (c as char).to_digit(16)?))
    };
    let mut i = 0;
    while i < s.len() {
        if s[i] != b'\\' {
            i += 1;
            continue;
        }
        if s.get(i + 1) == Some(&b'u')
            && matches!(hex4(i + 2), Some(0xD800..=0xDBFF))
            && s.get(i + 6..i + 8) == Some(b"\\u")
            && !matches!(hex4(i + 8), Some(0xDC00..=0xDFFF))
        {
            return true;
        }
        i += 2;
    }
    false
}
