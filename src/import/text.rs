//! Stage 1: bytes → numbered lines, with the word processor's export debris removed.

use super::ImportError;

/// One line of the source file: its 1-based number and its text without debris.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub no: usize,
    pub text: String,
}

impl Line {
    /// The text without the surrounding white space (tabs mark table cells and boxes).
    pub fn trimmed(&self) -> &str {
        self.text.trim()
    }
}

/// Decodes the file as UTF-8 and splits it into lines.
///
/// A file that is not UTF-8 is refused with the line of the first bad byte: guessing an
/// encoding could silently corrupt every department name.
pub fn lines(bytes: &[u8]) -> Result<Vec<Line>, ImportError> {
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    let text = std::str::from_utf8(bytes).map_err(|err| {
        let line = bytes[..err.valid_up_to()]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1;
        ImportError::at(line, "the file is not valid UTF-8 text")
    })?;
    if text.trim().is_empty() {
        return Err(ImportError::general("the file is empty"));
    }
    // A final newline ends the last line; it does not start another.
    let text = text.strip_suffix('\n').unwrap_or(text);
    Ok(text
        .split('\n')
        .enumerate()
        .map(|(i, raw)| Line {
            no: i + 1,
            // Trailing tabs stay: a lone tab is an empty table cell.
            text: strip_debris(raw)
                .trim_end_matches([' ', '\r', '\u{3000}'])
                .to_string(),
        })
        .collect())
}

/// Removes `[bookmark: …]` anchors wherever they stand in a line.
pub fn strip_debris(line: &str) -> String {
    const OPEN: &str = "[bookmark:";
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(start) = rest.find(OPEN) {
        match rest[start..].find(']') {
            Some(end) => {
                out.push_str(&rest[..start]);
                rest = &rest[start + end + 1..];
            }
            None => break,
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_bookmarks_anywhere() {
        assert_eq!(
            strip_debris("[bookmark: bookmark10]（一）指导思想"),
            "（一）指导思想"
        );
        assert_eq!(
            strip_debris("[bookmark: a][bookmark: _Toc1]三、主要任务"),
            "三、主要任务"
        );
        assert_eq!(strip_debris("正文[bookmark: x]继续"), "正文继续");
        assert_eq!(
            strip_debris("[bookmark: unterminated"),
            "[bookmark: unterminated"
        );
    }

    #[test]
    fn refuses_non_utf8_with_the_line() {
        let err = lines(b"first\nsecond \xff\n").unwrap_err();
        assert_eq!(err.line, Some(2));
    }

    #[test]
    fn refuses_empty_files() {
        assert!(lines(b"").is_err());
        assert!(lines(b"\n \n\t\n").is_err());
    }

    #[test]
    fn keeps_line_numbers_and_tabs() {
        let lines = lines("a\r\n\tcell\n".as_bytes()).unwrap();
        assert_eq!(
            lines[1],
            Line {
                no: 2,
                text: "\tcell".into()
            }
        );
    }
}
