//! Who still owes what, for the monitoring office: per department, its cells for a year and
//! how far each got, as the table `/reporting/{year}.csv` and `.xlsx` serve. Pure.

use std::collections::HashMap;

use crate::export::tables::columns;
use crate::export::{Cell, Column, Table};
use crate::repo::values::DepartmentReport;

/// The table of `reports`, with each department's name, by name.
pub fn table(year: i32, reports: &[DepartmentReport], names: &HashMap<i32, String>) -> Table {
    let count = |n: usize| Cell::Int(i64::try_from(n).unwrap_or(i64::MAX));
    let mut rows: Vec<(String, Vec<Cell>)> = reports
        .iter()
        .filter_map(|r| {
            let name = names.get(&r.department_id)?.clone();
            let cells = vec![
                Cell::Text(name.clone()),
                Cell::Int(i64::from(year)),
                count(r.total()),
                count(r.owed.len()),
                count(r.submitted.len()),
                count(r.approved.len()),
                count(r.rejected.len()),
                Cell::Number(r.completion()),
                count(r.not_available.len()),
            ];
            Some((name, cells))
        })
        .collect();
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    Table {
        name: "completion",
        columns: columns![
            "department" => "填报单位" : string,
            "year" => "年份" : integer,
            "total" => "应填报指标数" : integer,
            "missing" => "未报" : integer,
            "submitted" => "已报待审" : integer,
            "approved" => "已审核发布" : integer,
            "rejected" => "被退回" : integer,
            "completion" => "完成率（已报、已发布或注明不适用的比例，0–1）" : number,
            "not_available" => "注明不适用" : integer,
        ],
        rows: rows.into_iter().map(|(_, cells)| cells).collect(),
    }
}
