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

/// Resolves a redirect's `Location` against the URL that answered and returns the new URL only if
/// it stays on `origin`; `None` means refuse.
pub fn same_origin_redirect(current: &str, location: &str, origin: &str) -> Option<String> {
    if location.is_empty()
        || !location.bytes().all(|b| b.is_ascii_graphic())
        || location.contains('\\')
    {
        return None;
    }
    let target = if location.starts_with("//") {
        let scheme_end = current.find("//")?;
        format!("{}{}", &current[..scheme_end], location)
    } else if location.starts_with('/') {
        format!("{}{}", origin, location)
    } else if location
        .split(['/', '?'])
        .next()
        .unwrap_or("")
        .contains(':')
    {
        location.to_string()
    } else {
        let path_end = current.find('?').unwrap_or(current.len());
        let dir_end = current[..path_end].rfind('/')?;
        format!("{}{}", &current[..=dir_end], location)
    };
    let (no_query, _) = target.split_once(['?', '#']).unwrap_or((&target, ""));
    let parsed = BaseUrl::parse(no_query.trim_end_matches('/')).ok()?;
    let dotted = target[..no_query.len()].split('/').any(is_dot_segment);
    (parsed.origin() == origin && !dotted).then_some(target)
}
