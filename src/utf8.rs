//! A small UTF-8 check, for the npm wasms' size (issue 19): `core::str::from_utf8` is written for
//! speed (a word-at-a-time ASCII path, about 650 B of wasm) and keygate only checks short texts
//! (decoded JWT segments, rebuilt URLs, sanitised messages). Same answers as `core::str::from_utf8`
//! on every input: the tests below compare the two on every sequence of up to three bytes and on
//! random longer ones.

/// The bytes as text if they are UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing past
/// U+10FFFF), else `None`.
pub(crate) fn str_from_utf8(b: &[u8]) -> Option<&str> {
    let mut i = 0;
    while i < b.len() {
        // The range of the byte after a lead byte, and how many continuation bytes follow it.
        let (lo, hi, n) = match b[i] {
            0x00..=0x7F => {
                i += 1;
                continue;
            }
            0xC2..=0xDF => (0x80, 0xBF, 1),
            0xE0 => (0xA0, 0xBF, 2),
            0xED => (0x80, 0x9F, 2),
            0xE1..=0xEF => (0x80, 0xBF, 2),
            0xF0 => (0x90, 0xBF, 3),
            0xF4 => (0x80, 0x8F, 3),
            0xF1..=0xF3 => (0x80, 0xBF, 3),
            _ => return None,
        };
        for k in 1..=n {
            let (lo, hi) = if k == 1 { (lo, hi) } else { (0x80, 0xBF) };
            if !(lo..=hi).contains(b.get(i + k)?) {
                return None;
            }
        }
        i += n + 1;
    }
    // SAFETY: every byte was checked above to be part of a well-formed UTF-8 sequence.
    Some(unsafe { core::str::from_utf8_unchecked(b) })
}

/// [`str_from_utf8`] for an owned buffer.
pub(crate) fn string_from_utf8(b: Vec<u8>) -> Option<String> {
    str_from_utf8(&b)?;
    // SAFETY: checked to be UTF-8 just above.
    Some(unsafe { String::from_utf8_unchecked(b) })
}

#[cfg(test)]
mod tests {
    use super::str_from_utf8;
    use proptest::prelude::*;

    fn same(b: &[u8]) {
        assert_eq!(str_from_utf8(b), core::str::from_utf8(b).ok(), "{b:02x?}");
    }

    #[test]
    fn every_sequence_of_up_to_three_bytes() {
        same(&[]);
        for a in 0..=255u8 {
            same(&[a]);
            for b in 0..=255u8 {
                same(&[a, b]);
                for c in 0..=255u8 {
                    same(&[a, b, c]);
                }
            }
        }
    }

    #[test]
    fn four_byte_leads_with_every_second_byte() {
        for a in 0xF0..=0xF7u8 {
            for b in 0..=255u8 {
                for tail in [
                    [0x80, 0x80],
                    [0xBF, 0xBF],
                    [0x80, 0x7F],
                    [0xC0, 0x80],
                    [0x8F, 0xBF],
                ] {
                    same(&[a, b, tail[0], tail[1]]);
                }
            }
        }
    }

    proptest! {
        #[test]
        fn random_bytes(b in proptest::collection::vec(any::<u8>(), 0..64)) {
            same(&b);
        }

        #[test]
        fn random_text_and_a_damaged_copy(s in ".{0,40}", at in any::<usize>(), byte in any::<u8>()) {
            same(s.as_bytes());
            let mut b = s.into_bytes();
            if !b.is_empty() {
                let i = at % b.len();
                b[i] = byte;
            }
            same(&b);
        }
    }
}
