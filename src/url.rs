//! A deliberately small URL model: enough to pin an origin and join paths under a base, with
//! everything unusual refused rather than interpreted.

/// An absolute `http`/`https` URL with no user info, query or fragment (a base URL).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BaseUrl {
    https: bool,
    host: String,
    port: Option<u16>,
    path: String,
}

impl BaseUrl {
    /// Parses a base URL; `Err` says why, without quoting the input.
    pub fn parse(input: &str) -> Result<BaseUrl, &'static str> {
        if !input.bytes().all(|b| b.is_ascii_graphic()) {
            return Err("it contains whitespace, control or non-ASCII characters");
        }
        // Both schemes are told from the first 8 bytes (so `http://` alone is no base URL).
        let head = input.as_bytes().get(..8).unwrap_or_default();
        let (https, rest) = if head.eq_ignore_ascii_case(b"https://") {
            (true, &input[8..])
        } else if head.len() == 8 && head[..7].eq_ignore_ascii_case(b"http://") {
            (false, &input[7..])
        } else {
            return Err("it must start with https:// (or http:// for loopback)");
        };
        if rest.bytes().any(|b| b == b'?' || b == b'#') {
            return Err("a base URL may not carry a query or fragment");
        }
        let (authority, path) = match rest.find('/') {
            Some(i) => rest.split_at(i),
            None => (rest, ""),
        };
        let (host, port) = parse_authority(authority)?;
        let path = path.trim_end_matches('/');
        if path.contains('\\')
            || path
                .split('/')
                .skip(1)
                .any(|s| s.is_empty() || is_dot_segment(s))
        {
            return Err("its path has empty, '.' or '..' segments or a backslash");
        }
        if !path.bytes().all(is_path_byte) || !percent_ok(path) {
            return Err("its path has characters that must be percent-encoded");
        }
        Ok(BaseUrl {
            https,
            host,
            port,
            path: path.to_string(),
        })
    }

    /// `scheme://host[:port]`, the default port left out.
    pub fn origin(&self) -> String {
        let mut out = String::with_capacity(self.host.len() + self.path.len() + 16);
        self.push_origin(&mut out);
        out
    }

    // Built by hand, not with `format!`: this runs for every request (measured: `format!` was a
    // sixth of planning time in the size-optimised wasm).
    fn push_origin(&self, out: &mut String) {
        out.push_str(if self.https { "https://" } else { "http://" });
        out.push_str(&self.host);
        if let Some(p) = self.port {
            if p != if self.https { 443 } else { 80 } {
                out.push(':');
                for &d in crate::decimal::decimal(u64::from(p), &mut [0; 20]) {
                    out.push(char::from(d));
                }
            }
        }
    }

    /// The path, without a trailing slash (may be empty).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// Whether the scheme is `https`.
    pub fn is_https(&self) -> bool {
        self.https
    }

    /// `localhost`, `127.0.0.0/8` or `[::1]`.
    pub fn is_loopback(&self) -> bool {
        if self.host == "localhost" || self.host == "[::1]" {
            return true;
        }
        let mut octets = 0;
        self.host.starts_with("127.")
            && self.host.as_bytes().split(|&b| b == b'.').all(|o| {
                octets += 1;
                decimal(o, 3).is_some_and(|n| n <= 255)
            })
            && octets == 4
    }

    /// The full URL string.
    pub fn as_string(&self) -> String {
        let mut out = String::with_capacity(self.host.len() + self.path.len() + 16);
        self.push_origin(&mut out);
        out.push_str(&self.path);
        out
    }

    /// A copy with `suffix` (e.g. `/public/v1`) appended unless the path already ends with it.
    pub fn with_suffix(&self, suffix: &str) -> BaseUrl {
        let mut b = self.clone();
        if !b.path.ends_with(suffix) {
            b.path.push_str(suffix);
        }
        b
    }

    /// A copy with `suffix` removed from the end of the path, where it ends with it.
    pub fn without_suffix(&self, suffix: &str) -> BaseUrl {
        let mut b = self.clone();
        if let Some(root) = b.path.strip_suffix(suffix) {
            b.path = root.to_string();
        }
        b
    }
}

