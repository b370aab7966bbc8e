//! The one sanitiser every error text passes through (`message`, `providerCode`, `requestId`,
//! network details, and text the JS layer builds): first the client's **own** credential is
//! removed exactly, in every form a server or runtime might echo, over the whole text; then the
//! pattern rules of [`crate::clean`] run (anything else that looks like a key or JWT, invisible
//! characters); the length cut comes last, so nothing crossing it can leave a fragment.
//!
//! What counts as the credential (each replaced by its redacted form, e.g. `pk_…9f2c`):
//! - any run of at least [`MIN_FRAGMENT`] consecutive characters of its secret part (the
//!   credential without its public prefix, such as `pk_` or `pp_live_sk_`; all of it when shorter),
//!   so the whole key, its body, and an echo a server truncated are all caught, with the prefix in
//!   front of such a run taken along;
//! - the same, percent-encoded (any mix of encoded and plain characters, upper or lower hex,
//!   one level of encoding);
//! - the same inside base64 or base64url of the credential or of its secret part, at any of the
//!   three byte alignments, so `base64(key)`, `Basic base64(key:)` and `Basic base64(user:key)`
//!   are caught; the whole base64 token is replaced (up to its padding);
//! - a Postiz hex key is matched whatever the case of its letters.
//!
//! Not caught: a credential a server deliberately disguises (split by other characters, reversed,
//! encoded twice or in another scheme); runs shorter than [`MIN_FRAGMENT`] characters.

use crate::classify::clean;
use crate::secret::Credential;

/// The shortest run of a credential's secret part redacted on its own (8 characters: 48 bits of
/// a base64url key body; the redacted form itself shows 4).
pub(crate) const MIN_FRAGMENT: usize = 8;

/// Removes `credential` from `text` in every form (see the module docs), then applies the
/// pattern rules (visible ASCII only, known secret shapes removed) and keeps at most `max`
/// characters.
///
/// ```
/// use keygate::{sanitize, Credential, CredentialKind, ProviderId};
/// let key = "pk_live0123456789abcdefXYZ";
/// let c = Credential::new(ProviderId::Poesius, CredentialKind::ApiKey, key)?;
/// let cleaned = sanitize(&c, &format!("invalid key {}", key), 300);
/// assert!(!cleaned.contains("0123456789abcdef"), "{cleaned}");
/// # Ok::<(), keygate::Error>(())
/// ```
pub fn sanitize(credential: &Credential, text: &str, max: usize) -> String {
    clean(&redact_own(credential, text), max)
}

/// Only the first step of [`sanitize`]: the credential's forms replaced, nothing else changed.
pub(crate) fn redact_own(credential: &Credential, text: &str) -> String {
    let secret = credential.secret().expose();
    if secret.is_empty() || text.is_empty() {
        return text.to_string();
    }
    let prefix = (credential.provider().keys().redact_prefix)(secret)
        .filter(|p| secret.len() > p.len() && secret.starts_with(p))
        .unwrap_or("");
    let body = &secret[prefix.len()..];
    let fold = body.len() >= 32 && body.bytes().all(|b| b.is_ascii_hexdigit());

    let t = text.as_bytes();
    let (view, at) = percent_view(t);
    // A copy of the text with the bytes of every hit set to 0xFF, which UTF-8 never holds:
    // touching or overlapping hits make one run.
    let mut marked = t.to_vec();
    let fold_case: fn(u8) -> u8 = if fold {
        |b| b.to_ascii_lowercase()
    } else {
        |b| b
    };
    // One buffer for every pass's window chain.
    let mut next = Vec::new();
    find(&view, body.as_bytes(), fold_case, &mut next, &mut |s, e| {
        let mut start = at[s];
        if !prefix.is_empty() && t[..start].ends_with(prefix.as_bytes()) {
            start -= prefix.len();
        }
        marked[start..at[e]].fill(0xFF);
    });
    // base64url read as base64.
    let url_safe: fn(u8) -> u8 = |b| match b {
        b'-' => b'+',
        b'_' => b'/',
        b => b,
    };
    for source in [secret.as_bytes(), body.as_bytes()] {
        for align in 0..3 {
            find(
                &view,
                &b64_run(source, align),
                url_safe,
                &mut next,
                &mut |s, e| {
                    let (start, end) = widen_b64(t, at[s], at[e]);
                    marked[start..end].fill(0xFF);
                },
            );
        }
        // base64 of the secret part alone is, at each alignment, a tail of the whole
        // credential's at another: once its runs are a full window long, its own passes find
        // nothing more (issue 19: 4 passes instead of 7 per text).
        if body.len() >= MIN_FRAGMENT {
            break;
        }
    }
    if !marked.contains(&0xFF) {
        return text.to_string();
    }
    let redacted = credential.secret().redacted().as_bytes();
    let mut out = Vec::with_capacity(t.len());
    let mut in_hit = false;
    for b in marked {
        if b != 0xFF {
            out.push(b);
        } else if !in_hit {
            out.extend_from_slice(redacted);
        }
        in_hit = b == 0xFF;
    }
    // Every cut is next to an ASCII byte (credentials are ASCII), so this stays UTF-8; were it
    // not, nothing is returned rather than a part of the text.
    crate::utf8::string_from_utf8(out).unwrap_or_default()
}

