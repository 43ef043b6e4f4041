//! The flattened tables of the export (表1 主要发展指标): cells → rows → indicators.
//!
//! In the export every cell starts a line with a tab, a cell that wrapped continues on the
//! next line without one, and a blank line ends a row. The header row names the columns, so
//! the baseline and target years come from the table itself (2020年, 2025年).

use super::targets::{number_prefix, quantity};
use super::text::Line;
use super::ImportError;
use crate::domain::{Comparator, Direction, Nature, TargetBasis};

#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub number: String,
    pub title: String,
    pub rows: Vec<Row>,
    /// Index of the first line after the table.
    pub end: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub category: String,
    pub number: i32,
    pub name: String,
    pub unit: Option<String>,
    pub baseline_year: i32,
    pub baseline: Cell,
    pub target_year: i32,
    pub target: Cell,
    pub nature: Nature,
    pub nature_raw: Option<String>,
    pub line_start: usize,
    pub line_end: usize,
    pub source_text: String,
}

/// A value cell: the raw text, a comparator and number where it gives them.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub raw: String,
    pub comparator: Option<Comparator>,
    pub value: Option<f64>,
    pub basis: TargetBasis,
    /// The unit the cell writes itself, when it is not the row's: a change of 1个百分点 in a
    /// row counted in %.
    pub unit: Option<String>,
}

/// `表1  主要发展指标` → ("1", "主要发展指标").
pub fn heading(text: &str) -> Option<(String, String)> {
    let rest = text.trim().strip_prefix('表')?;
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    if digits == 0 {
        return None;
    }
    let title = rest[digits..].trim();
    (!title.is_empty() && !title.contains('。'))
        .then(|| (rest[..digits].to_string(), title.to_string()))
}

struct RawRow {
    cells: Vec<String>,
    line_start: usize,
    line_end: usize,
    text: Vec<String>,
}

/// Parses the table whose heading is `lines[start]`.
pub fn parse(lines: &[Line], start: usize) -> Result<Table, ImportError> {
    let (number, title) = heading(&lines[start].text)
        .ok_or_else(|| ImportError::at(lines[start].no, "expected a table heading"))?;
    let raw_rows = raw_rows(lines, start);
    let Some((header, body)) = raw_rows.split_first() else {
        return Err(ImportError::at(
            lines[start].no,
            format!("表{number} has no rows"),
        ));
    };
    let columns = Columns::from_header(header)?;
    if body.is_empty() {
        return Err(ImportError::at(
            header.line_end,
            format!("表{number} ends after its header"),
        ));
    }
    let mut rows = Vec::with_capacity(body.len());
    let mut category = String::new();
    for raw in body {
        rows.push(row(&number, &columns, header, raw, &mut category)?);
    }
    let end = body.last().map_or(start + 1, |r| r.line_end);
    Ok(Table {
        number,
        title,
        rows,
        end: lines.iter().position(|l| l.no > end).unwrap_or(lines.len()),
    })
}

/// The table's rows as lines of cells: a cell is a line that starts with a tab, a wrapped
/// cell continues on the next line, a blank line ends a row and two (or prose) the table.
fn raw_rows(lines: &[Line], start: usize) -> Vec<RawRow> {
    let mut raw_rows: Vec<RawRow> = Vec::new();
    let mut current: Option<RawRow> = None;
    for line in &lines[start + 1..] {
        if let Some(cell) = line.text.strip_prefix('\t') {
            // A cell, possibly empty (a merged 领域 cell is a lone tab).
            let row = current.get_or_insert_with(|| RawRow {
                cells: Vec::new(),
                line_start: line.no,
                line_end: line.no,
                text: Vec::new(),
            });
            row.cells.push(cell.trim().to_string());
            row.line_end = line.no;
            row.text.push(line.text.clone());
        } else if line.trimmed().is_empty() {
            if let Some(row) = current.take() {
                raw_rows.push(row);
            } else if !raw_rows.is_empty() {
                break; // two blank lines: the table is over
            }
        } else if let Some(row) = current.as_mut() {
            // A wrapped cell: 健康 / 素质 is one cell, 健康素质.
            if let Some(last) = row.cells.last_mut() {
                last.push_str(line.trimmed());
            }
            row.line_end = line.no;
            row.text.push(line.text.clone());
        } else {
            break; // prose after a blank line: the table is over
        }
    }
    if let Some(row) = current.take() {
        raw_rows.push(row);
    }
    raw_rows
}

