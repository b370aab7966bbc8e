//! `redirect`: `same_origin_redirect` on arbitrary locations, with the `url` crate (WHATWG) as a
//! differential oracle.
//!
//! Input, cut at 0xFF bytes: `base URL, path, Location [, origin]`. When the base URL parses, the
//! current URL is the base joined with the path and the origin is the base's; the raw fields are
//! also passed as they are (`current = path`, `origin = 4th field or base`).
//! Asserts: no panic; any `Some(url)` holds only visible ASCII, no backslash before its query, no
//! user info, no `.`/`..` segment (also percent-encoded), is on the given origin by the `url`
//! crate's parse, and is exactly what `Url::join` gives; a `None` is a cross-origin answer, an
//! error of the crate, or one of keygate's documented refusals (empty or non-visible-ASCII
//! `Location`, user info, IPv6 host, a host with anything but letters, digits, `-` and `.`).
#![no_main]

use keygate::__internals::{join_path, same_origin_redirect};
use keygate::BaseUrl;
use keygate_fuzz::{dot_segment, fields, path_of};
use libfuzzer_sys::fuzz_target;

/// `Url::join`, with the crate's one known divergence undone (a relative `///host` is
/// `EmptyHost` there; WHATWG skips every further slash), and keygate's rule applied.
fn oracle(current: &url::Url, location: &str, origin: &url::Url) -> Option<String> {
    let rest = location.trim_start_matches(['/', '\\']);
    let location = if location.len() - rest.len() >= 3 {
        format!("//{}", rest)
    } else {
        location.to_string()
    };
    let u = current.join(&location).ok()?;
    (u.origin() == origin.origin() && u.username().is_empty() && u.password().is_none())
        .then(|| u.to_string())
}

/// The crate's second divergence: on `..` it keeps a segment that looks like a Windows drive
/// letter (`p:`, `c|`) in http(s) URLs too (WHATWG: only for `file:`). Not compared.
fn crate_diverges(s: &str) -> bool {
    s.split(['/', '\\', '?', '#']).any(|seg| {
        let b = seg.as_bytes();
        b.len() == 2 && b[0].is_ascii_alphabetic() && matches!(b[1], b':' | b'|')
    })
}

fn stricter(location: &str) -> bool {
    let b = location.as_bytes();
    location.is_empty()
        || !b.iter().all(|c| c.is_ascii_graphic())
        || location.contains(['@', '['])
        || b.windows(2)
            .any(|w| w[0] == b'%' && matches!(w[1], b'8'..=b'9' | b'a'..=b'f' | b'A'..=b'F'))
}

fn check(current: &str, location: &str, origin: &str) {
    let ours = same_origin_redirect(current, location, origin);
    let ctx = format!(
        "current {:?}, location {:?}, origin {:?} -> {:?}",
        current, location, origin, ours
    );
    if let Some(url) = &ours {
        assert!(url.bytes().all(|b| b.is_ascii_graphic()), "{}", ctx);
        let before_query = &url[..url.find(['?', '#']).unwrap_or(url.len())];
        assert!(!before_query.contains('\\'), "{}", ctx);
        assert!(
            !path_of(url).split('/').any(dot_segment),
            "dot segment: {}",
            ctx
        );
        // keygate does not validate punycode (`xn--`) labels, so from a current URL the crate
        // cannot read, only the checks above apply.
        if url::Url::parse(current).is_err() {
            return;
        }
        let parsed = url::Url::parse(url).unwrap_or_else(|e| panic!("unparsable ({}): {}", e, ctx));
        let pin = url::Url::parse(origin).unwrap_or_else(|e| panic!("origin ({}): {}", e, ctx));
        assert!(
            parsed.username().is_empty() && parsed.password().is_none(),
            "{}",
            ctx
        );
        assert_eq!(parsed.origin(), pin.origin(), "off origin: {}", ctx);
    }
    // The differential: where the crate can read both URLs, keygate agrees with it exactly
    // (a `Some` always; a `None` unless it is one of keygate's refusals).
    let (Ok(cur), Ok(pin)) = (url::Url::parse(current), url::Url::parse(origin)) else {
        return;
    };
    // keygate's refusals apply to the current URL and the origin too (it reads them with the
    // same parser): no differential there.
    if stricter(current) || stricter(origin) || crate_diverges(current) || crate_diverges(location)
    {
        return;
    }
    // Only http(s) requests are ever made: another scheme's current URL is refused, and so is a
    // host with anything but letters, digits, `-` and `.` (a base URL cannot have one).
    if !matches!(cur.scheme(), "http" | "https") || !matches!(pin.scheme(), "http" | "https") {
        return;
    }
    let plain = |h: Option<&str>| {
        h.is_some_and(|h| {
            h.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.')
        })
    };
    if !plain(cur.host_str()) || !plain(pin.host_str()) {
        return;
    }
    let want = oracle(&cur, location, &pin);
    if ours.is_none() && stricter(location) {
        return;
    }
    assert_eq!(ours, want, "differs from the url crate: {}", ctx);
}

fuzz_target!(|data: &[u8]| {
    let f = fields(data, 4);
    let (base, path, location) = (&f[0], &f[1], &f[2]);
    if let Ok(b) = BaseUrl::parse(base) {
        let origin = b.origin();
        let current = join_path(&b, path).unwrap_or_else(|_| b.as_string());
        check(&current, location, &origin);
        check(&b.as_string(), location, &origin);
    }
    let origin = if f[3].is_empty() { base } else { &f[3] };
    check(path, location, origin);
});
