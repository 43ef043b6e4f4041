//! Which of a target row's columns a query's selection reads, so that a page decodes only
//! those.

use async_graphql::Context;
use entity::target;

/// What each field of `Target` reads of the row's spare columns (`repo::targets::SPARE`; the
/// others are always read). A field not listed — the assessed ones (`progress`, `status`,
/// `trajectory` …) — reads the whole row. A test compares every field's answer from a lean page
/// with its answer from whole rows.
const READS: &[(&str, &[target::Column])] = &[
    ("__typename", &[]),
    ("id", &[]),
    ("indicator", &[]),
    ("plan", &[]),
    ("domain", &[target::Column::DomainId]),
    ("goal", &[target::Column::GoalId]),
    ("departments", &[target::Column::GoalId]),
    ("name", &[target::Column::Name]),
    ("unit", &[target::Column::Unit]),
    ("year", &[]),
    ("comparator", &[target::Column::Comparator]),
    ("value", &[target::Column::Value]),
    ("quantified", &[target::Column::Value]),
    ("raw", &[target::Column::Raw]),
    ("nature", &[]),
    ("basis", &[]),
    ("inferred", &[target::Column::Inferred]),
    (
        "baseline",
        &[
            target::Column::BaselineYear,
            target::Column::BaselineValue,
            target::Column::BaselineRaw,
        ],
    ),
    ("tableCategory", &[target::Column::TableCategory]),
    ("tableNumber", &[target::Column::TableNumber]),
    ("source", &[target::Column::SourceText]),
];

/// The spare columns the fields selected of a page's targets (under `nodes` or `edges.node`)
/// read; None when one of them is not in [`READS`]. A target has 27 columns and a page's
/// fields usually read a few of them.
pub(super) fn read(ctx: &Context<'_>) -> Option<Vec<target::Column>> {
    let mut read = Vec::new();
    for field in ctx.field().selection_set() {
        let nodes: Vec<_> = match field.name() {
            "nodes" => vec![field],
            "edges" => field
                .selection_set()
                .filter(|f| f.name() == "node")
                .collect(),
            _ => continue,
        };
        for node in nodes {
            for f in node.selection_set() {
                let (_, columns) = READS.iter().find(|(name, _)| *name == f.name())?;
                read.extend_from_slice(columns);
            }
        }
    }
    Some(read)
}
