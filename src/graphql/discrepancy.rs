//! `Discrepancy`: where the document disagrees with itself about one indicator.

use async_graphql::{Enum, Object};
use entity::{indicator_value, target};

use super::enums::Language;
use super::indicator::IndicatorValue;
use super::target::Target;
use crate::rules::discrepancy::{self, Kind as Disagreement};

/// What two or more statements of the document disagree on.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiscrepancyKind {
    /// Targets for the same year give different values.
    TargetValue,
    /// Targets for the same year give different comparators.
    TargetComparator,
    /// Targets for the same year give different natures (预期性 / 约束性).
    TargetNature,
    /// The document gives different figures for the same year.
    FigureValue,
}

/// A disagreement within the document about one indicator, with every statement involved (each
/// with its source); the API does not pick a winner.
pub struct Discrepancy {
    kind: DiscrepancyKind,
    year: i32,
    targets: Vec<Target>,
    figures: Vec<indicator_value::Model>,
}

/// A disagreement within the document about one indicator, with every statement involved (each
/// with its source); the API does not pick a winner.
#[Object]
impl Discrepancy {
    /// What they disagree on.
    async fn kind(&self) -> DiscrepancyKind {
        self.kind
    }

    /// The year they are for.
    async fn year(&self) -> i32 {
        self.year
    }

    /// The targets that disagree (empty for figures).
    async fn targets(&self) -> Vec<Target> {
        self.targets.clone()
    }

    /// The figures that disagree (empty for targets).
    async fn figures(&self) -> Vec<IndicatorValue> {
        self.figures.iter().cloned().map(IndicatorValue).collect()
    }

    /// The disagreement in words, with what each statement says.
    async fn description(
        &self,
        #[graphql(desc = "Chinese (default) or English.", default)] language: Language,
    ) -> String {
        let said: Vec<String> = if self.targets.is_empty() {
            self.figures
                .iter()
                .map(|f| {
                    format!(
                        "{} (L{})",
                        f.raw.as_deref().unwrap_or(""),
                        f.line_start.unwrap_or(0)
                    )
                })
                .collect()
        } else {
            self.targets
                .iter()
                .map(|t| format!("{} (L{})", t.0.raw, t.0.line_start))
                .collect()
        };
        let what = match (self.kind, language) {
            (DiscrepancyKind::TargetValue, Language::Zh) => "目标数值不一致",
            (DiscrepancyKind::TargetComparator, Language::Zh) => "目标的比较方式不一致",
            (DiscrepancyKind::TargetNature, Language::Zh) => "指标性质不一致",
            (DiscrepancyKind::FigureValue, Language::Zh) => "文件给出的数据不一致",
            (DiscrepancyKind::TargetValue, Language::En) => "targets give different values",
            (DiscrepancyKind::TargetComparator, Language::En) => {
                "targets give different comparators"
            }
            (DiscrepancyKind::TargetNature, Language::En) => "targets give different natures",
            (DiscrepancyKind::FigureValue, Language::En) => "the document gives different figures",
        };
        match language {
            Language::Zh => format!("{}年{}：{}", self.year, what, said.join("；")),
            Language::En => format!("{}: {what}: {}", self.year, said.join("; ")),
        }
    }
}

/// The disagreements among an indicator's targets and its document figures.
pub fn of(targets: &[target::Model], figures: &[indicator_value::Model]) -> Vec<Discrepancy> {
    let said: Vec<discrepancy::Said> = targets
        .iter()
        .map(|t| discrepancy::Said {
            id: t.id,
            year: t.year,
            value: t.value,
            comparator: t.comparator,
            nature: t.nature,
        })
        .collect();
    let stated: Vec<discrepancy::Figure> = figures
        .iter()
        .map(|f| discrepancy::Figure {
            id: f.id,
            year: f.year,
            value: f.value,
            bound: f.raw.as_deref().and_then(discrepancy::bound_of),
        })
        .collect();
    discrepancy::find(&said, &stated)
        .into_iter()
        .map(|d| Discrepancy {
            kind: match d.kind {
                Disagreement::Value => DiscrepancyKind::TargetValue,
                Disagreement::Comparator => DiscrepancyKind::TargetComparator,
                Disagreement::Nature => DiscrepancyKind::TargetNature,
                Disagreement::Figure => DiscrepancyKind::FigureValue,
            },
            year: d.year,
            targets: if d.kind == Disagreement::Figure {
                Vec::new()
            } else {
                targets
                    .iter()
                    .filter(|t| d.ids.contains(&t.id))
                    .cloned()
                    .map(Target)
                    .collect()
            },
            figures: if d.kind == Disagreement::Figure {
                figures
                    .iter()
                    .filter(|f| d.ids.contains(&f.id))
                    .cloned()
                    .collect()
            } else {
                Vec::new()
            },
        })
        .collect()
}