/// `text` with `%XX` escapes decoded, and where each decoded byte starts in `text` (one more
/// entry at the end: `text.len()`).
fn percent_view(text: &[u8]) -> (Vec<u8>, Vec<usize>) {
    let mut out = Vec::with_capacity(text.len());
    let mut at = Vec::with_capacity(text.len() + 1);
    let mut i = 0;
    while i < text.len() {
        at.push(i);
        match (text[i], hex_at(text, i + 1)) {
            (b'%', Some(v)) => {
                out.push(v);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    at.push(i);
    (out, at)
}

/// The byte a `%XX` escape's two hex digits at `i` encode.
pub(crate) fn hex_at(text: &[u8], i: usize) -> Option<u8> {
    match text.get(i..i + 2)? {
        &[h, l] => Some(hex_digit(h)? << 4 | hex_digit(l)?),
        _ => None,
    }
}

/// The value of one hex digit (either case).
pub(crate) fn hex_digit(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Ranges of `view` covered by windows of [`MIN_FRAGMENT`] bytes (all of `pattern` when shorter)
/// that occur in `pattern`, both read through `norm`, each passed to `run` (start, end) in
/// order; overlapping windows are merged.
fn find(
    view: &[u8],
    pattern: &[u8],
    norm: fn(u8) -> u8,
    next: &mut Vec<usize>,
    run: &mut dyn FnMut(usize, usize),
) {
    let n = MIN_FRAGMENT.min(pattern.len());
    if n == 0 || view.len() < n {
        return;
    }
    // The windows of `pattern` chained by their first byte: `first[b]` is a window starting with
    // `b`, `next[j]` another one after window `j` (`usize::MAX`: none).
    let windows = pattern.len() - n + 1;
    let mut first = [usize::MAX; 256];
    next.clear();
    for (j, &p) in pattern[..windows].iter().enumerate() {
        let b = usize::from(norm(p));
        next.push(first[b]);
        first[b] = j;
    }
    // The run being grown (empty: none yet).
    let (mut start, mut end) = (0, 0);
    for i in 0..view.len() + 1 - n {
        let mut j = first[usize::from(norm(view[i]))];
        while j != usize::MAX {
            if (1..n).all(|k| norm(view[i + k]) == norm(pattern[j + k])) {
                if end < i || end == 0 {
                    if end != 0 {
                        run(start, end);
                    }
                    start = i;
                }
                end = i + n;
                break;
            }
            j = next[j];
        }
    }
    if end != 0 {
        run(start, end);
    }
}

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// The base64 characters determined by `bytes` alone when they follow `align` other bytes
/// (the characters at either end that mix in neighbouring bytes are left out).
fn b64_run(bytes: &[u8], align: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len() * 4 / 3 + 1);
    // The last bits read, and how many of them are still to be written (at first minus the high
    // bits of the first byte that share a character with the bytes before it).
    let mut acc = 0u32;
    let mut pending = -((4 * align % 6) as i32);
    for &b in bytes {
        acc = (acc << 8 | u32::from(b)) & 0xFFFF;
        pending += 8;
        while pending >= 6 {
            pending -= 6;
            out.push(B64[(acc >> pending) as usize & 63]);
        }
    }
    out
}

fn is_b64(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'-' | b'_')
}

/// One base64 character (or its `%XX` form) ending at `end`, if there is one: its start.
fn b64_before(t: &[u8], end: usize) -> Option<usize> {
    if end >= 3 && t[end - 3] == b'%' && hex_at(t, end - 2).is_some_and(is_b64) {
        return Some(end - 3);
    }
    (end >= 1 && is_b64(t[end - 1])).then(|| end - 1)
}

/// One character satisfying `ok` (or its `%XX` form) starting at `start`: its end.
fn char_after(t: &[u8], start: usize, ok: fn(u8) -> bool) -> Option<usize> {
    match t.get(start)? {
        b'%' if hex_at(t, start + 1).is_some_and(ok) => Some(start + 3),
        &b if ok(b) => Some(start + 1),
        _ => None,
    }
}

/// A base64 hit widened to the characters that mix the credential with its neighbours (at most 2
/// before and 3 after) and the padding.
fn widen_b64(t: &[u8], mut start: usize, mut end: usize) -> (usize, usize) {
    for _ in 0..2 {
        match b64_before(t, start) {
            Some(s) => start = s,
            None => break,
        }
    }
    for _ in 0..3 {
        match char_after(t, end, is_b64) {
            Some(e) => end = e,
            None => break,
        }
    }
    for _ in 0..2 {
        match char_after(t, end, |b| b == b'=') {
            Some(e) => end = e,
            None => break,
        }
    }
    (start, end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_runs_are_the_determined_characters() {
        // base64("abc") = "YWJj"; after one byte "?abc" = "P2FiYw==": "FiY" depend on "abc" only
        // ("2" mixes in the byte before it, "w" the padding).
        assert_eq!(b64_run(b"abc", 0), b"YWJj");
        assert_eq!(b64_run(b"abc", 1), b"FiY");
        assert_eq!(b64_run(b"abcd", 0), b"YWJjZ"); // "YWJjZA=="
                                                   // Against the definition, bit by bit: the characters wholly inside `bytes`.
        let reference = |bytes: &[u8], align: usize| {
            let bit = |k: usize| {
                let i = k / 8;
                if i < align || i >= align + bytes.len() {
                    0
                } else {
                    usize::from(bytes[i - align] >> (7 - k % 8)) & 1
                }
            };
            let mut out = Vec::new();
            let mut c = (8 * align).div_ceil(6);
            while 6 * c + 6 <= 8 * (align + bytes.len()) {
                out.push(B64[(0..6).fold(0, |v, j| v << 1 | bit(6 * c + j))]);
                c += 1;
            }
            out
        };
        let data: Vec<u8> = (0..=255u8).rev().chain(0..=255).step_by(7).collect();
        for len in 0..data.len() {
            for align in 0..3 {
                assert_eq!(b64_run(&data[..len], align), reference(&data[..len], align));
            }
        }
    }

    #[test]
    fn windows_merge() {
        let runs = |view: &[u8], pattern: &[u8]| {
            let mut out = Vec::new();
            find(view, pattern, |b| b, &mut Vec::new(), &mut |s, e| {
                out.push((s, e))
            });
            out
        };
        assert_eq!(runs(b"xxabcdefghijyy", b"abcdefghij"), vec![(2, 12)]);
        assert_eq!(runs(b"abcdefg", b"abcdefghij"), vec![]);
        assert_eq!(runs(b"abc", b"abc"), vec![(0, 3)]);
        assert_eq!(
            runs(b"abcdefgh-abcdefgh", b"abcdefgh"),
            vec![(0, 8), (9, 17)]
        );
        assert_eq!(runs(b"abcdefghabcdefgh", b"abcdefgh"), vec![(0, 16)]);
    }
}
