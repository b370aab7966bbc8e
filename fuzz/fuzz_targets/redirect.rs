//! `redirect`: `same_origin_redirect` on arbitrary locations.
//!
//! Input, cut at 0xFF bytes: `base URL, path, Location [, origin]`. When the base URL parses, the
//! current URL is the base joined with the path and the origin is the base's; the raw fields are
//! also passed as they are (`current = path`, `origin = 4th field or base`).
//! Asserts: no panic; any `Some(url)` is on the given origin by an independent parse, holds only
//! visible ASCII, no backslash, no user info, and no `.`/`..` segment (also percent-encoded).
#![no_main]

use keygate::{join_path, same_origin_redirect, BaseUrl};
use keygate_fuzz::{dot_segment, fields, origin_of, path_of};
use libfuzzer_sys::fuzz_target;

fn check(current: &str, location: &str, origin: &str) {
    let Some(url) = same_origin_redirect(current, location, origin) else {
        return;
    };
    let ctx = format!(
        "current {:?}, location {:?}, origin {:?} -> {:?}",
        current, location, origin, url
    );
    assert!(url.bytes().all(|b| b.is_ascii_graphic()), "{}", ctx);
    assert!(!url.contains('\\'), "{}", ctx);
    let mine = origin_of(&url).unwrap_or_else(|| panic!("unparsable: {}", ctx));
    assert_eq!(Some(mine), origin_of(origin), "off origin: {}", ctx);
    assert!(
        !path_of(&url).split('/').any(dot_segment),
        "dot segment: {}",
        ctx
    );
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