fn parse_authority(authority: &str) -> Result<(String, Option<u16>), &'static str> {
    if authority.contains('@') {
        return Err("a base URL may not carry user info (user:password@)");
    }
    let (host, port) = if let Some(rest) = authority.strip_prefix('[') {
        let end = rest.find(']').ok_or("an IPv6 host is missing its ']'")?;
        let h = &rest[..end];
        if h.is_empty()
            || !h
                .bytes()
                .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
        {
            return Err("the IPv6 host is malformed");
        }
        // `[`, the address and `]`.
        (authority[..end + 2].to_ascii_lowercase(), &rest[end + 1..])
    } else {
        let end = authority.find(':').unwrap_or(authority.len());
        let h = authority[..end]
            .strip_suffix('.')
            .unwrap_or(&authority[..end]);
        let label_ok = |l: &str| {
            !l.is_empty()
                && !l.starts_with('-')
                && !l.ends_with('-')
                && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        };
        if !h.split('.').all(label_ok) {
            return Err("the host is missing or malformed");
        }
        (h.to_ascii_lowercase(), &authority[end..])
    };
    let port = match port.strip_prefix(':') {
        None if port.is_empty() => None,
        None => return Err("unexpected characters after the host"),
        Some(p) => match decimal(p.as_bytes(), 5) {
            Some(n @ 1..=65_535) => Some(n as u16),
            _ => return Err("the port is not a number from 1 to 65535"),
        },
    };
    Ok((host, port))
}

use crate::httpdate::decimal;

fn is_dot_segment(s: &str) -> bool {
    dots(s.as_bytes()) != 0
}

/// pchar plus `/`: unreserved, sub-delims, `:`, `@`, `%`.
fn is_path_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/%".contains(&b)
}

/// Every `%` starts a valid escape, and none encodes `/`, `\` or NUL.
fn percent_ok(s: &str) -> bool {
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let Some(v) = crate::sanitize::hex_at(bytes, i + 1) else {
                return false;
            };
            if v == b'/' || v == b'\\' || v == 0 {
                return false;
            }
            i += 3;
        } else {
            i += 1;
        }
    }
    true
}

/// Joins a caller's relative `path` (which may carry a `?query`) under `base`; anything that could
/// leave the base path or origin is refused.
pub fn join(base: &BaseUrl, path: &str) -> Result<String, &'static str> {
    if path.is_empty() {
        return Ok(base.as_string());
    }
    if !path.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(
            "the path contains whitespace, control or non-ASCII characters; percent-encode them",
        );
    }
    if path.contains('#') {
        return Err("the path may not carry a fragment");
    }
    if path.contains('\\') {
        return Err("the path may not contain a backslash");
    }
    let (p, query) = match path.find('?') {
        Some(i) => (&path[..i], Some(&path[i + 1..])),
        None => (path, None),
    };
    if p.starts_with("//") {
        return Err("the path may not start with // (that names another host)");
    }
    let rel = p.strip_prefix('/').unwrap_or(p);
    let first = rel.split('/').next().unwrap_or("");
    if first.contains(':') {
        return Err("absolute URLs are refused: give a path relative to the base URL");
    }
    let segments: Vec<&str> = rel.split('/').collect();
    let last = segments.len().saturating_sub(1);
    for (i, s) in segments.iter().enumerate() {
        if is_dot_segment(s) {
            return Err("'.' and '..' segments (also percent-encoded) are refused");
        }
        if s.is_empty() && i != last && !rel.is_empty() {
            return Err("empty path segments (//) are refused");
        }
    }
    if !p.bytes().all(is_path_byte) || !percent_ok(p) {
        return Err("the path has characters that must be percent-encoded");
    }
    if let Some(q) = query {
        if !q.bytes().all(|b| is_path_byte(b) || b == b'?') || !percent_ok_any(q) {
            return Err("the query has characters that must be percent-encoded");
        }
    }
    let mut out = base.as_string();
    out.push('/');
    out.push_str(rel);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    Ok(out)
}

