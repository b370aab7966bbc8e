//! HTTP dates (RFC 9110 §5.6.7) for `Retry-After`: IMF-fixdate, and the obsolete RFC 850 and
//! asctime forms recipients must accept. Hand-written to keep the wasm small (no `SystemTime`).

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// The value of 1 to `max_len` (at most 9) ASCII digits, nothing else.
pub(crate) fn decimal(s: &[u8], max_len: usize) -> Option<u32> {
    if s.is_empty() || s.len() > max_len {
        return None;
    }
    let mut n = 0;
    for &b in s {
        if !b.is_ascii_digit() {
            return None;
        }
        n = n * 10 + u32::from(b - b'0');
    }
    Some(n)
}

fn num(s: &str, max: u32) -> Option<u32> {
    decimal(s.as_bytes(), 4).filter(|n| *n <= max)
}

fn month(s: &str) -> Option<u32> {
    MONTHS.iter().position(|m| *m == s).map(|i| i as u32 + 1)
}

fn clock(s: &str) -> Option<u64> {
    let mut it = s.split(':');
    let (h, m, sec) = (
        num(it.next()?, 23)?,
        num(it.next()?, 59)?,
        num(it.next()?, 60)?,
    );
    it.next()
        .is_none()
        .then_some(u64::from(h * 3600 + m * 60 + sec))
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
fn days(y: u32, m: u32, d: u32) -> Option<u64> {
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let len = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if !(1970..=9999).contains(&y) || d == 0 || d > len[(m - 1) as usize] {
        return None;
    }
    let y = i64::from(if m <= 2 { y - 1 } else { y });
    let era = y / 400;
    let yoe = y - era * 400;
    let mp = i64::from((m + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    u64::try_from(era * 146_097 + doe - 719_468).ok()
}

/// Seconds since the Unix epoch, or `None` if `s` is not an HTTP date.
pub(crate) fn parse(s: &str) -> Option<u64> {
    let parts: Vec<&str> = s.split_ascii_whitespace().collect();
    let (y, m, d, t) = match parts.as_slice() {
        // Sun, 06 Nov 1994 08:49:37 GMT
        [wd, d, m, y, t, "GMT"] if wd.ends_with(',') && y.len() == 4 && d.len() == 2 => {
            (num(y, 9999)?, month(m)?, num(d, 31)?, clock(t)?)
        }
        // Sunday, 06-Nov-94 08:49:37 GMT
        [wd, dmy, t, "GMT"] if wd.ends_with(',') => {
            let mut it = dmy.split('-');
            let (d, m, y) = (num(it.next()?, 31)?, month(it.next()?)?, it.next()?);
            let y = if y.len() == 2 {
                num(y, 99)?
            } else {
                return None;
            };
            (if y < 70 { 2000 + y } else { 1900 + y }, m, d, clock(t)?)
        }
        // Sun Nov  6 08:49:37 1994
        [_, m, d, t, y] if y.len() == 4 => (num(y, 9999)?, month(m)?, num(d, 31)?, clock(t)?),
        _ => return None,
    };
    Some(days(y, m, d)? * 86_400 + t)
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn three_forms() {
        assert_eq!(parse("Sun, 06 Nov 1994 08:49:37 GMT"), Some(784_111_777));
        assert_eq!(parse("Sunday, 06-Nov-94 08:49:37 GMT"), Some(784_111_777));
        assert_eq!(parse("Sun Nov  6 08:49:37 1994"), Some(784_111_777));
        assert_eq!(parse("Tue, 14 Nov 2023 22:13:20 GMT"), Some(1_700_000_000));
        assert_eq!(parse("Thu, 29 Feb 2024 00:00:00 GMT"), Some(1_709_164_800));
        assert_eq!(parse("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
    }

    #[test]
    fn refuses_others() {
        for bad in [
            "",
            "soon",
            "Sun, 06 Nov 1994 08:49:37 PST",
            "Sun, 31 Feb 2023 00:00:00 GMT",
            "Sun, 06 Foo 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:00:00 GMT",
            "Sun, 06 Nov 1969 00:00:00 GMT",
            "Sun, 6 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 08:49 GMT",
        ] {
            assert_eq!(parse(bad), None, "{}", bad);
        }
    }
}
