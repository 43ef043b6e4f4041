//! The targets stated inside a plan's goal sentences, numbered per goal and form.

use crate::domain::Nature;
use crate::import::dataset::{Baseline, Inferred, PlanData, Source, Target, TargetData};
use crate::import::targets;

/// Every target the grammar finds in the plan's goals, keyed `<goal>/<form letter><n>`
/// (t: a level of the first grammar, s: of another, c: a count, g: a grade, v: a coverage,
/// elimination or completion commitment; `.<k>` for the k-th measure of one value set on
/// each).
pub(super) fn of_goals(plan: &PlanData) -> Vec<TargetData> {
    let mut from_goals = Vec::new();
    for (index, goal) in plan.goals.iter().enumerate() {
        let mut numbers = [0usize; 5];
        for found in targets::extract(&goal.text) {
            let (form, letter) = match found.form {
                targets::Form::Level if found.is_first_grammar() => (0, 't'),
                targets::Form::Level => (1, 's'),
                targets::Form::Count => (2, 'c'),
                targets::Form::Grade => (3, 'g'),
                targets::Form::Coverage => (4, 'v'),
            };
            // The second and later measures of one 均 clause are numbered under the first
            // (t1, t1.2), so the targets after them keep their keys, and the first keeps the
            // key (and ID) the undivided target had.
            let key = if found.part == 0 {
                numbers[form] += 1;
                format!("{}/{letter}{}", goal.key, numbers[form])
            } else {
                format!("{}/{letter}{}.{}", goal.key, numbers[form], found.part + 1)
            };
            from_goals.push(TargetData {
                key,
                indicator: usize::MAX,
                domain: goal.domain,
                goal: Some(index),
                name: found.name,
                unit: (!found.unit.is_empty()).then_some(found.unit),
                direction: found.direction,
                nature: Nature::Unspecified,
                nature_raw: None,
                table_category: None,
                table_number: None,
                baseline: found.baseline_year.map(|year| Baseline {
                    year,
                    value: None,
                    raw: None,
                }),
                target: Target {
                    year: found.year.unwrap_or(plan.period.1),
                    comparator: found.comparator,
                    value: found.value,
                    basis: found.basis,
                    raw: targets::as_written(&goal.text, &found.raw).unwrap_or(found.raw),
                },
                inferred: Inferred {
                    comparator: found.comparator_inferred,
                    direction: found.value.is_some() && found.comparator_inferred,
                    year: found.year.is_none(),
                },
                source: Source {
                    line_start: goal.source.line_start,
                    line_end: goal.source.line_end,
                    text: targets::as_written(&goal.text, &found.clause).unwrap_or(found.clause),
                },
            });
        }
    }
    from_goals
}
