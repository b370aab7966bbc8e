//! A small, strict JSON reader: enough to read error bodies and JWT claims.
//!
//! keygate only ever reads a few fields out of small documents, so a full serde stack would cost
//! far more wasm than it saves code (see the README's size notes). Depth and size are bounded, the
//! parser never panics, and numbers are read without the float-parsing machinery.

/// A parsed JSON value.
#[derive(Clone, Debug, PartialEq)]
pub enum Json {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A number (read to about 15 significant digits).
    Num(f64),
    /// A string.
    Str(String),
    /// An array.
    Arr(Vec<Json>),
    /// An object, keys in document order (the last of duplicate keys wins on lookup, as in
    /// `JSON.parse`).
    Obj(Vec<(String, Json)>),
}

/// Deepest nesting read (a document nested deeper is not JSON to keygate): the top-level value is
/// at depth 0, a host reader (below) must refuse a value deeper than this too.
pub const MAX_DEPTH: usize = 64;

/// A host's JSON reader, for a program that already has one (the npm package's wasm, whose host
/// has `JSON.parse`): with the `host-json` feature, [`Json::parse`] hands every document to the
/// reader registered with [`set_host_reader`] instead of this module's parser, which is then not
/// compiled in (about 3.8 KB gzip of the package's wasm). The rules reading the value stay the
/// same code; only who parsed the text differs. A host reader must accept exactly the JSON grammar
/// (RFC 8259) for UTF-8 text with no byte-order mark, refuse nesting deeper than [`MAX_DEPTH`],
/// keep the last of duplicate keys, and turn a lone surrogate into U+FFFD.
#[cfg(feature = "host-json")]
pub type HostReader = fn(&[u8]) -> Option<Json>;

#[cfg(feature = "host-json")]
static HOST_READER: std::sync::OnceLock<HostReader> = std::sync::OnceLock::new();

/// Registers the host's JSON reader (the first registration wins). Until one is registered, no
/// document parses.
#[cfg(feature = "host-json")]
pub fn set_host_reader(reader: HostReader) {
    let _ = HOST_READER.set(reader);
}

impl Json {
    /// Parses a whole document (surrounding whitespace allowed); `None` if it is not JSON.
    #[cfg(feature = "host-json")]
    pub fn parse(bytes: &[u8]) -> Option<Json> {
        HOST_READER.get().and_then(|read| read(bytes))
    }

    /// Parses a whole document (surrounding whitespace allowed); `None` if it is not JSON.
    #[cfg(not(feature = "host-json"))]
    pub fn parse(bytes: &[u8]) -> Option<Json> {
        Self::parse_own(bytes)
    }

    /// This module's own parser (what [`Json::parse`] is without the `host-json` feature).
    #[cfg_attr(feature = "host-json", allow(dead_code))]
    pub(crate) fn parse_own(bytes: &[u8]) -> Option<Json> {
        let text = core::str::from_utf8(bytes).ok()?;
        let mut p = Parser {
            s: text.as_bytes(),
            i: 0,
        };
        let v = p.value(0)?;
        p.ws();
        (p.i == p.s.len()).then_some(v)
    }

    /// The member `key` of an object (the last one when the key repeats, as `JSON.parse` does).
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Obj(m) => m.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The number, if this is one.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Json::Num(n) => Some(*n),
            _ => None,
        }
    }

    /// The first element, if this is a non-empty array.
    pub fn first(&self) -> Option<&Json> {
        match self {
            Json::Arr(a) => a.first(),
            _ => None,
        }
    }

    /// Whether this is an object.
    pub fn is_object(&self) -> bool {
        matches!(self, Json::Obj(_))
    }
}

#[cfg_attr(feature = "host-json", allow(dead_code))]
struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

