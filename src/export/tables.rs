//! The three tables of the downloads, one row per target, per indicator, year and breakdown
//! cell (tidy: a column per dimension, `_T` marking a total), and per department on a goal.

use std::collections::HashMap;
use std::fmt::Debug;

use crate::domain::ValueOrigin;
use crate::ids::{self, Kind};
use crate::repo::export::Snapshot;
use crate::rules::progress::shown;

/// A column: its stable name, the header a spreadsheet shows (Chinese, with the unit or the
/// column that holds it), and the type of its values as Frictionless Table Schema and CSVW
/// name it (`string`, `integer`, `number`, `boolean`).
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub name: &'static str,
    pub label: &'static str,
    pub kind: &'static str,
}

/// One cell; numbers stay numbers in every format.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Number(f64),
    Int(i64),
    Bool(bool),
    Empty,
}

impl Cell {
    fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    fn opt_text(s: Option<impl Into<String>>) -> Cell {
        s.map_or(Cell::Empty, |s| Cell::Text(s.into()))
    }

    fn opt_number(v: Option<f64>) -> Cell {
        v.map_or(Cell::Empty, |v| Cell::Number(shown(v)))
    }

    fn opt_int(v: Option<i32>) -> Cell {
        v.map_or(Cell::Empty, |v| Cell::Int(i64::from(v)))
    }
}

/// A named table with its columns and rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub name: &'static str,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
}

/// The name the GraphQL schema gives a value of a closed set: AtLeast → AT_LEAST.
fn api_name(value: impl Debug) -> String {
    let debug = format!("{value:?}");
    let mut out = String::new();
    for (n, c) in debug.chars().enumerate() {
        if c.is_uppercase() && n > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_uppercase());
    }
    out
}

macro_rules! columns {
    ($($name:literal => $label:literal : $kind:ident),+ $(,)?) => {
        vec![$(Column { name: $name, label: $label, kind: stringify!($kind) }),+]
    };
}
pub(crate) use columns;

/// The targets, values and departments tables of a snapshot.
pub fn build(s: &Snapshot) -> Vec<Table> {
    vec![targets(s), values(s), departments(s)]
}

fn plan_code(s: &Snapshot, plan_id: i32) -> Cell {
    Cell::opt_text(
        s.plans
            .iter()
            .find(|p| p.id == plan_id)
            .map(|p| p.code.clone()),
    )
}

fn targets(s: &Snapshot) -> Table {
    let columns = columns![
        "target_id" => "目标ID" : string,
        "plan_code" => "规划代码" : string,
        "plan" => "规划" : string,
        "domain_number" => "领域编号" : string,
        "domain" => "领域" : string,
        "goal_number" => "条目编号" : string,
        "goal_id" => "条目ID" : string,
        "indicator_id" => "指标ID" : string,
        "indicator" => "指标" : string,
        "unit" => "单位" : string,
        "direction" => "方向" : string,
        "year" => "目标年份" : integer,
        "comparator" => "比较" : string,
        "value" => "目标值（单位见“单位”列）" : number,
        "basis" => "口径" : string,
        "nature" => "属性" : string,
        "baseline_year" => "基期年份" : integer,
        "baseline_value" => "基期值（单位见“单位”列）" : number,
        "status" => "状态" : string,
        "progress" => "进度（0–1）" : number,
        "as_written" => "原文表述" : string,
        "inferred" => "推断项" : string,
        "source_line_start" => "原文起始行" : integer,
        "source_line_end" => "原文结束行" : integer,
    ];
    let rows = s
        .targets
        .iter()
        .map(|(t, a)| {
            let plan = s.plans.iter().find(|p| p.id == t.plan_id);
            let domain = t.domain_id.and_then(|d| s.domains.get(&d));
            let goal = t.goal_id.and_then(|g| s.goals.get(&g));
            let indicator = s.indicators.get(&t.indicator_id);
            vec![
                Cell::text(ids::encode(Kind::Target, t.id).0),
                plan_code(s, t.plan_id),
                Cell::opt_text(plan.map(|p| p.title.clone())),
                Cell::opt_text(domain.map(|d| d.number.clone())),
                Cell::opt_text(domain.map(|d| d.title.clone())),
                Cell::opt_text(goal.and_then(|g| g.number.clone())),
                Cell::opt_text(t.goal_id.map(|g| ids::encode(Kind::Goal, g).0)),
                Cell::text(ids::encode(Kind::Indicator, t.indicator_id).0),
                Cell::opt_text(indicator.map(|i| i.name.clone())),
                Cell::opt_text(t.unit.clone()),
                Cell::text(api_name(t.direction)),
                Cell::Int(i64::from(t.year)),
                Cell::opt_text(t.comparator.map(api_name)),
                Cell::opt_number(t.value),
                Cell::text(api_name(t.basis)),
                Cell::text(api_name(t.nature)),
                Cell::opt_int(t.baseline_year),
                Cell::opt_number(t.baseline_value),
                Cell::text(api_name(a.status)),
                a.progress.map_or(Cell::Empty, Cell::Number),
                Cell::text(t.raw.clone()),
                Cell::text(t.inferred.clone()),
                Cell::Int(i64::from(t.line_start)),
                Cell::Int(i64::from(t.line_end)),
            ]
        })
        .collect();
    Table {
        name: "targets",
        columns,
        rows,
    }
}

