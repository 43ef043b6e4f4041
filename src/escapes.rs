//! Where the first byte a text format must escape is, eight bytes at a time: the answers'
//! JSON copies long runs of Chinese text that need no escaping, which a byte at a time would
//! make most of its writing.

/// The bytes a format escapes: every byte below `below`, and each of `also` (an array, so
/// that the word test below is unrolled for it).
pub struct Escapes<const N: usize> {
    pub below: u8,
    pub also: [u8; N],
}

impl<const N: usize> Escapes<N> {
    /// Whether `byte` is escaped.
    pub fn is(&self, byte: u8) -> bool {
        byte < self.below || self.also.contains(&byte)
    }

    /// Where the first escaped byte of `bytes` is.
    #[inline]
    pub fn first(&self, bytes: &[u8]) -> Option<usize> {
        const ONES: u64 = u64::from_ne_bytes([1; 8]);
        const HIGHS: u64 = ONES * 0x80;
        // Whether a byte of `v` is zero / below `n` (n ≤ 128): exact for the word as a
        // whole, so a word that says no holds no such byte.
        let any_zero = |v: u64| v.wrapping_sub(ONES) & !v & HIGHS != 0;
        let any_below = |v: u64, n: u8| v.wrapping_sub(ONES * u64::from(n)) & !v & HIGHS != 0;
        let mut chunks = bytes.chunks_exact(8);
        let mut offset = 0;
        for chunk in chunks.by_ref() {
            let mut word = [0; 8];
            word.copy_from_slice(chunk);
            let v = u64::from_ne_bytes(word);
            if any_below(v, self.below.min(128))
                || self
                    .also
                    .iter()
                    .any(|b| any_zero(v ^ (ONES * u64::from(*b))))
            {
                if let Some(at) = chunk.iter().position(|b| self.is(*b)) {
                    return Some(offset + at);
                }
            }
            offset += 8;
        }
        chunks
            .remainder()
            .iter()
            .position(|b| self.is(*b))
            .map(|at| offset + at)
    }
}

#[cfg(test)]
mod tests {
    use super::Escapes;

    #[test]
    fn the_first_escaped_byte_is_found_at_any_place_among_any_bytes() {
        check(&Escapes {
            below: 0x20,
            also: *b"\x7f\\'",
        });
        check(&Escapes {
            below: 0x20,
            also: *b"\"\\",
        });
    }

    fn check<const N: usize>(escapes: &Escapes<N>) {
        for len in 0..20 {
            for at in 0..len {
                for byte in 0..=255u8 {
                    // Filler near the special bytes in value: 0x80 and above (UTF-8 of
                    // Chinese text), space and a letter.
                    for fill in [0xe5, b' ', b'a', 0x80] {
                        let mut bytes = vec![fill; len];
                        bytes[at] = byte;
                        let want = bytes.iter().position(|b| escapes.is(*b));
                        assert_eq!(escapes.first(&bytes), want, "{bytes:?}");
                    }
                }
            }
        }
    }
}
