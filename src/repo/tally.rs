//! Status counts read from `status_tally` (migration m20261129_000013): how many targets of a
//! plan, domain, goal or department have each status, a few rows per scope however many targets
//! it has. `service::tally` keeps the rows in step with `target.status`.

use std::collections::HashMap;

use entity::status_tally;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use super::filter::TargetFilter;
use crate::domain::Role;
use crate::rules::progress::Status;

/// What a tally row counts the targets of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Scope {
    Plan(i32),
    Domain(i32),
    Goal(i32),
    /// A department's targets through its goals' links, in one role or (`None`) in any, where
    /// a target counts once even if its goal names the department in two roles.
    Department(i32, Option<Role>),
}

impl Scope {
    /// The row's key columns: scope, scope_id, role ('' for none).
    pub fn columns(self) -> (&'static str, i32, &'static str) {
        match self {
            Scope::Plan(id) => ("plan", id, ""),
            Scope::Domain(id) => ("domain", id, ""),
            Scope::Goal(id) => ("goal", id, ""),
            Scope::Department(id, role) => ("department", id, role.map_or("", Role::as_str)),
        }
    }

    /// The scope of a stored row.
    pub fn of_row(row: &status_tally::Model) -> Result<Scope, DbErr> {
        let role =
            match row.role.as_str() {
                "" => None,
                text => Some(Role::parse(text).ok_or_else(|| {
                    DbErr::Custom(format!("unknown role {text:?} in status_tally"))
                })?),
            };
        Ok(match (row.scope.as_str(), role) {
            ("plan", None) => Scope::Plan(row.scope_id),
            ("domain", None) => Scope::Domain(row.scope_id),
            ("goal", None) => Scope::Goal(row.scope_id),
            ("department", role) => Scope::Department(row.scope_id, role),
            (scope, _) => {
                return Err(DbErr::Custom(format!(
                    "unknown scope {scope:?} in status_tally"
                )))
            }
        })
    }

    fn condition(self) -> Condition {
        let (scope, id, role) = self.columns();
        kind(scope, role).add(status_tally::Column::ScopeId.eq(id))
    }
}

fn kind(scope: &str, role: &str) -> Condition {
    Condition::all()
        .add(status_tally::Column::Scope.eq(scope))
        .add(status_tally::Column::Role.eq(role))
}

/// The counts of many scopes in one statement; a scope without targets maps to no counts.
pub async fn counts(
    db: &impl ConnectionTrait,
    scopes: &[Scope],
) -> Result<HashMap<Scope, HashMap<Status, usize>>, DbErr> {
    let mut out: HashMap<Scope, HashMap<Status, usize>> = HashMap::new();
    if scopes.is_empty() {
        return Ok(out);
    }
    let wanted = scopes
        .iter()
        .fold(Condition::any(), |any, s| any.add(s.condition()));
    for row in status_tally::Entity::find().filter(wanted).all(db).await? {
        *out.entry(Scope::of_row(&row)?)
            .or_default()
            .entry(row.status)
            .or_default() += usize::try_from(row.n).unwrap_or(0);
    }
    Ok(out)
}

/// The counts by status of the targets a filter selects, where the filter is one scope (or
/// none: every target) and statuses, nothing else; `None` where it names anything else, and
/// the caller counts the targets themselves.
pub async fn of_filter(
    db: &impl ConnectionTrait,
    filter: &TargetFilter,
) -> Result<Option<HashMap<Status, usize>>, DbErr> {
    let TargetFilter {
        plan_code,
        domain_id,
        goal_id,
        indicator_id,
        department_id,
        department,
        role,
        nature,
        quantified,
        year,
        text,
        statuses,
        or_indicators,
    } = filter;
    let text = text.as_deref().map(str::trim).filter(|t| !t.is_empty());
    if indicator_id.is_some()
        || !or_indicators.is_empty()
        || nature.is_some()
        || quantified.is_some()
        || year.is_some()
        || text.is_some()
    {
        return Ok(None);
    }
    let department_given = department_id.is_some() || department.is_some();
    let scopes = [
        plan_code.is_some(),
        domain_id.is_some(),
        goal_id.is_some(),
        department_given,
    ];
    let mut rows = match scopes.iter().filter(|s| **s).count() {
        // Every target is in one plan: the plans' counts are everyone's.
        0 => kind("plan", ""),
        1 => {
            if let Some(code) = plan_code {
                kind("plan", "").add(super::in_plan(status_tally::Column::ScopeId, code))
            } else if let Some(id) = domain_id {
                Scope::Domain(*id).condition()
            } else if let Some(id) = goal_id {
                Scope::Goal(*id).condition()
            } else {
                // A role is a condition only with a department, as in the targets' filter.
                let mut c = kind("department", role.map_or("", Role::as_str));
                if let Some(id) = department_id {
                    c = c.add(status_tally::Column::ScopeId.eq(*id));
                }
                if let Some(name) = department {
                    c = c.add(super::in_department(status_tally::Column::ScopeId, name));
                }
                c
            }
        }
        _ => return Ok(None),
    };
    if !statuses.is_empty() {
        rows = rows.add(status_tally::Column::Status.is_in(statuses.iter().copied()));
    }
    let found = status_tally::Entity::find().filter(rows).all(db).await?;
    if department_given {
        // A name that is one department's and another's spelling would add up targets the
        // two share: count them instead (no document has such a name).
        let mut ids: Vec<i32> = found.iter().map(|r| r.scope_id).collect();
        ids.sort_unstable();
        ids.dedup();
        if ids.len() > 1 {
            return Ok(None);
        }
    }
    let mut by: HashMap<Status, usize> = HashMap::new();
    for row in found.into_iter().filter(|r| r.n != 0) {
        *by.entry(row.status).or_default() += usize::try_from(row.n).unwrap_or(0);
    }
    Ok(Some(by))
}
