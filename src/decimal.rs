//! Decimal digits of a `u64`, written by hand, and messages joined from parts: core::fmt
//! (`format!`, `write!`, `to_string()` on a number) would link its formatting machinery into the
//! npm wasms (the URL serializer, the pacer's bucket encoding and every error message write text).

/// The decimal digits of `n` (no sign, no leading zeros; `0` is one digit), in `buf`.
pub(crate) fn decimal(mut n: u64, buf: &mut [u8; 20]) -> &[u8] {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    &buf[i..]
}

/// `n` in decimal, as `n.to_string()` writes it, in `buf` (no allocation: an argument of [`fill`]).
pub(crate) fn decimal_str(n: u64, buf: &mut [u8; 20]) -> &str {
    crate::utf8::str_from_utf8(decimal(n, buf)).unwrap_or_default()
}

/// `template` with each `{}` replaced by the next of `args`, as `format!` with only `{}` of
/// strings writes it (`{}` past the last argument stays empty). One function for every message
/// of the core: a `format!` links core::fmt (its `Formatter`, padding and integer `Display`) and
/// puts a formatting function per argument type in the wasm's indirect function table.
pub(crate) fn fill(template: &str, args: &[&str]) -> String {
    let t = template.as_bytes();
    let mut out = Vec::with_capacity(t.len());
    let mut args = args.iter();
    let mut i = 0;
    while i < t.len() {
        if t[i] == b'{' && t.get(i + 1) == Some(&b'}') {
            out.extend_from_slice(args.next().map_or(&[][..], |a| a.as_bytes()));
            i += 2;
        } else {
            out.push(t[i]);
            i += 1;
        }
    }
    // UTF-8 throughout: `{}` is ASCII, so the template is only cut between whole characters.
    crate::utf8::string_from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_str_is_to_string() {
        for n in [
            0,
            1,
            9,
            10,
            99,
            100,
            408,
            4096,
            65_535,
            u64::from(u32::MAX),
            u64::MAX,
        ] {
            assert_eq!(decimal_str(n, &mut [0; 20]), n.to_string());
        }
    }

    #[test]
    fn fill_is_format() {
        assert_eq!(fill("", &[]), "");
        assert_eq!(fill("no holes", &["x"]), "no holes");
        assert_eq!(fill("{}", &["…"]), "…");
        assert_eq!(
            fill("{} and {}", &["a", "b"]),
            format!("{} and {}", "a", "b")
        );
        assert_eq!(fill("é{}{}ü{", &["{}", ""]), "é{}ü{");
        assert_eq!(fill("{} {}", &["only one"]), "only one ");
    }
}