/// Every `%` starts a valid escape (query strings may encode anything).
fn percent_ok_any(s: &str) -> bool {
    let b = s.as_bytes();
    b.iter().enumerate().all(|(i, &c)| {
        c != b'%'
            || b.get(i + 1..i + 3)
                .is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit))
    })
}

/// Percent-encodes a query key or value (everything but unreserved characters).
pub(crate) fn encode_component(s: &str) -> String {
    let mut out = Vec::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b);
        } else {
            push_escape(&mut out, b);
        }
    }
    // Only ASCII is left.
    crate::utf8::string_from_utf8(out).unwrap_or_default()
}

/// Appends encoded `query` pairs to a URL.
pub(crate) fn append_query(url: &mut String, query: &[(String, String)]) {
    for (k, v) in query {
        url.push(if url.contains('?') { '&' } else { '?' });
        url.push_str(&encode_component(k));
        url.push('=');
        url.push_str(&encode_component(v));
    }
}

/// Resolves a redirect's `Location` against the URL that answered, by the WHATWG URL rules for
/// `http`/`https` (relative paths, `?query`-only, `#fragment`-only, `//host`, absolute URLs, dot
/// segments also percent-encoded, backslashes as slashes, IPv4 numbers such as `127.1`), and
/// returns the new URL only if it stays on `origin` (scheme, host and port); `None` means refuse.
///
/// Stricter than a browser: a `Location` that is empty or holds anything but visible ASCII, user
/// info (`user@`), a host with anything but letters, digits, `-` and `.` after percent-decoding
/// (a base URL cannot have another), or an IPv6 host not written exactly as in `current` is
/// refused.
///
/// With the `host-url` feature the resolution is the host's (see `host_url::set_host_resolver`): the
/// empty, non-visible-ASCII and user-info refusals and the same-origin rule stay here; a host
/// spelled another way that the host's URL parser maps to the origin's own (an IPv6 address
/// written longer, a percent-encoded IDN) is followed, as `fetch` itself would reach it.
pub fn same_origin_redirect(current: &str, location: &str, origin: &str) -> Option<String> {
    #[cfg(feature = "host-url")]
    return host_redirect(current, location, origin);
    #[cfg(not(feature = "host-url"))]
    own_redirect(current, location, origin)
}

/// [`same_origin_redirect`] by this module's own WHATWG parser (what it is without `host-url`).
#[cfg_attr(feature = "host-url", allow(dead_code))]
pub fn own_redirect(current: &str, location: &str, origin: &str) -> Option<String> {
    if location.is_empty() {
        return None;
    }
    let base = Whatwg::parse(current, None)?;
    let target = Whatwg::parse(location, Some(&base))?;
    let pin = Whatwg::parse(origin, None)?;
    if target.https == pin.https && target.host == pin.host && target.port == pin.port {
        target.serialize()
    } else {
        None
    }
}

/// A host's URL resolver, for a program that already has one (the npm package's wasm, whose host
/// has `URL`): `resolve(input, base)` is `new URL(input, base).href`, `None` where that throws.
#[cfg(feature = "host-url")]
pub type HostResolver = fn(&str, &str) -> Option<String>;

#[cfg(feature = "host-url")]
static HOST_RESOLVER: std::sync::OnceLock<HostResolver> = std::sync::OnceLock::new();

/// Registers the host's URL resolver (the first registration wins). Until one is registered, no
/// redirect is followed.
#[cfg(feature = "host-url")]
pub fn set_host_resolver(resolve: HostResolver) {
    let _ = HOST_RESOLVER.set(resolve);
}

#[cfg(feature = "host-url")]
fn host_redirect(current: &str, location: &str, origin: &str) -> Option<String> {
    let resolve = HOST_RESOLVER.get()?;
    let b = location.as_bytes();
    if b.is_empty() || !b.iter().all(u8::is_ascii_graphic) || user_info(b) {
        return None;
    }
    // The origin as the host writes it, with the path's first `/`: a URL on it starts so (user
    // info, another port or a longer host cannot: `/` ends the host and is encoded in user info).
    let pin = resolve("/", origin)?;
    let next = resolve(location, current)?;
    next.starts_with(&pin).then_some(next)
}