#[cfg_attr(feature = "host-json", allow(dead_code))]
impl Parser<'_> {
    fn ws(&mut self) {
        while matches!(self.s.get(self.i), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    fn eat(&mut self, lit: &[u8]) -> bool {
        if self.s[self.i..].starts_with(lit) {
            self.i += lit.len();
            true
        } else {
            false
        }
    }

    fn value(&mut self, depth: usize) -> Option<Json> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.ws();
        match *self.s.get(self.i)? {
            b'{' => {
                self.i += 1;
                let mut members = Vec::new();
                self.ws();
                if self.eat(b"}") {
                    return Some(Json::Obj(members));
                }
                loop {
                    self.ws();
                    if self.s.get(self.i) != Some(&b'"') {
                        return None;
                    }
                    let k = self.string()?;
                    self.ws();
                    if !self.eat(b":") {
                        return None;
                    }
                    let v = self.value(depth + 1)?;
                    members.push((k, v));
                    self.ws();
                    if self.eat(b",") {
                        continue;
                    }
                    return self.eat(b"}").then_some(Json::Obj(members));
                }
            }
            b'[' => {
                self.i += 1;
                let mut items = Vec::new();
                self.ws();
                if self.eat(b"]") {
                    return Some(Json::Arr(items));
                }
                loop {
                    items.push(self.value(depth + 1)?);
                    self.ws();
                    if self.eat(b",") {
                        continue;
                    }
                    return self.eat(b"]").then_some(Json::Arr(items));
                }
            }
            b'"' => self.string().map(Json::Str),
            b't' => self.eat(b"true").then_some(Json::Bool(true)),
            b'f' => self.eat(b"false").then_some(Json::Bool(false)),
            b'n' => self.eat(b"null").then_some(Json::Null),
            b'-' | b'0'..=b'9' => self.number().map(Json::Num),
            _ => None,
        }
    }

    /// Reads a run of digits into `mantissa` (at most 17 significant digits kept); returns how
    /// many digits were read and how many were dropped past the 17th.
    fn digits(&mut self, mantissa: &mut u64, sig: &mut u32) -> Option<(u32, u32)> {
        let (mut read, mut dropped) = (0u32, 0u32);
        while let Some(d @ b'0'..=b'9') = self.s.get(self.i).copied() {
            if *sig < 17 {
                *mantissa = *mantissa * 10 + u64::from(d - b'0');
                if *mantissa > 0 {
                    *sig += 1;
                }
            } else {
                dropped += 1;
            }
            read = read.saturating_add(1);
            self.i += 1;
        }
        (read > 0).then_some((read, dropped))
    }

    fn number(&mut self) -> Option<f64> {
        let neg = self.eat(b"-");
        let lead_zero = self.s.get(self.i) == Some(&b'0');
        let (mut m, mut sig) = (0u64, 0u32);
        let (int_len, int_dropped) = self.digits(&mut m, &mut sig)?;
        if lead_zero && int_len > 1 {
            return None;
        }
        // The value is m * 10^exp.
        let mut exp = i64::from(int_dropped);
        if self.eat(b".") {
            let (frac_len, frac_dropped) = self.digits(&mut m, &mut sig)?;
            exp -= i64::from(frac_len - frac_dropped);
        }
        if matches!(self.s.get(self.i), Some(b'e' | b'E')) {
            self.i += 1;
            let neg_exp = self.eat(b"-");
            if !neg_exp {
                self.eat(b"+");
            }
            let start = self.i;
            let mut e: i64 = 0;
            while let Some(d @ b'0'..=b'9') = self.s.get(self.i).copied() {
                e = (e * 10 + i64::from(d - b'0')).min(100_000);
                self.i += 1;
            }
            if self.i == start {
                return None;
            }
            exp += if neg_exp { -e } else { e };
        }
        let v = scale(m as f64, exp);
        Some(if neg { -v } else { v })
    }

    fn hex4(&mut self) -> Option<u32> {
        let h = self.s.get(self.i..self.i + 4)?;
        let mut v = 0u32;
        for &c in h {
            v = v * 16 + (c as char).to_digit(16)?;
        }
        self.i += 4;
        Some(v)
    }

    fn string(&mut self) -> Option<String> {
        self.i += 1; // opening quote
        let mut out = String::new();
        loop {
            let start = self.i;
            while let Some(&c) = self.s.get(self.i) {
                if c == b'"' || c == b'\\' || c < 0x20 {
                    break;
                }
                self.i += 1;
            }
            // The input is valid UTF-8 and we stopped on ASCII, so this slice is valid too.
            out.push_str(core::str::from_utf8(&self.s[start..self.i]).ok()?);
            match *self.s.get(self.i)? {
                b'"' => {
                    self.i += 1;
                    return Some(out);
                }
                b'\\' => {
                    self.i += 1;
                    let e = *self.s.get(self.i)?;
                    self.i += 1;
                    out.push(match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let hi = self.hex4()?;
                            let code = if (0xD800..0xDC00).contains(&hi) && self.eat(b"\\u") {
                                let lo = self.hex4()?;
                                if !(0xDC00..0xE000).contains(&lo) {
                                    return None;
                                }
                                0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                            } else {
                                hi
                            };
                            char::from_u32(code).unwrap_or('\u{FFFD}')
                        }
                        _ => return None,
                    });
                }
                _ => return None, // raw control character
            }
        }
    }
}

