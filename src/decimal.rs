//! Decimal digits of a `u64`, written by hand: core::fmt would link its formatting machinery into
//! the npm wasm (the URL serializer and the pacer's bucket encoding both write numbers).

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