/// Whether `location` names a host with user info (an `@` in its authority, even empty). Without
/// two leading slashes after an optional scheme it names none, or (another scheme) leaves the
/// origin anyway.
#[cfg_attr(not(feature = "host-url"), allow(dead_code))]
fn user_info(b: &[u8]) -> bool {
    let rest = match b.iter().position(|&c| c == b':') {
        Some(i)
            if b[0].is_ascii_alphabetic()
                && b[..i]
                    .iter()
                    .all(|&c| c.is_ascii_alphanumeric() || b"+-.".contains(&c)) =>
        {
            &b[i + 1..]
        }
        _ => b,
    };
    let host = rest
        .iter()
        .position(|&c| !is_slash(c))
        .unwrap_or(rest.len());
    host >= 2
        && rest[host..]
            .iter()
            .take_while(|c| !b"/\\?#".contains(c))
            .any(|&c| c == b'@')
}

/// An `http`/`https` URL as the WHATWG parser leaves it (no user info: it is refused), as ASCII
/// bytes: `path` is the serialised path (`/a/b`, empty for none), `query` and `fragment` keep their
/// `?` and `#` (empty for none).
#[derive(Clone, Debug)]
struct Whatwg {
    https: bool,
    host: Vec<u8>,
    /// `None` for the scheme's default port.
    port: Option<u16>,
    path: Vec<u8>,
    query: Vec<u8>,
    fragment: Vec<u8>,
}

fn is_slash(c: u8) -> bool {
    c == b'/' || c == b'\\'
}