/// One body row read by the header's columns; `category` carries a merged 领域 cell down.
fn row(
    number: &str,
    columns: &Columns,
    header: &RawRow,
    raw: &RawRow,
    category: &mut String,
) -> Result<Row, ImportError> {
    if raw.cells.len() != header.cells.len() {
        return Err(ImportError::at(
            raw.line_start,
            format!(
                "表{number}: the row has {} cells, the header has {}",
                raw.cells.len(),
                header.cells.len()
            ),
        ));
    }
    let cell = |i: usize| raw.cells[i].as_str();
    if !cell(columns.category).is_empty() {
        *category = cell(columns.category).to_string();
    }
    let number_text = cell(columns.number);
    let row_number = number_text.parse().map_err(|_| {
        ImportError::at(
            raw.line_start,
            format!("表{number}: row number {number_text:?} is not a number"),
        )
    })?;
    let name = cell(columns.name).to_string();
    if name.is_empty() || category.is_empty() {
        return Err(ImportError::at(
            raw.line_start,
            format!("表{number}: the row has no indicator name"),
        ));
    }
    let unit = Some(cell(columns.unit).to_string()).filter(|u| !u.is_empty());
    let nature_raw = Some(cell(columns.nature).to_string()).filter(|n| !n.is_empty());
    Ok(Row {
        category: category.clone(),
        number: row_number,
        name,
        unit,
        baseline_year: columns.baseline_year,
        baseline: parse_cell(cell(columns.baseline)),
        target_year: columns.target_year,
        target: parse_cell(cell(columns.target)),
        nature: Nature::from_published(nature_raw.as_deref().unwrap_or("")),
        nature_raw,
        line_start: raw.line_start,
        line_end: raw.line_end,
        source_text: raw.text.join("\n"),
    })
}

struct Columns {
    category: usize,
    number: usize,
    name: usize,
    unit: usize,
    baseline: usize,
    baseline_year: i32,
    target: usize,
    target_year: i32,
    nature: usize,
}

impl Columns {
    fn from_header(header: &RawRow) -> Result<Columns, ImportError> {
        let find = |name: &str| {
            header.cells.iter().position(|c| c == name).ok_or_else(|| {
                ImportError::at(
                    header.line_start,
                    format!("the table header has no column {name}"),
                )
            })
        };
        let years: Vec<(usize, i32)> = header
            .cells
            .iter()
            .enumerate()
            .filter_map(|(i, c)| {
                let year = c.strip_suffix('年')?;
                (year.len() == 4).then(|| year.parse().ok().map(|y| (i, y)))?
            })
            .collect();
        let [(baseline, baseline_year), (target, target_year)] = years[..] else {
            return Err(ImportError::at(
                header.line_start,
                "the table header needs a baseline year and a target year column",
            ));
        };
        Ok(Columns {
            category: find("领域")?,
            number: find("序号")?,
            name: find("主要指标")?,
            unit: find("单位")?,
            baseline,
            baseline_year,
            target,
            target_year,
            nature: find("指标性质")?,
        })
    }
}

/// `80.15以上`, `≥80`, `≤3.2`, `8.2`, `-`, `同比例增加`, `力争每年降低1个百分点`.
pub fn parse_cell(raw: &str) -> Cell {
    let text = raw.trim();
    let absent = Cell {
        raw: text.to_string(),
        comparator: None,
        value: None,
        basis: TargetBasis::Level,
        unit: None,
    };
    if text.is_empty() || text == "-" {
        return absent;
    }
    let (prefix_cmp, body) = if let Some(rest) = text.strip_prefix('≥') {
        (Some(Comparator::AtLeast), rest)
    } else if let Some(rest) = text.strip_prefix('≤') {
        (Some(Comparator::AtMost), rest)
    } else {
        (None, text)
    };
    if let Some(len) = number_prefix(body) {
        let suffix = &body[len..];
        let suffix_cmp = match suffix {
            "" => None,
            "以上" => Some(Comparator::AtLeast),
            "以下" | "以内" => Some(Comparator::AtMost),
            "左右" => Some(Comparator::About),
            _ => return absent,
        };
        return Cell {
            raw: text.to_string(),
            comparator: prefix_cmp.or(suffix_cmp),
            value: body[..len].parse().ok(),
            basis: TargetBasis::Level,
            unit: None,
        };
    }
    if let Some(at) = text.find("每年降低") {
        if let Some(q) = quantity(&text[at + "每年降低".len()..]) {
            return Cell {
                raw: text.to_string(),
                comparator: Some(Comparator::AtLeast),
                value: Some(q.value),
                basis: TargetBasis::AnnualChange,
                unit: Some(q.unit.to_string()),
            };
        }
    }
    absent
}