fn values(s: &Snapshot) -> Table {
    values_of(&s.values, &s.indicators, &s.departments)
}

/// The values table of some published values: what `values.csv` holds for a scope, and an
/// indicator page's download for one indicator.
pub fn values_of(
    values: &[entity::indicator_value::Model],
    indicators: &HashMap<i32, entity::indicator::Model>,
    departments: &HashMap<i32, entity::department::Model>,
) -> Table {
    let columns = columns![
        "indicator_id" => "指标ID" : string,
        "indicator" => "指标" : string,
        "unit" => "单位" : string,
        "year" => "年份" : integer,
        "value" => "数值（单位见“单位”列）" : number,
        "origin" => "来源" : string,
        "year_inferred" => "年份系推断" : boolean,
        "department" => "报送部门" : string,
        "source_line" => "原文行" : integer,
        "as_written" => "原文表述" : string,
        "sex" => "性别（F 女，M 男，_T 合计）" : string,
        "age" => "年龄组（_T 合计）" : string,
        "urbanisation" => "城乡（U 城镇，R 乡村，_T 合计）" : string,
    ];
    let rows = values
        .iter()
        .map(|v| {
            let indicator = indicators.get(&v.indicator_id);
            let cell = crate::breakdowns::Cell::parse(&v.breakdown).unwrap_or_default();
            let code = |d| Cell::text(cell.code(d).unwrap_or(crate::breakdowns::TOTAL));
            use crate::breakdowns::Dimension::{Age, Sex, Urbanisation};
            vec![
                Cell::text(ids::encode(Kind::Indicator, v.indicator_id).0),
                Cell::opt_text(indicator.map(|i| i.name.clone())),
                Cell::opt_text(indicator.and_then(|i| i.unit.clone())),
                Cell::Int(i64::from(v.year)),
                Cell::Number(shown(v.value)),
                Cell::text(match v.origin {
                    ValueOrigin::Document => "DOCUMENT",
                    ValueOrigin::Submission => "REPORT",
                }),
                Cell::Bool(v.year_inferred),
                Cell::opt_text(
                    v.department_id
                        .and_then(|d| departments.get(&d))
                        .map(|d| d.name.clone()),
                ),
                Cell::opt_int(v.line_start),
                Cell::opt_text(v.raw.clone()),
                code(Sex),
                code(Age),
                code(Urbanisation),
            ]
        })
        .collect();
    Table {
        name: "values",
        columns,
        rows,
    }
}

fn departments(s: &Snapshot) -> Table {
    let columns = columns![
        "department_id" => "部门ID" : string,
        "department" => "部门" : string,
        "kind" => "部门类别" : string,
        "plan_code" => "规划代码" : string,
        "goal_id" => "条目ID" : string,
        "goal_number" => "条目编号" : string,
        "goal_kind" => "条目类别" : string,
        "role" => "角色" : string,
        "spelled_as" => "原文写法" : string,
        "source_line" => "原文行" : integer,
    ];
    let rows = s
        .links
        .iter()
        .map(|l| {
            let department = s.departments.get(&l.department_id);
            let goal = s.goals.get(&l.goal_id);
            vec![
                Cell::text(ids::encode(Kind::Department, l.department_id).0),
                Cell::opt_text(department.map(|d| d.name.clone())),
                Cell::opt_text(department.map(|d| api_name(d.kind))),
                goal.map_or(Cell::Empty, |g| plan_code(s, g.plan_id)),
                Cell::text(ids::encode(Kind::Goal, l.goal_id).0),
                Cell::opt_text(goal.and_then(|g| g.number.clone())),
                Cell::opt_text(goal.map(|g| api_name(g.kind))),
                Cell::text(api_name(l.role)),
                Cell::text(l.raw.clone()),
                Cell::Int(i64::from(l.line_start)),
            ]
        })
        .collect();
    Table {
        name: "departments",
        columns,
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Comparator, TargetBasis};

    #[test]
    fn closed_values_are_named_as_the_schema_names_them() {
        assert_eq!(api_name(Comparator::AtLeast), "AT_LEAST");
        assert_eq!(
            api_name(TargetBasis::ChangeFromBaseline),
            "CHANGE_FROM_BASELINE"
        );
        assert_eq!(
            api_name(crate::rules::progress::Status::NotQuantified),
            "NOT_QUANTIFIED"
        );
    }
}