impl Whatwg {
    fn parse(input: &str, base: Option<&Whatwg>) -> Option<Whatwg> {
        let b = input.as_bytes();
        if b.is_empty() || !b.iter().all(u8::is_ascii_graphic) {
            return None;
        }
        let scheme_end = if b[0].is_ascii_alphabetic() {
            b.iter()
                .position(|&c| !(c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.')))
                .filter(|&i| b[i] == b':')
        } else {
            None
        };
        let Some(end) = scheme_end else {
            return Whatwg::relative(b, base?);
        };
        let scheme = &b[..end];
        let https = if scheme.eq_ignore_ascii_case(b"https") {
            true
        } else if scheme.eq_ignore_ascii_case(b"http") {
            false
        } else {
            return None;
        };
        let rest = &b[end + 1..];
        match base {
            Some(base) if base.https == https && !rest.starts_with(b"//") => {
                Whatwg::relative(rest, base)
            }
            _ => Whatwg::authority(rest, https),
        }
    }

    /// The relative state, against a special base.
    fn relative(rest: &[u8], base: &Whatwg) -> Option<Whatwg> {
        let mut url = base.clone();
        url.fragment.clear();
        match rest {
            [] => {}
            [c, after @ ..] if is_slash(*c) => {
                if after.first().is_some_and(|&c| is_slash(c)) {
                    return Whatwg::authority(after, base.https);
                }
                url.path.clear();
                url.query.clear();
                url.rest_of_path(after);
            }
            [b'?', ..] => url.query_and_fragment(rest),
            [b'#', ..] => set_encoded(&mut url.fragment, rest, FRAGMENT_SET),
            _ => {
                url.pop();
                url.query.clear();
                url.rest_of_path(rest);
            }
        }
        Some(url)
    }

    /// The special authority ignore slashes state, then host, port and path.
    fn authority(rest: &[u8], https: bool) -> Option<Whatwg> {
        let skip = rest
            .iter()
            .position(|&c| !is_slash(c))
            .unwrap_or(rest.len());
        let rest = &rest[skip..];
        let end = rest
            .iter()
            .position(|&c| matches!(c, b'/' | b'\\' | b'?' | b'#'))
            .unwrap_or(rest.len());
        let (authority, after) = rest.split_at(end);
        if authority.contains(&b'@') {
            return None;
        }
        let (host, port) = if authority.first() == Some(&b'[') {
            let close = authority.iter().position(|&c| c == b']')?;
            let host = &authority[..=close];
            if host.len() < 3
                || !host[1..close]
                    .iter()
                    .all(|&b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
            {
                return None;
            }
            (host.to_ascii_lowercase(), &authority[close + 1..])
        } else {
            let colon = authority
                .iter()
                .position(|&c| c == b':')
                .unwrap_or(authority.len());
            (parse_host(&authority[..colon])?, &authority[colon..])
        };
        let port = match port {
            [] => None,
            [b':', p @ ..] => {
                let mut n = 0u32;
                for &d in p {
                    if !d.is_ascii_digit() {
                        return None;
                    }
                    n = n * 10 + u32::from(d - b'0');
                    if n > 65_535 {
                        return None;
                    }
                }
                let default = if https { 443 } else { 80 };
                (!p.is_empty() && n != default).then_some(n as u16)
            }
            _ => return None,
        };
        let mut url = Whatwg {
            https,
            host,
            port,
            path: Vec::new(),
            query: Vec::new(),
            fragment: Vec::new(),
        };
        // Path start state: one leading slash (or backslash) belongs to the path.
        let after = match after {
            [c, r @ ..] if is_slash(*c) => r,
            _ => after,
        };
        url.rest_of_path(after);
        Some(url)
    }

    /// Drops the last path segment (if any).
    fn pop(&mut self) {
        let at = self.path.iter().rposition(|&c| c == b'/').unwrap_or(0);
        self.path.truncate(at);
    }

    /// The path state from `s` (after the slash that starts it), then query and fragment.
    fn rest_of_path(&mut self, s: &[u8]) {
        let end = s
            .iter()
            .position(|&c| c == b'?' || c == b'#')
            .unwrap_or(s.len());
        let path = &s[..end];
        let mut start = 0;
        loop {
            let stop = path[start..]
                .iter()
                .position(|&c| is_slash(c))
                .map_or(path.len(), |k| start + k);
            let seg = &path[start..stop];
            let at_end = stop == path.len();
            // Percent-encoding leaves dot segments as they are, so they are told from the raw one.
            let d = dots(seg);
            if d == 2 {
                self.pop();
            }
            if d == 0 {
                self.path.push(b'/');
                push_encoded(&mut self.path, seg, PATH_SET);
            } else if at_end {
                self.path.push(b'/');
            }
            if at_end {
                break;
            }
            start = stop + 1;
        }
        self.query_and_fragment(&s[end..]);
    }

    /// `s` is empty, `?query[#fragment]` or `#fragment`.
    fn query_and_fragment(&mut self, s: &[u8]) {
        let (q, f) = s.split_at(s.iter().position(|&c| c == b'#').unwrap_or(s.len()));
        // `?` and `#` are in neither set.
        if !q.is_empty() {
            set_encoded(&mut self.query, q, QUERY_SET);
        }
        if !f.is_empty() {
            set_encoded(&mut self.fragment, f, FRAGMENT_SET);
        }
    }

    fn serialize(&self) -> Option<String> {
        let mut out = Vec::with_capacity(self.host.len() + self.path.len() + 16);
        out.extend_from_slice(if self.https { b"https://" } else { b"http://" });
        out.extend_from_slice(&self.host);
        if let Some(p) = self.port {
            out.push(b':');
            push_decimal(&mut out, u64::from(p));
        }
        if self.path.is_empty() {
            out.push(b'/');
        }
        out.extend_from_slice(&self.path);
        out.extend_from_slice(&self.query);
        out.extend_from_slice(&self.fragment);
        crate::utf8::string_from_utf8(out)
    }
}

/// Visible ASCII the WHATWG percent-encode sets add (controls, space and non-ASCII never reach
/// here).
const PATH_SET: &[u8] = b"\"<>`#?{}";
const QUERY_SET: &[u8] = b"\"#<>'";
const FRAGMENT_SET: &[u8] = b"\"<>`";

const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";

/// Appends `%XX` (upper-case hex) for `b`.
fn push_escape(out: &mut Vec<u8>, b: u8) {
    out.push(b'%');
    out.push(HEX_UPPER[usize::from(b >> 4)]);
    out.push(HEX_UPPER[usize::from(b & 15)]);
}

/// Appends `s` with the bytes in `set` percent-encoded.
fn push_encoded(out: &mut Vec<u8>, s: &[u8], set: &[u8]) {
    for &c in s {
        if set.contains(&c) {
            push_escape(out, c);
        } else {
            out.push(c);
        }
    }
}

/// `part` becomes `s` with the bytes in `set` percent-encoded.
fn set_encoded(part: &mut Vec<u8>, s: &[u8], set: &[u8]) {
    part.clear();
    push_encoded(part, s, set);
}

/// Appends `n` in decimal.
fn push_decimal(out: &mut Vec<u8>, n: u64) {
    out.extend_from_slice(crate::decimal::decimal(n, &mut [0; 20]));
}

/// 1 for a `.` segment, 2 for `..` (also percent-encoded, any case), else 0.
fn dots(seg: &[u8]) -> u8 {
    let mut n = 0;
    let mut i = 0;
    while i < seg.len() {
        if seg[i] == b'.' {
            i += 1;
        } else if seg[i] == b'%'
            && seg.get(i + 1) == Some(&b'2')
            && seg.get(i + 2).map(|c| c | 0x20) == Some(b'e')
        {
            i += 3;
        } else {
            return 0;
        }
        n += 1;
    }
    if n > 2 {
        0
    } else {
        n
    }
}

/// A WHATWG host (not IPv6): percent-decoded, ASCII letters, digits, `-` and `.` only (anything
/// else is refused), lowercased, and IPv4 numbers (`127.1`, `0x7f.0.0.1`) in dotted form.
fn parse_host(raw: &[u8]) -> Option<Vec<u8>> {
    let mut host = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        let c = if raw[i] == b'%' {
            let v = crate::sanitize::hex_at(raw, i + 1)?;
            i += 3;
            v
        } else {
            i += 1;
            raw[i - 1]
        };
        if !(c.is_ascii_alphanumeric() || c == b'-' || c == b'.') {
            return None;
        }
        host.push(c.to_ascii_lowercase());
    }
    if host.is_empty() {
        return None;
    }
    // One trailing dot ends the host without starting another label.
    let body = &host[..host.len() - usize::from(host.ends_with(b"."))];
    let last = &body[body.iter().rposition(|&c| c == b'.').map_or(0, |k| k + 1)..];
    let numeric =
        !last.is_empty() && last.iter().all(u8::is_ascii_digit) || ipv4_number(last).is_some();
    if !numeric {
        return Some(host);
    }
    // Every part but the last is one byte of the address; the last fills the bytes left.
    let (mut init, mut last, mut parts) = (0u64, 0u64, 0);
    for part in body.split(|&c| c == b'.') {
        if parts == 4 {
            return None;
        }
        if parts > 0 {
            if last > 255 {
                return None;
            }
            init = init << 8 | last;
        }
        last = ipv4_number(part)?;
        parts += 1;
    }
    let free = 8 * (5 - parts);
    if last >> free != 0 {
        return None;
    }
    let v = init << free | last;
    let mut out = Vec::with_capacity(15);
    for shift in [24, 16, 8, 0] {
        if shift != 24 {
            out.push(b'.');
        }
        push_decimal(&mut out, (v >> shift) & 255);
    }
    Some(out)
}

/// The WHATWG IPv4 number parser: `0x` hex, a leading `0` octal, else decimal (`None` when it
/// is not a number; a huge one saturates, and the IPv4 parser then refuses it).
fn ipv4_number(s: &[u8]) -> Option<u64> {
    let (digits, radix) = match s {
        [] => return None,
        [b'0', b'x' | b'X', h @ ..] => (h, 16),
        [b'0', o @ ..] if !o.is_empty() => (o, 8),
        _ => (s, 10),
    };
    let mut v: u64 = 0;
    for &c in digits {
        let d = crate::sanitize::hex_digit(c).filter(|&d| u64::from(d) < radix)?;
        v = v.saturating_mul(radix).saturating_add(u64::from(d));
    }
    Some(v)
}