#[cfg_attr(feature = "host-json", allow(dead_code))]
/// `m * 10^exp` without overflowing the intermediate steps (0 stays 0).
fn scale(m: f64, exp: i64) -> f64 {
    if m == 0.0 {
        return 0.0;
    }
    let mut v = m;
    let mut e = exp.clamp(-800, 800);
    while e > 0 {
        let step = e.min(22);
        v *= pow10(step);
        e -= step;
    }
    while e < 0 {
        let step = (-e).min(22);
        v /= pow10(step);
        e += step;
    }
    v
}

#[cfg_attr(feature = "host-json", allow(dead_code))]
fn pow10(n: i64) -> f64 {
    let mut v = 1f64;
    for _ in 0..n {
        v *= 10.0;
    }
    v
}

#[cfg(test)]
mod tests {
    use super::Json;

    #[test]
    fn reads_documents() {
        let v = Json::parse(br#" {"a": [1, 2.5e1, -0.25, 1E2], "b": {"c": "x\"\u00e9\ud83d\ude00\n"}, "d": null, "e": true} "#).unwrap();
        let a = v.get("a").unwrap();
        assert_eq!(
            a,
            &Json::Arr(vec![
                Json::Num(1.0),
                Json::Num(25.0),
                Json::Num(-0.25),
                Json::Num(100.0)
            ])
        );
        assert_eq!(
            v.get("b").unwrap().get("c").unwrap().as_str(),
            Some("x\"é😀\n")
        );
        assert_eq!(v.get("d"), Some(&Json::Null));
        assert_eq!(
            Json::parse(b"4102444800").unwrap().as_f64(),
            Some(4102444800.0)
        );
        assert_eq!(Json::parse(b"[]").unwrap().first(), None);
        assert_eq!(Json::parse(b"0e309").unwrap().as_f64(), Some(0.0));
        assert_eq!(
            Json::parse(b"1e000000000000000001").unwrap().as_f64(),
            Some(10.0)
        );
        let tiny = Json::parse(b"0.000000000000000000001")
            .unwrap()
            .as_f64()
            .unwrap();
        assert!((tiny - 1e-21).abs() < 1e-30, "{}", tiny);
        let big = Json::parse(b"0.01e309").unwrap().as_f64().unwrap();
        assert!((big / 1e307 - 1.0).abs() < 1e-9, "{}", big);
        let long = Json::parse(b"123456789012345678901234")
            .unwrap()
            .as_f64()
            .unwrap();
        assert!(
            (long / 1.2345678901234568e23 - 1.0).abs() < 1e-9,
            "{}",
            long
        );
    }

    #[test]
    fn refuses_non_json() {
        for bad in [
            &b""[..],
            b"{",
            b"{\"a\":}",
            b"[1,]",
            b"01",
            b"1.",
            b"-",
            b"\"\x01\"",
            b"{'a':1}",
            b"nul",
            b"1 2",
            b"\"\\x\"",
            b"\xff",
            b"{\"a\" 1}",
        ] {
            assert_eq!(Json::parse(bad), None, "{:?}", String::from_utf8_lossy(bad));
        }
        let deep = "[".repeat(100) + &"]".repeat(100);
        assert_eq!(Json::parse(deep.as_bytes()), None);
        assert!(Json::parse(("[".repeat(60) + &"]".repeat(60)).as_bytes()).is_some());
    }
}
