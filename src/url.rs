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
        let lower_scheme = input
            .get(..8)
            .map(str::to_ascii_lowercase)
            .unwrap_or_default();
        let (https, rest) = if lower_scheme.starts_with("https://") {
            (true, &input[8..])
        } else if lower_scheme.starts_with("http://") {
            (false, &input[7..])
        } else {
            return Err("it must start with https:// (or http:// for loopback)");
        };
        if rest.contains(['?', '#']) {
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
                let mut digits = [0u8; 5];
                let mut n = p;
                let mut i = digits.len();
                loop {
                    i -= 1;
                    digits[i] = b'0' + (n % 10) as u8;
                    n /= 10;
                    if n == 0 {
                        break;
                    }
                }
                for d in &digits[i..] {
                    out.push(char::from(*d));
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
        let octets: Vec<&str> = self.host.split('.').collect();
        octets.len() == 4
            && octets[0] == "127"
            && octets.iter().all(|o| {
                !o.is_empty()
                    && o.len() <= 3
                    && o.bytes().all(|b| b.is_ascii_digit())
                    && o.parse::<u16>().is_ok_and(|n| n <= 255)
            })
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
        (format!("[{}]", h.to_ascii_lowercase()), &rest[end + 1..])
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
        Some(p) => match p.parse::<u16>() {
            Ok(n) if n > 0 && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()) => Some(n),
            _ => return Err("the port is not a number from 1 to 65535"),
        },
    };
    Ok((host, port))
}

fn is_dot_segment(s: &str) -> bool {
    let d = s.to_ascii_lowercase().replace("%2e", ".");
    d == "." || d == ".."
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
            let hex = bytes.get(i + 1..i + 3);
            let Some(h) = hex.filter(|h| h.iter().all(u8::is_ascii_hexdigit)) else {
                return false;
            };
            let v = u8::from_str_radix(core::str::from_utf8(h).unwrap_or("zz"), 16).unwrap_or(0);
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
pub fn encode_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{:02X}", b));
        }
    }
    out
}

