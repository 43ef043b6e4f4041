//! Stage 6b: 表1 rows that set nothing. A row whose target column is `-` (重点慢性病防治核心
//! 信息人群知晓率 in the health plan) names a measure the plan follows without committing to
//! a value: its indicator exists and the plan monitors it, but it is no target and must not be
//! counted as one. The rows are read as targets first, so that the measures' stage gives them
//! their indicator like any other row; this stage then takes them out of the targets.

use super::dataset::{MonitoredData, PlanData, TargetData};

/// Whether a target read off a table row sets nothing: its target cell is `-`.
fn sets_nothing(target: &TargetData) -> bool {
    target.table_number.is_some() && target.target.value.is_none() && target.target.raw == "-"
}

/// Moves each plan's rows that set nothing from its targets to its monitored indicators,
/// keeping its figures pointed at the same targets.
pub fn split(plans: &mut [PlanData]) {
    for plan in plans {
        let mut kept = Vec::with_capacity(plan.targets.len());
        let mut new_index = Vec::with_capacity(plan.targets.len());
        for target in std::mem::take(&mut plan.targets) {
            if sets_nothing(&target) {
                new_index.push(None);
                plan.monitored.push(MonitoredData {
                    key: target.key,
                    indicator: target.indicator,
                    name: target.name,
                    table_category: target.table_category,
                    table_number: target.table_number,
                    source: target.source,
                });
            } else {
                new_index.push(Some(kept.len()));
                kept.push(target);
            }
        }
        plan.targets = kept;
        for figure in &mut plan.figures {
            figure.target = figure
                .target
                .and_then(|t| new_index.get(t).copied().flatten());
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::import::{parse, BUNDLED_DOCUMENT};

    /// Health 表1 rows 12, 31 and 32 set nothing (重点慢性病防治核心信息人群知晓率 has no
    /// figure either; 人口自然增长率 and 出生人口性别比 give 2020's, as 规划背景 does on line
    /// 463): none is a target, and each indicator keeps its series.
    #[test]
    fn a_row_whose_target_is_a_dash_is_monitored_not_a_target() {
        let data = parse(BUNDLED_DOCUMENT).unwrap_or_else(|e| panic!("{e}"));
        let health = data.plans.iter().find(|p| p.code == "health");
        let health = health.unwrap_or_else(|| panic!("no health plan"));
        let monitored: Vec<(&str, &str, Option<i32>, usize)> = health
            .monitored
            .iter()
            .map(|m| {
                (
                    m.key.as_str(),
                    m.name.as_str(),
                    m.table_number,
                    m.source.line_start,
                )
            })
            .collect();
        assert_eq!(
            monitored,
            [
                (
                    "health/table1/12",
                    "重点慢性病防治核心信息人群知晓率",
                    Some(12),
                    586
                ),
                ("health/table1/31", "人口自然增长率", Some(31), 744),
                ("health/table1/32", "出生人口性别比", Some(32), 753),
            ]
        );
        let rows = [Some(12), Some(31), Some(32)];
        assert!(!health
            .targets
            .iter()
            .any(|t| rows.contains(&t.table_number)));
        type Series<'a> = (&'a str, Option<&'a str>, Vec<(i32, f64, usize)>);
        let series: Vec<Series> = health
            .monitored
            .iter()
            .map(|m| {
                let i = &data.indicators[m.indicator];
                let values = i
                    .values
                    .iter()
                    .map(|v| (v.year, v.value, v.source.line_start));
                let values = values.collect();
                (i.key.as_str(), i.unit.as_deref(), values)
            })
            .collect();
        assert_eq!(
            series,
            [
                ("health/table1/12", Some("%"), vec![]),
                (
                    "measure/人口自然增长率",
                    Some("‰"),
                    vec![(2020, 1.23, 463), (2020, 1.23, 744)]
                ),
                (
                    "measure/出生人口性别比",
                    Some("：100"),
                    vec![(2020, 106.58, 463), (2020, 106.58, 753)]
                ),
            ]
        );
        let all = data.plans.iter().flat_map(|p| &p.monitored);
        assert_eq!(all.count(), 3, "no other row of the document sets nothing");
    }
}
