//! The reporting workflow's rules: what a submitted value must satisfy and how a value moves
//! between states. Pure; the service applies them inside one transaction.
//!
//! submit → SUBMITTED (a newer submission for the same indicator and year replaces a pending
//! one: it becomes SUPERSEDED); approve → PUBLISHED (the previously published value of that year
//! becomes SUPERSEDED); reject → REJECTED. Only SUBMITTED values can be reviewed.

use crate::domain::{UserRole, ValueStatus};

/// Longest note a submitter may attach.
pub const MAX_NOTE_CHARS: usize = 1_000;
/// Longest review comment.
pub const MAX_COMMENT_CHARS: usize = 1_000;

/// One reason a submission is refused, naming the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub message: String,
}

fn err(field: &'static str, message: impl Into<String>) -> FieldError {
    FieldError {
        field,
        message: message.into(),
    }
}

/// The years a value may be reported for: the plan period, and the baseline years the
/// document states (2020, 2015 …).
#[derive(Debug, Clone, PartialEq)]
pub struct Years {
    pub first: i32,
    pub last: i32,
    pub baselines: Vec<i32>,
}

impl Years {
    pub fn allows(&self, year: i32) -> bool {
        (self.first..=self.last).contains(&year) || self.baselines.contains(&year)
    }
}

/// The range a value in `unit` may take: shares are 0–100, per-mille 0–1000, ages below 150,
/// other rates, counts and amounts not negative; without a unit, any number.
pub fn range(unit: Option<&str>) -> (f64, f64) {
    match unit.unwrap_or("").trim() {
        "%" => (0.0, 100.0),
        "‰" => (0.0, 1000.0),
        "岁" => (0.0, 150.0),
        "" => (f64::MIN, f64::MAX),
        // /10万, 人, 张, 个, 天, 亿元, 个百分点 …: rates, counts and amounts
        _ => (0.0, f64::MAX),
    }
}

/// Whether `value` is in its unit's [`range`], with the reason when it is not.
pub fn check_range(value: f64, unit: Option<&str>) -> Result<(), String> {
    let (low, high) = range(unit);
    let unit = unit.unwrap_or("").trim();
    if value < low || value > high {
        if high == f64::MAX {
            Err(format!("a value in {unit} cannot be negative"))
        } else {
            Err(format!(
                "a value in {unit} must be between {low} and {high}"
            ))
        }
    } else {
        Ok(())
    }
}

/// Everything wrong with a submission, each with its field; empty when it may be stored.
pub fn validate(
    value: f64,
    unit: Option<&str>,
    year: i32,
    years: &Years,
    note: Option<&str>,
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if !value.is_finite() {
        errors.push(err("value", "the value must be a finite number"));
    } else if let Err(message) = check_range(value, unit) {
        errors.push(err("value", message));
    }
    if !years.allows(year) {
        errors.push(err(
            "year",
            format!(
                "{year} is outside the plan period {}–{} and its baseline years",
                years.first, years.last
            ),
        ));
    }
    if let Some(note) = note {
        if note.chars().count() > MAX_NOTE_CHARS {
            errors.push(err(
                "note",
                format!("the note has more than {MAX_NOTE_CHARS} characters"),
            ));
        }
    }
    errors
}

/// The department a value is reported for. A submitter reports for its own department
/// only; the monitoring office (a reviewer or an admin) enters a department's figures on its
/// behalf — the cycle's all-departments workbook — and must name the department.
pub fn acting_for(role: UserRole, own: Option<i32>, named: Option<i32>) -> Result<i32, String> {
    match role {
        UserRole::Submitter => match (own, named) {
            (None, _) => Err("the account has no department".into()),
            (Some(own), Some(named)) if named != own => {
                Err("a submitter reports for its own department only".into())
            }
            (Some(own), _) => Ok(own),
        },
        UserRole::Reviewer | UserRole::Admin => named
            .or(own)
            .ok_or_else(|| "name the department the value is reported for".into()),
        UserRole::Evaluator => Err("an evaluator reads and changes nothing".into()),
    }
}

/// A reviewer's decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Approve,
    Reject,
}

/// The state a review moves a value to, or why it cannot.
pub fn review(current: ValueStatus, decision: Decision) -> Result<ValueStatus, String> {
    match (current, decision) {
        (ValueStatus::Submitted, Decision::Approve) => Ok(ValueStatus::Published),
        (ValueStatus::Submitted, Decision::Reject) => Ok(ValueStatus::Rejected),
        (other, _) => Err(format!(
            "only a submitted value can be reviewed; this one is {}",
            other.as_str()
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn submitters_report_for_themselves_and_the_office_for_a_named_department() {
        assert_eq!(acting_for(UserRole::Submitter, Some(4), None), Ok(4));
        assert_eq!(acting_for(UserRole::Submitter, Some(4), Some(4)), Ok(4));
        assert!(acting_for(UserRole::Submitter, Some(4), Some(5)).is_err());
        assert!(acting_for(UserRole::Submitter, None, Some(5)).is_err());
        assert_eq!(acting_for(UserRole::Reviewer, None, Some(5)), Ok(5));
        assert_eq!(acting_for(UserRole::Admin, None, Some(7)), Ok(7));
        assert!(acting_for(UserRole::Reviewer, None, None).is_err());
    }

    fn years() -> Years {
        Years {
            first: 2021,
            last: 2025,
            baselines: vec![2015, 2020],
        }
    }

    #[test]
    fn units_set_the_range() {
        assert!(check_range(100.0, Some("%")).is_ok());
        assert!(check_range(100.1, Some("%")).is_err());
        assert!(check_range(-0.1, Some("%")).is_err());
        assert!(check_range(999.0, Some("‰")).is_ok());
        assert!(check_range(-1.0, Some("/10万")).is_err());
        assert!(check_range(12_000.0, Some("/10万")).is_ok());
        assert!(check_range(151.0, Some("岁")).is_err());
        assert!(check_range(-3.0, None).is_ok());
    }

    #[test]
    fn validation_names_each_field() {
        assert!(validate(24.0, Some("%"), 2022, &years(), Some("ok")).is_empty());
        assert!(
            validate(24.0, Some("%"), 2020, &years(), None).is_empty(),
            "baseline year"
        );
        assert!(
            validate(78.0, Some("岁"), 2015, &years(), None).is_empty(),
            "older baseline year"
        );
        let errors = validate(
            f64::NAN,
            Some("%"),
            2030,
            &years(),
            Some(&"x".repeat(1_001)),
        );
        let fields: Vec<&str> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["value", "year", "note"]);
        assert_eq!(
            validate(f64::INFINITY, None, 2022, &years(), None)[0].field,
            "value"
        );
        assert_eq!(
            validate(101.0, Some("%"), 2022, &years(), None)[0].message,
            "a value in % must be between 0 and 100"
        );
        assert!(!validate(1.0, Some("%"), 2019, &years(), None).is_empty());
    }

    #[test]
    fn only_submitted_values_are_reviewed() {
        assert_eq!(
            review(ValueStatus::Submitted, Decision::Approve),
            Ok(ValueStatus::Published)
        );
        assert_eq!(
            review(ValueStatus::Submitted, Decision::Reject),
            Ok(ValueStatus::Rejected)
        );
        for status in [
            ValueStatus::Published,
            ValueStatus::Rejected,
            ValueStatus::Superseded,
        ] {
            assert!(review(status, Decision::Approve).is_err());
            assert!(review(status, Decision::Reject).is_err());
        }
    }
}