/// Appends encoded `query` pairs to a URL.
pub fn append_query(url: &mut String, query: &[(String, String)]) {
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
pub fn same_origin_redirect(current: &str, location: &str, origin: &str) -> Option<String> {
    if location.is_empty() {
        return None;
    }
    let base = Whatwg::parse(current, None)?;
    let target = Whatwg::parse(location, Some(&base))?;
    let pin = Whatwg::parse(origin, None)?;
    (target.https == pin.https && target.host == pin.host && target.port == pin.port)
        .then(|| target.serialize())
}

/// An `http`/`https` URL as the WHATWG parser leaves it (no user info: it is refused).
#[derive(Clone, Debug)]
struct Whatwg {
    https: bool,
    host: String,
    /// `None` for the scheme's default port.
    port: Option<u16>,
    path: Vec<String>,
    query: Option<String>,
    fragment: Option<String>,
}

impl Whatwg {
    fn parse(input: &str, base: Option<&Whatwg>) -> Option<Whatwg> {
        if input.is_empty() || !input.bytes().all(|b| b.is_ascii_graphic()) {
            return None;
        }
        let b = input.as_bytes();
        let scheme_end = if b[0].is_ascii_alphabetic() {
            b.iter()
                .position(|&c| !(c.is_ascii_alphanumeric() || matches!(c, b'+' | b'-' | b'.')))
                .filter(|&i| b[i] == b':')
        } else {
            None
        };
        let Some(end) = scheme_end else {
            return Whatwg::relative(input, base?);
        };
        let https = match input[..end].to_ascii_lowercase().as_str() {
            "https" => true,
            "http" => false,
            _ => return None,
        };
        let rest = &input[end + 1..];
        match base {
            Some(base) if base.https == https && !rest.starts_with("//") => {
                Whatwg::relative(rest, base)
            }
            _ => Whatwg::authority(rest, https),
        }
    }

    /// The relative state, against a special base.
    fn relative(rest: &str, base: &Whatwg) -> Option<Whatwg> {
        let mut url = Whatwg {
            query: base.query.clone(),
            fragment: None,
            ..base.clone()
        };
        match rest.as_bytes().first() {
            None => Some(url),
            Some(b'/' | b'\\') => {
                let after = &rest[1..];
                if after.starts_with(['/', '\\']) {
                    return Whatwg::authority(after, base.https);
                }
                url.path.clear();
                url.query = None;
                url.rest_of_path(after);
                Some(url)
            }
            Some(b'?') => {
                url.query_and_fragment(rest);
                Some(url)
            }
            Some(b'#') => {
                url.fragment = Some(encode(&rest[1..], FRAGMENT_SET));
                Some(url)
            }
            Some(_) => {
                url.path.pop();
                url.query = None;
                url.rest_of_path(rest);
                Some(url)
            }
        }
    }

    /// The special authority ignore slashes state, then host, port and path.
    fn authority(rest: &str, https: bool) -> Option<Whatwg> {
        let rest = rest.trim_start_matches(['/', '\\']);
        let end = rest.find(['/', '\\', '?', '#']).unwrap_or(rest.len());
        let (authority, after) = rest.split_at(end);
        if authority.contains('@') {
            return None;
        }
        let (host, port) = if authority.starts_with('[') {
            let close = authority.find(']')?;
            let host = &authority[..=close];
            if host.len() < 3
                || !host[1..close]
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit() || b == b':' || b == b'.')
            {
                return None;
            }
            (host.to_ascii_lowercase(), &authority[close + 1..])
        } else {
            let colon = authority.find(':').unwrap_or(authority.len());
            (parse_host(&authority[..colon])?, &authority[colon..])
        };
        let port = match port.strip_prefix(':') {
            None if port.is_empty() => None,
            None => return None,
            Some(p) if p.bytes().all(|b| b.is_ascii_digit()) => {
                let n = p.bytes().try_fold(0u32, |n, d| {
                    let n = n * 10 + u32::from(d - b'0');
                    (n <= 65_535).then_some(n)
                })?;
                let default = if https { 443 } else { 80 };
                (!p.is_empty() && n != default).then_some(n as u16)
            }
            Some(_) => return None,
        };
        let mut url = Whatwg {
            https,
            host,
            port,
            path: Vec::new(),
            query: None,
            fragment: None,
        };
        // Path start state: one leading slash (or backslash) belongs to the path.
        let after = after.strip_prefix(['/', '\\']).unwrap_or(after);
        url.rest_of_path(after);
        Some(url)
    }

    /// The path state from `s` (after the slash that starts it), then query and fragment.
    fn rest_of_path(&mut self, s: &str) {
        let end = s.find(['?', '#']).unwrap_or(s.len());
        let segments: Vec<&str> = s[..end].split(['/', '\\']).collect();
        let last = segments.len() - 1;
        for (i, seg) in segments.into_iter().enumerate() {
            let at_end = i == last;
            let seg = encode(seg, PATH_SET);
            match dots(&seg) {
                2 => {
                    self.path.pop();
                    if at_end {
                        self.path.push(String::new());
                    }
                }
                1 => {
                    if at_end {
                        self.path.push(String::new());
                    }
                }
                _ => self.path.push(seg),
            }
        }
        self.query_and_fragment(&s[end..]);
    }

    /// `s` is empty, `?query[#fragment]` or `#fragment`.
    fn query_and_fragment(&mut self, s: &str) {
        let (q, f) = match s.find('#') {
            Some(i) => (&s[..i], Some(&s[i + 1..])),
            None => (s, None),
        };
        if let Some(q) = q.strip_prefix('?') {
            self.query = Some(encode(q, QUERY_SET));
        }
        if let Some(f) = f {
            self.fragment = Some(encode(f, FRAGMENT_SET));
        }
    }

    fn serialize(&self) -> String {
        let mut out = String::from(if self.https { "https://" } else { "http://" });
        out.push_str(&self.host);
        if let Some(p) = self.port {
            out.push(':');
            out.push_str(&p.to_string());
        }
        for seg in &self.path {
            out.push('/');
            out.push_str(seg);
        }
        if self.path.is_empty() {
            out.push('/');
        }
        if let Some(q) = &self.query {
            out.push('?');
            out.push_str(q);
        }
        if let Some(f) = &self.fragment {
            out.push('#');
            out.push_str(f);
        }
        out
    }
}

