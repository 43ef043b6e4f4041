//! Quantities as the document writes them: a number (digits, Chinese numerals, fractions)
//! with its unit and qualifier.

use super::vocabulary::*;

/// A number with its unit: 8.2/10万, 1-2处 (a range: its lower end, and the upper), 三分之一
/// and 一半 (as percentages), 一个 (a count in words), 3：2 (a ratio).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quantity<'a> {
    pub value: f64,
    pub unit: &'a str,
    pub len: usize,
    /// The upper end of a range (1至2支).
    pub upper: Option<f64>,
    /// Written in words (三分之一, 一个) or as a ratio (3：2), not as a plain number.
    pub words: bool,
}

impl Quantity<'_> {
    pub fn is_count(&self) -> bool {
        COUNT_UNITS.contains(&self.unit)
    }
}

/// Reads a quantity at the start of `s`.
#[inline]
pub fn quantity(s: &str) -> Option<Quantity<'static>> {
    // Callers try every position of every clause: the common miss is decided by one
    // character, where the caller is.
    if s.chars().next().is_some_and(may_start_quantity) {
        quantity_here(s)
    } else {
        None
    }
}

pub(super) fn quantity_here(s: &str) -> Option<Quantity<'static>> {
    let plain = |value: f64, unit: &'static str, len: usize| Quantity {
        value,
        unit,
        len,
        upper: None,
        words: true,
    };
    if let Some((text, value)) = FRACTIONS.iter().find(|(t, _)| s.starts_with(t)) {
        return Some(plain(*value, "%", text.len()));
    }
    for (text, value) in NUMERALS {
        if let Some(rest) = s
            .strip_prefix(text)
            .filter(|r| !r.starts_with(['级', '等']))
        {
            if let Some(unit) = COUNT_UNITS.iter().find(|u| rest.starts_with(**u)) {
                return Some(plain(*value, unit, text.len() + unit.len()));
            }
        }
    }
    let digits = number_prefix(s)?;
    let value: f64 = s[..digits].parse().ok()?;
    let mut rest = &s[digits..];
    let mut len = digits;
    if let Some(after) = rest.strip_prefix('：') {
        let d = number_prefix(after)?;
        let of: f64 = after[..d].parse().ok().filter(|b: &f64| *b > 0.0)?;
        let len = digits + '：'.len_utf8() + d;
        // 106.58：100 is per hundred; 3：2 is a plain ratio.
        return Some(if of == 100.0 {
            plain(value, "：100", len)
        } else {
            plain(value / of, "比", len)
        });
    }
    let mut upper = None;
    for sep in ["-", "至", "～"] {
        if let Some(after) = rest.strip_prefix(sep) {
            if let Some(d) = number_prefix(after) {
                upper = after[..d].parse().ok();
                len += sep.len() + d;
                rest = &after[d..];
                break;
            }
        }
    }
    let unit = UNITS.iter().find(|u| rest.starts_with(**u))?;
    Some(Quantity {
        value,
        unit,
        len: len + unit.len(),
        upper,
        words: false,
    })
}

/// Whether a quantity may start with `c`: a digit, or the first character of [`FRACTIONS`] or
/// [`NUMERALS`] (a test holds the two lists to this).
pub(super) fn may_start_quantity(c: char) -> bool {
    c.is_ascii_digit() || matches!(c, '一' | '两' | '二' | '三' | '四')
}

/// Length in bytes of a leading decimal number.
pub fn number_prefix(s: &str) -> Option<usize> {
    let mut len = 0;
    let mut seen_digit = false;
    let mut seen_dot = false;
    for c in s.chars() {
        match c {
            '0'..='9' => seen_digit = true,
            '.' if seen_digit && !seen_dot => seen_dot = true,
            _ => break,
        }
        len += 1;
    }
    if s[..len].ends_with('.') {
        len -= 1;
    }
    seen_digit.then_some(len)
}

/// `3‰、3.3‰和4‰` → three quantities, and how many bytes they took.
pub(super) fn value_list(s: &str) -> (Vec<Quantity<'static>>, usize) {
    let mut values = Vec::new();
    let mut pos = 0;
    while let Some(q) = quantity(&s[pos..]) {
        values.push(q);
        pos += q.len;
        let rest = &s[pos..];
        let sep = ["、", "和"].into_iter().find(|sep| {
            rest.strip_prefix(*sep)
                .is_some_and(|after| quantity(after).is_some())
        });
        match sep {
            Some(sep) => pos += sep.len(),
            None => break,
        }
    }
    (values, pos)
}

/// A figure at `at`: a quantity (and its qualifier) that ends its phrase — followed by the end
/// of the clause, 、 or 和. `5岁` of `5岁以下儿童死亡率` is part of a name, not a figure.
/// Returns the quantity and where the figure ends.
pub(super) fn figure_at(clause: &str, at: usize) -> Option<(Quantity<'static>, usize)> {
    if clause[..at].ends_with(|c: char| c.is_ascii_digit() || c == '.') {
        return None;
    }
    let q = quantity(&clause[at..])?;
    let mut end = at + q.len;
    if let Some((w, _)) = QUALIFIERS
        .iter()
        .find(|(w, _)| clause[end..].starts_with(*w))
    {
        end += w.len();
    }
    let rest = &clause[end..];
    (rest.is_empty() || rest.starts_with(['、', '和'])).then_some((q, end))
}
