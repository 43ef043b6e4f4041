//! The one description of which targets a read means, shared by the target reads and the
//! status counts.

use crate::domain::{Nature, Role};
use crate::rules::progress::Status;

/// Which targets; every condition given must hold. Plan codes and department names are
/// resolved inside the query; `targets::check_names` refuses those that match nothing.
#[derive(Debug, Clone, Default)]
pub struct TargetFilter {
    pub plan_code: Option<String>,
    pub domain_id: Option<i32>,
    pub goal_id: Option<i32>,
    pub indicator_id: Option<i32>,
    /// A department: the target's goal must name it (in `role`, if given).
    pub department_id: Option<i32>,
    /// A department by name or spelling, as `department_id`.
    pub department: Option<String>,
    pub role: Option<Role>,
    pub nature: Option<Nature>,
    /// Only targets with (true) or without (false) a number.
    pub quantified: Option<bool>,
    pub year: Option<i32>,
    /// A substring of the name as the clause writes it, or of the clause.
    pub text: Option<String>,
    /// Statuses to keep: the stored ones, or as of the year [`page`], [`matching`] and
    /// [`counts`] are given.
    pub statuses: Vec<Status>,
    /// With `statuses`: targets of these indicators are kept whatever their status (the
    /// early warnings' fluctuating series).
    pub or_indicators: Vec<i32>,
}