impl Row {
    /// Direction: the target's own words first, then the move from baseline to target, then
    /// what the indicator measures (a death or incidence rate should fall).
    pub fn direction(&self) -> Direction {
        if self.target.basis == TargetBasis::AnnualChange || self.target.raw.contains("降低") {
            return Direction::LowerIsBetter;
        }
        match self.target.comparator {
            Some(Comparator::AtLeast) => return Direction::HigherIsBetter,
            Some(Comparator::AtMost) => return Direction::LowerIsBetter,
            Some(Comparator::About | Comparator::Exactly) => return Direction::Keep,
            None => {}
        }
        if self.target.value.is_none() {
            return if self.target.raw.contains("增加") || self.target.raw.contains("提高") {
                Direction::HigherIsBetter
            } else {
                Direction::Unspecified
            };
        }
        match (self.baseline.value, self.target.value) {
            (Some(b), Some(t)) if t < b => Direction::LowerIsBetter,
            (Some(b), Some(t)) if t > b => Direction::HigherIsBetter,
            (Some(_), Some(_)) => Direction::Keep,
            _ if ["死亡率", "发病率", "吸烟率", "近视率", "感染"]
                .iter()
                .any(|w| self.name.contains(w)) =>
            {
                Direction::LowerIsBetter
            }
            _ => Direction::HigherIsBetter,
        }
    }

    /// Whether the direction is read into the row (from the move of its figures or from what
    /// it measures) rather than from its own words (以上, 以下, 降低, 增加 …).
    pub fn direction_inferred(&self) -> bool {
        let worded = self.target.basis == TargetBasis::AnnualChange
            || ["降低", "增加", "提高"]
                .iter()
                .any(|w| self.target.raw.contains(w));
        !worded && self.target.comparator.is_none()
    }

    /// The comparator the target implies where the cell gives none: reaching a level means at
    /// least it for a rising indicator and at most it for a falling one.
    pub fn target_comparator(&self) -> Option<Comparator> {
        self.target.value?;
        self.target.comparator.or(match self.direction() {
            Direction::HigherIsBetter => Some(Comparator::AtLeast),
            Direction::LowerIsBetter => Some(Comparator::AtMost),
            _ => Some(Comparator::Exactly),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_value_cells() {
        let c = parse_cell("80.15以上");
        assert_eq!(
            (c.comparator, c.value),
            (Some(Comparator::AtLeast), Some(80.15))
        );
        let c = parse_cell("≥80");
        assert_eq!(
            (c.comparator, c.value),
            (Some(Comparator::AtLeast), Some(80.0))
        );
        let c = parse_cell("≤3.2");
        assert_eq!(
            (c.comparator, c.value),
            (Some(Comparator::AtMost), Some(3.2))
        );
        let c = parse_cell("92.00以上");
        assert_eq!(c.value, Some(92.0));
        let c = parse_cell("-");
        assert_eq!((c.comparator, c.value, c.raw.as_str()), (None, None, "-"));
        let c = parse_cell("同比例增加");
        assert_eq!((c.comparator, c.value), (None, None));
        let c = parse_cell("力争每年降低1个百分点");
        assert_eq!(
            (c.basis, c.value, c.unit.as_deref()),
            (TargetBasis::AnnualChange, Some(1.0), Some("个百分点"))
        );
    }

    #[test]
    fn recognises_headings() {
        assert_eq!(
            heading("表1  主要发展指标"),
            Some(("1".into(), "主要发展指标".into()))
        );
        assert_eq!(heading("表示同意。"), None);
    }
}
