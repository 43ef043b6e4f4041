//! What a filled-in value cell says, as departments' spreadsheets write it: a number (with
//! full-width digits, `％`, thousands separators `,`/`，`), a percent-formatted cell (0.3032
//! shown as 30.32%), an explicit "not available" (不适用, 无, —, -, N/A), or nothing. Pure.

/// A value cell as read from the file.
#[derive(Debug, Clone, PartialEq)]
pub enum Raw {
    Empty,
    /// A number cell; `percent` when its number format shows it as a percentage.
    Number {
        value: f64,
        percent: bool,
    },
    Text(String),
    /// A formula whose result the file does not hold (never calculated).
    Uncalculated,
}

/// What the cell means.
#[derive(Debug, Clone, PartialEq)]
pub enum Figure {
    /// Nothing entered: the row is left as it is.
    Blank,
    Value(f64),
    /// Stated as not available (不适用 …): nothing is submitted, and the row says so.
    NotAvailable,
}

/// Why a cell is not a figure: a stable code and a Chinese message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    pub code: &'static str,
    pub message: String,
}

/// What a value cell takes for "not available" (besides a number): the words the workbook's
/// validation offers and the template pre-fills.
pub const NOT_AVAILABLE: [&str; 3] = ["不适用", "无", "—"];

/// Further words for "not available" a department may write.
const ALSO_NOT_AVAILABLE: [&str; 6] = ["-", "－", "——", "N/A", "n/a", "/"];

/// The figure a cell holds, in the row's unit (`%` turns a percent-formatted 0.3032 into 30.32).
pub fn read(raw: &Raw, unit: Option<&str>) -> Result<Figure, Unreadable> {
    match raw {
        Raw::Empty => Ok(Figure::Blank),
        Raw::Uncalculated => Err(Unreadable {
            code: "FORMULA_NOT_CALCULATED",
            message: "公式没有计算结果：请在 Excel 或 WPS 中重新计算并保存，或直接填写数值".into(),
        }),
        Raw::Number { value, percent } => {
            let percent_unit = unit.is_some_and(|u| u.trim() == "%");
            // 0.8532 × 100 is 85.32000000000001 in binary: rounded to what a cell can show.
            Ok(Figure::Value(if *percent && percent_unit {
                (value * 100.0 * 1e10).round() / 1e10
            } else {
                *value
            }))
        }
        Raw::Text(text) => text_figure(text, unit),
    }
}

fn text_figure(text: &str, unit: Option<&str>) -> Result<Figure, Unreadable> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Ok(Figure::Blank);
    }
    if NOT_AVAILABLE.contains(&trimmed) || ALSO_NOT_AVAILABLE.contains(&trimmed) {
        return Ok(Figure::NotAvailable);
    }
    let normal = normalise(trimmed);
    let (number, percent) = match normal.strip_suffix('%') {
        Some(n) => (n.trim(), true),
        None => (normal.as_str(), false),
    };
    let unit = unit.unwrap_or("").trim();
    let bad = |message: String| Unreadable {
        code: "NOT_A_NUMBER",
        message,
    };
    if percent && unit != "%" {
        return Err(bad(format!(
            "“{trimmed}”带有百分号，而本行的单位是“{unit}”：请按单位填写数值"
        )));
    }
    match number.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(Figure::Value(v)),
        _ => Err(bad(format!(
            "“{trimmed}”不是数值：请填写数字，没有数据填“不适用”"
        ))),
    }
}

/// Full-width digits and signs to ASCII, thousands separators dropped.
fn normalise(text: &str) -> String {
    text.chars()
        .filter_map(|c| match c {
            '０'..='９' => char::from_u32(u32::from(c) - u32::from('０') + u32::from('0')),
            '．' | '。' => Some('.'),
            '－' | '—' => Some('-'),
            '＋' => Some('+'),
            '％' => Some('%'),
            ',' | '，' | ' ' | '\u{3000}' | '\u{a0}' => None,
            c => Some(c),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str, unit: &str) -> Result<Figure, Unreadable> {
        read(&Raw::Text(s.into()), Some(unit))
    }

    #[test]
    fn numbers_as_spreadsheets_write_them() {
        assert_eq!(text("30.32", "%"), Ok(Figure::Value(30.32)));
        assert_eq!(text("３０．３２", "%"), Ok(Figure::Value(30.32)));
        assert_eq!(text("30.32％", "%"), Ok(Figure::Value(30.32)));
        assert_eq!(text("1,234", "张"), Ok(Figure::Value(1234.0)));
        assert_eq!(text("1，234.5", "人"), Ok(Figure::Value(1234.5)));
        assert_eq!(text(" 2.27 ", "‰"), Ok(Figure::Value(2.27)));
        let percent = Raw::Number {
            value: 0.3032,
            percent: true,
        };
        assert_eq!(read(&percent, Some("%")), Ok(Figure::Value(30.32)));
        // A percent-formatted cell of another unit is taken as it is.
        assert_eq!(read(&percent, Some("‰")), Ok(Figure::Value(0.3032)));
    }

    #[test]
    fn not_available_is_said_not_zero() {
        for word in ["不适用", "无", "—", "-", "N/A"] {
            assert_eq!(text(word, "%"), Ok(Figure::NotAvailable), "{word}");
        }
        assert_eq!(text("", "%"), Ok(Figure::Blank));
        assert_eq!(read(&Raw::Empty, None), Ok(Figure::Blank));
    }

    #[test]
    fn what_is_not_a_number_says_so() {
        assert_eq!(text("约30", "%").map_err(|e| e.code), Err("NOT_A_NUMBER"));
        assert_eq!(text("30%", "‰").map_err(|e| e.code), Err("NOT_A_NUMBER"));
        assert_eq!(
            read(&Raw::Uncalculated, Some("%")).map_err(|e| e.code),
            Err("FORMULA_NOT_CALCULATED")
        );
        assert_eq!(text("NaN", "%").map_err(|e| e.code), Err("NOT_A_NUMBER"));
    }
}