/// Visible ASCII the WHATWG percent-encode sets add (controls, space and non-ASCII never reach
/// here).
const PATH_SET: &[u8] = b"\"<>`#?{}";
const QUERY_SET: &[u8] = b"\"#<>'";
const FRAGMENT_SET: &[u8] = b"\"<>`";

fn encode(s: &str, set: &[u8]) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii() && set.contains(&(c as u8)) {
            out.push_str(&format!("%{:02X}", c as u8));
        } else {
            out.push(c);
        }
    }
    out
}

/// 1 for a `.` segment, 2 for `..` (also percent-encoded, any case), else 0.
fn dots(seg: &str) -> u8 {
    match seg.to_ascii_lowercase().as_str() {
        "." | "%2e" => 1,
        ".." | ".%2e" | "%2e." | "%2e%2e" => 2,
        _ => 0,
    }
}

/// A WHATWG host (not IPv6): percent-decoded, ASCII letters, digits, `-` and `.` only (anything
/// else is refused), lowercased, and IPv4 numbers (`127.1`, `0x7f.0.0.1`) in dotted form.
fn parse_host(raw: &str) -> Option<String> {
    let b = raw.as_bytes();
    let mut host = String::with_capacity(raw.len());
    let mut i = 0;
    while i < b.len() {
        let c = if b[i] == b'%' {
            let v = crate::sanitize::hex_at(b, i + 1)?;
            i += 3;
            v
        } else {
            i += 1;
            b[i - 1]
        };
        if !(c.is_ascii_alphanumeric() || c == b'-' || c == b'.') {
            return None;
        }
        host.push(c.to_ascii_lowercase() as char);
    }
    if host.is_empty() {
        return None;
    }
    let mut parts: Vec<&str> = host.split('.').collect();
    if parts.len() > 1 && parts.last() == Some(&"") {
        parts.pop();
    }
    let last = parts.last().copied().unwrap_or("");
    let numeric =
        !last.is_empty() && last.bytes().all(|b| b.is_ascii_digit()) || ipv4_number(last).is_some();
    if !numeric {
        return Some(host);
    }
    if parts.len() > 4 {
        return None;
    }
    let nums: Vec<u64> = parts
        .iter()
        .map(|p| ipv4_number(p))
        .collect::<Option<Vec<u64>>>()?;
    let (last, init) = nums.split_last()?;
    if init.iter().any(|&n| n > 255) || *last >= 256u64.pow(5 - nums.len() as u32) {
        return None;
    }
    let mut v = *last;
    for (k, n) in init.iter().enumerate() {
        v += n << (8 * (3 - k));
    }
    Some(format!(
        "{}.{}.{}.{}",
        v >> 24,
        (v >> 16) & 255,
        (v >> 8) & 255,
        v & 255
    ))
}

/// The WHATWG IPv4 number parser: `0x` hex, a leading `0` octal, else decimal (`None` when it
/// is not a number; a huge one saturates, and the IPv4 parser then refuses it).
fn ipv4_number(s: &str) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    let (digits, radix) = if let Some(h) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        (h, 16)
    } else if s.len() > 1 && s.starts_with('0') {
        (&s[1..], 8)
    } else {
        (s, 10)
    };
    if digits.is_empty() {
        return Some(0);
    }
    let mut v: u64 = 0;
    for c in digits.chars() {
        v = v
            .saturating_mul(radix)
            .saturating_add(u64::from(c.to_digit(radix as u32)?));
    }
    Some(v)
}
