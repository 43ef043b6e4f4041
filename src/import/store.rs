//! Stage 7: a [`Dataset`] → rows, in one transaction, by natural key.
//!
//! Rows are matched on their natural key (plan code, domain/goal/target/indicator key,
//! department name …), so re-importing the same document changes nothing and IDs stay stable;
//! a changed document updates rows in place and the report lists what changed. Stale rows are
//! deleted children first; submitted values hold their indicator (a foreign key), so an import
//! can never silently drop reported figures.
//!
//! An indicator whose key is new is matched through its targets: it takes over the row of the
//! indicator its first target had, and the rows of its other targets' indicators are merged
//! into it — their reported values, assignments and history move with them (this is how a
//! store written before indicators were series is brought up to date). Values of one
//! indicator and year are then numbered again: the document's figures first, in line order,
//! then the submissions in the order they came; of two published submissions only the later
//! stays published.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::str::FromStr;

use chrono::{NaiveDate, Utc};
use entity::{
    department, department_alias, document, domain, goal, goal_department, goal_group, indicator,
    indicator_value, plan, target, value_event,
};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    IntoActiveModel, PrimaryKeyToColumn, PrimaryKeyTrait, QueryFilter, QuerySelect, QueryTrait,
    TransactionTrait,
};

use super::dataset::{Dataset, Source};
use crate::domain::{TargetStatus, ValueAction, ValueOrigin, ValueStatus};
use crate::service::statuses::Which;

/// The data model the importer writes (2: indicators as series with targets); a store whose
/// document row says less was written by an older plangraph.
pub const MODEL_VERSION: i32 = 2;

/// What one import changed, per table.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Report {
    pub tables: Vec<TableChanges>,
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct TableChanges {
    pub table: &'static str,
    pub inserted: Vec<String>,
    pub updated: Vec<String>,
    pub deleted: Vec<String>,
}

impl Report {
    pub fn is_unchanged(&self) -> bool {
        self.tables
            .iter()
            .all(|t| t.inserted.is_empty() && t.updated.is_empty() && t.deleted.is_empty())
    }

    fn table(&mut self, table: &'static str) -> &mut TableChanges {
        if let Some(at) = self.tables.iter().position(|t| t.table == table) {
            return &mut self.tables[at];
        }
        self.tables.push(TableChanges {
            table,
            ..Default::default()
        });
        self.tables
            .last_mut()
            .unwrap_or_else(|| unreachable!("just pushed"))
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_unchanged() {
            return writeln!(f, "store unchanged: the document was imported before");
        }
        for t in &self.tables {
            if t.inserted.is_empty() && t.updated.is_empty() && t.deleted.is_empty() {
                continue;
            }
            writeln!(
                f,
                "{:<18} +{} ~{} -{}",
                t.table,
                t.inserted.len(),
                t.updated.len(),
                t.deleted.len()
            )?;
            for (sign, keys) in [("~", &t.updated), ("-", &t.deleted)] {
                for key in keys.iter().take(20) {
                    writeln!(f, "    {sign} {key}")?;
                }
                if keys.len() > 20 {
                    writeln!(f, "    {sign} … and {} more", keys.len() - 20)?;
                }
            }
        }
        Ok(())
    }
}

/// A model with a natural key; `adopt` takes over what the store assigned (id, timestamps).
trait Keyed: Clone + PartialEq {
    /// The column `key` reads: the ids of inserted rows are read back with it alone.
    const KEY_COLUMN: &'static str;
    fn key(&self) -> String;
    fn id(&self) -> i32;
    fn adopt(&mut self, existing: &Self);
}

macro_rules! keyed {
    ($model:ty, $column:literal, |$m:ident| $key:expr) => {
        impl Keyed for $model {
            const KEY_COLUMN: &'static str = $column;
            fn key(&self) -> String {
                let $m = self;
                $key
            }
            fn id(&self) -> i32 {
                self.id
            }
            fn adopt(&mut self, existing: &Self) {
                self.id = existing.id;
            }
        }
    };
}

impl Keyed for plan::Model {
    const KEY_COLUMN: &'static str = "code";
    fn key(&self) -> String {
        self.code.clone()
    }
    fn id(&self) -> i32 {
        self.id
    }
    fn adopt(&mut self, existing: &Self) {
        self.id = existing.id;
        // Derived from the targets, counted after the import (`service::tally`).
        self.indicator_count = existing.indicator_count;
    }
}
keyed!(domain::Model, "key", |m| m.key.clone());
keyed!(goal::Model, "key", |m| m.key.clone());
keyed!(department::Model, "name", |m| m.name.clone());
keyed!(department_alias::Model, "alias", |m| m.alias.clone());
keyed!(indicator::Model, "key", |m| m.key.clone());

impl Keyed for target::Model {
    const KEY_COLUMN: &'static str = "key";
    fn key(&self) -> String {
        self.key.clone()
    }
    fn id(&self) -> i32 {
        self.id
    }
    fn adopt(&mut self, existing: &Self) {
        self.id = existing.id;
        // Derived from the series, restated after the import (`service::statuses`).
        self.status = existing.status;
    }
}

impl Keyed for indicator_value::Model {
    const KEY_COLUMN: &'static str = "key";
    fn key(&self) -> String {
        self.key.clone().unwrap_or_default()
    }
    fn id(&self) -> i32 {
        self.id
    }
    fn adopt(&mut self, existing: &Self) {
        self.id = existing.id;
        self.created_at = existing.created_at;
        // Numbered by `renumber`, not by the document.
        self.version = existing.version;
        self.status = existing.status;
    }
}

/// A row with the natural key it is matched on (link rows are keyed by what they link).
struct Linked<M> {
    key: String,
    model: M,
}

/// The tables whose statistics the read queries depend on (the many-row ones; a plan or
/// document table of four rows or one is planned well without).
const ANALYZED_TABLES: [&str; 5] = [
    "goal",
    "goal_department",
    "indicator",
    "target",
    "indicator_value",
];

/// Imports a parsed document into the store in one transaction, then, if it changed
/// anything, brings the planner's statistics up to date ([`analyze`]).
pub async fn import(db: &DatabaseConnection, data: &Dataset) -> Result<Report, DbErr> {
    let report = import_unanalyzed(db, data).await?;
    if !report.is_unchanged() {
        analyze(db).await?;
    }
    Ok(report)
}

/// [`import`] without the [`analyze`] after it, for a caller that runs it later (the server
/// answers its first request first).
pub async fn import_unanalyzed(db: &DatabaseConnection, data: &Dataset) -> Result<Report, DbErr> {
    let txn = db.begin().await?;
    let report = write(&txn, data).await?;
    txn.commit().await?;
    Ok(report)
}

/// [`import_unanalyzed`] inside the caller's transaction (a new store's seed, written before
/// its keys: `db::Seed`).
pub async fn import_in(db: &impl ConnectionTrait, data: &Dataset) -> Result<Report, DbErr> {
    write(db, data).await
}

/// Fresh statistics for the planner: without them (a PostgreSQL whose autovacuum is off, or
/// has not come round yet) it plans the new rows as if the tables were empty. On PostgreSQL
/// also VACUUM, which sets the visibility map: without it a count by an index (a plan's
/// targets by status, `totalCount`) still reads every row from the table (11.7 → 1.7 ms for
/// a plan's 9,300 targets at 100× the data). Named tables only: a bare ANALYZE on PostgreSQL
/// also reads the system catalogs, which doubled the time of a fresh import (145 → 305 ms
/// median; all eleven tables: 202 ms).
pub async fn analyze(db: &DatabaseConnection) -> Result<(), DbErr> {
    let sql = match db.get_database_backend() {
        sea_orm::DbBackend::Postgres => {
            format!("VACUUM (ANALYZE) {}", ANALYZED_TABLES.join(", "))
        }
        // FTS5 writes an index segment per flush: the 100× generator left indicator_search
        // in 14, each looked up by every search (1.1 M instructions at 100×); `optimize`
        // merges them into one (little work on the document's 1,400 names).
        _ => "ANALYZE; INSERT INTO indicator_search(indicator_search) VALUES ('optimize')"
            .to_string(),
    };
    db.execute_unprepared(&sql).await.map(|_| ())
}

async fn write<C: ConnectionTrait>(db: &C, data: &Dataset) -> Result<Report, DbErr> {
    let mut report = Report::default();
    let now = Utc::now();

    // The document row: updated only when the text itself changed.
    let doc_id = {
        let (y, m, d) = data.document.issue_date;
        let issue_date = NaiveDate::from_ymd_opt(y, m, d)
            .ok_or_else(|| DbErr::Custom(format!("invalid issue date {y}-{m}-{d}")))?;
        let existing = document::Entity::find()
            .filter(document::Column::Number.eq(&data.document.number))
            .one(db)
            .await?;
        let desired = document::Model {
            id: existing.as_ref().map_or(0, |e| e.id),
            number: data.document.number.clone(),
            issuer: data.document.issuer.clone(),
            issue_date,
            title: data.document.title.clone(),
            sha256: data.document.sha256.clone(),
            line_count: to_i32(data.document.line_count),
            imported_at: existing.as_ref().map_or(now, |e| e.imported_at),
            model_version: MODEL_VERSION,
        };
        match existing {
            Some(e) if e == desired => e.id,
            Some(e) => {
                document::Model {
                    imported_at: now,
                    ..desired
                }
                .into_active_model()
                .reset_all()
                .update(db)
                .await?;
                report.table("document").updated.push(e.number);
                e.id
            }
            None => {
                let mut am = desired.into_active_model().reset_all();
                am.id = sea_orm::ActiveValue::NotSet;
                let res = document::Entity::insert(am).exec(db).await?;
                report
                    .table("document")
                    .inserted
                    .push(data.document.number.clone());
                res.last_insert_id
            }
        }
    };

    // Existing rows, and their natural keys.
    let plans_now = plan::Entity::find().all(db).await?;
    let domains_now = domain::Entity::find().all(db).await?;
    let goals_now = goal::Entity::find().all(db).await?;
    let departments_now = department::Entity::find().all(db).await?;
    let aliases_now = department_alias::Entity::find().all(db).await?;
    let links_now = goal_department::Entity::find().all(db).await?;
    let groups_now = goal_group::Entity::find().all(db).await?;
    let mut indicators_now = indicator::Entity::find().all(db).await?;
    let targets_now = target::Entity::find().all(db).await?;
    let values_now = indicator_value::Entity::find()
        .filter(indicator_value::Column::Origin.eq(ValueOrigin::Document))
        .all(db)
        .await?;
    let goal_key_by_id: HashMap<i32, String> =
        goals_now.iter().map(|g| (g.id, g.key.clone())).collect();
    let dept_name_by_id: HashMap<i32, String> = departments_now
        .iter()
        .map(|d| (d.id, d.name.clone()))
        .collect();
    let link_key = |goal_id: i32, dept: &str, role: &str| {
        format!(
            "{}|{dept}|{role}",
            goal_key_by_id.get(&goal_id).map_or("?", String::as_str)
        )
    };
    let links_now: Vec<Linked<goal_department::Model>> = links_now
        .into_iter()
        .map(|l| Linked {
            key: link_key(
                l.goal_id,
                dept_name_by_id
                    .get(&l.department_id)
                    .map_or("?", String::as_str),
                l.role.as_str(),
            ),
            model: l,
        })
        .collect();
    let groups_now: Vec<Linked<goal_group::Model>> = groups_now
        .into_iter()
        .map(|g| Linked {
            key: format!(
                "{}|{}",
                goal_key_by_id.get(&g.goal_id).map_or("?", String::as_str),
                g.ordinal
            ),
            model: g,
        })
        .collect();

    // Desired keys, to delete what the document no longer holds (children first).
    let plans = &data.plans;
    let goals = || plans.iter().flat_map(|p| p.goals.iter());
    let targets = || plans.iter().flat_map(|p| p.targets.iter());
    let want_values: HashSet<String> = data
        .indicators
        .iter()
        .flat_map(|i| i.values.iter().map(move |v| value_key(&i.key, v)))
        .collect();
    let want_links: HashSet<String> = goals()
        .flat_map(|g| {
            g.departments
                .iter()
                .map(move |d| format!("{}|{}|{}", g.key, d.department, d.role.as_str()))
        })
        .collect();
    let want_groups: HashSet<String> = goals()
        .flat_map(|g| {
            g.groups
                .iter()
                .map(move |x| format!("{}|{}", g.key, x.ordinal))
        })
        .collect();
    let want_aliases: HashSet<String> = data
        .departments
        .iter()
        .flat_map(|d| d.aliases.iter().map(|(a, _)| a.clone()))
        .collect();
    let want_indicators: HashSet<String> = data.indicators.iter().map(|i| i.key.clone()).collect();
    let want_targets: HashSet<String> = targets().map(|t| t.key.clone()).collect();
    let want_goals: HashSet<String> = goals().map(|g| g.key.clone()).collect();
    let want_domains: HashSet<String> = plans
        .iter()
        .flat_map(|p| p.domains.iter().map(|d| d.key.clone()))
        .collect();
    let want_departments: HashSet<String> =
        data.departments.iter().map(|d| d.name.clone()).collect();
    let want_plans: HashSet<String> = plans.iter().map(|p| p.code.clone()).collect();

    delete_stale::<indicator_value::Entity, _>(
        db,
        &mut report,
        "indicator_value",
        values_now.iter().map(|m| (m.key(), m.id)),
        &want_values,
    )
    .await?;
    delete_stale::<target::Entity, _>(
        db,
        &mut report,
        "target",
        targets_now.iter().map(|m| (m.key(), m.id)),
        &want_targets,
    )
    .await?;
    delete_stale::<goal_group::Entity, _>(
        db,
        &mut report,
        "goal_group",
        groups_now.iter().map(|l| (l.key.clone(), l.model.id)),
        &want_groups,
    )
    .await?;
    delete_stale::<goal_department::Entity, _>(
        db,
        &mut report,
        "goal_department",
        links_now.iter().map(|l| (l.key.clone(), l.model.id)),
        &want_links,
    )
    .await?;
    delete_stale::<department_alias::Entity, _>(
        db,
        &mut report,
        "department_alias",
        aliases_now.iter().map(|m| (m.key(), m.id)),
        &want_aliases,
    )
    .await?;
    delete_stale::<goal::Entity, _>(
        db,
        &mut report,
        "goal",
        goals_now.iter().map(|m| (m.key(), m.id)),
        &want_goals,
    )
    .await?;
    delete_stale::<domain::Entity, _>(
        db,
        &mut report,
        "domain",
        domains_now.iter().map(|m| (m.key(), m.id)),
        &want_domains,
    )
    .await?;
    delete_stale::<department::Entity, _>(
        db,
        &mut report,
        "department",
        departments_now.iter().map(|m| (m.key(), m.id)),
        &want_departments,
    )
    .await?;
    delete_stale::<plan::Entity, _>(
        db,
        &mut report,
        "plan",
        plans_now.iter().map(|m| (m.key(), m.id)),
        &want_plans,
    )
    .await?;

    // Upserts, parents first.
    let plan_models = plans
        .iter()
        .enumerate()
        .map(|(n, p)| plan::Model {
            id: 0,
            document_id: doc_id,
            code: p.code.clone(),
            ordinal: to_i32(n + 1),
            title: p.title.clone(),
            notice_title: p.notice_title.clone(),
            period_start: p.period.0,
            period_end: p.period.1,
            overall_goal: p.overall_goal.clone(),
            line_start: to_i32(p.source.line_start),
            line_end: to_i32(p.source.line_end),
            source_text: p.source.text.clone(),
            indicator_count: 0,
        })
        .collect();
    let plan_ids = Ids::new(
        "plan",
        upsert(db, &mut report, "plan", plans_now, plan_models).await?,
    );

    let mut domain_models = Vec::new();
    for p in plans.iter() {
        let plan_id = plan_ids.of(&p.code)?;
        for (n, d) in p.domains.iter().enumerate() {
            let (line_start, line_end, source_text) = provenance(&d.source);
            domain_models.push(domain::Model {
                id: 0,
                key: d.key.clone(),
                plan_id,
                ordinal: to_i32(n + 1),
                number: d.number.clone(),
                title: d.title.clone(),
                chapter: d.chapter.clone(),
                line_start,
                line_end,
                source_text,
            });
        }
    }
    let domain_ids = Ids::new(
        "domain",
        upsert(db, &mut report, "domain", domains_now, domain_models).await?,
    );

    let mut goal_models = Vec::new();
    for p in plans.iter() {
        let plan_id = plan_ids.of(&p.code)?;
        for (n, g) in p.goals.iter().enumerate() {
            let (line_start, line_end, source_text) = provenance(&g.source);
            goal_models.push(goal::Model {
                id: 0,
                key: g.key.clone(),
                plan_id,
                domain_id: g
                    .domain
                    .map(|d| domain_ids.of(&p.domains[d].key))
                    .transpose()?,
                ordinal: to_i32(n + 1),
                kind: g.kind,
                number: g.number.clone(),
                text: g.text.clone(),
                department_tag: g.tag.clone(),
                line_start,
                line_end,
                source_text,
            });
        }
    }
    let goal_ids = Ids::new(
        "goal",
        upsert(db, &mut report, "goal", goals_now, goal_models).await?,
    );

    let department_models = data
        .departments
        .iter()
        .map(|d| {
            let (line_start, line_end, source_text) = provenance(&d.source);
            department::Model {
                id: 0,
                name: d.name.clone(),
                kind: d.kind,
                line_start,
                line_end,
                source_text,
            }
        })
        .collect();
    let department_ids = Ids::new(
        "department",
        upsert(
            db,
            &mut report,
            "department",
            departments_now,
            department_models,
        )
        .await?,
    );

    let mut alias_models = Vec::new();
    for d in &data.departments {
        let department_id = department_ids.of(&d.name)?;
        for (alias, src) in &d.aliases {
            let (line_start, line_end, source_text) = provenance(src);
            alias_models.push(department_alias::Model {
                id: 0,
                alias: alias.clone(),
                department_id,
                line_start,
                line_end,
                source_text,
            });
        }
    }
    upsert(
        db,
        &mut report,
        "department_alias",
        aliases_now,
        alias_models,
    )
    .await?;

    let mut link_models = Vec::new();
    for g in goals() {
        let goal_id = goal_ids.of(&g.key)?;
        for d in &g.departments {
            link_models.push(Linked {
                key: format!("{}|{}|{}", g.key, d.department, d.role.as_str()),
                model: goal_department::Model {
                    id: 0,
                    goal_id,
                    department_id: department_ids.of(&d.department)?,
                    role: d.role,
                    ordinal: to_i32(d.ordinal),
                    raw: d.raw.clone(),
                    line_start: to_i32(g.source.line_start),
                    line_end: to_i32(g.source.line_end),
                    source_text: g.tag.clone().unwrap_or_default(),
                },
            });
        }
    }
    upsert_linked(
        db,
        &mut report,
        "goal_department",
        links_now,
        link_models,
        |m, old| m.id = old.id,
        |m| m.id,
    )
    .await?;

    let mut group_models = Vec::new();
    for g in goals() {
        let goal_id = goal_ids.of(&g.key)?;
        for x in &g.groups {
            group_models.push(Linked {
                key: format!("{}|{}", g.key, x.ordinal),
                model: goal_group::Model {
                    id: 0,
                    goal_id,
                    role: x.role,
                    ordinal: to_i32(x.ordinal),
                    phrase: x.phrase.clone(),
                    line_start: to_i32(g.source.line_start),
                    line_end: to_i32(g.source.line_end),
                    source_text: g.tag.clone().unwrap_or_default(),
                },
            });
        }
    }
    upsert_linked(
        db,
        &mut report,
        "goal_group",
        groups_now,
        group_models,
        |m, old| m.id = old.id,
        |m| m.id,
    )
    .await?;

    // Indicators: by key, or through their targets (see the module's notes).
    let merges = match_through_targets(data, &mut indicators_now, &targets_now);
    let first_line: HashMap<usize, usize> = targets()
        .rev()
        .map(|t| (t.indicator, t.source.line_start))
        .collect();
    let indicator_models = data
        .indicators
        .iter()
        .enumerate()
        .map(|(n, i)| indicator::Model {
            id: 0,
            key: i.key.clone(),
            name: i.name.clone(),
            unit: i.unit.clone(),
            direction: i.direction,
            direction_inferred: i.direction_inferred,
            ordinal: to_i32(n + 1),
            line_start: to_i32(first_line.get(&n).copied().unwrap_or(0)),
        })
        .collect();
    let indicator_ids = Ids::new(
        "indicator",
        upsert(
            db,
            &mut report,
            "indicator",
            indicators_now.clone(),
            indicator_models,
        )
        .await?,
    );
    for (from, into) in &merges {
        merge_indicator(db, from.clone(), into.clone()).await?;
        report
            .table("indicator")
            .deleted
            .push(format!("{} (merged into {})", from.1, into.1));
    }
    let mut target_models = Vec::new();
    for p in plans.iter() {
        let plan_id = plan_ids.of(&p.code)?;
        let indicators = &data.indicators;
        for (n, t) in p.targets.iter().enumerate() {
            let (line_start, line_end, source_text) = provenance(&t.source);
            let inferred: Vec<&str> = [
                ("comparator", t.inferred.comparator),
                ("direction", t.inferred.direction),
                ("year", t.inferred.year),
            ]
            .iter()
            .filter(|(_, on)| *on)
            .map(|(part, _)| *part)
            .collect();
            target_models.push(target::Model {
                id: 0,
                key: t.key.clone(),
                indicator_id: indicator_ids.of(&indicators[t.indicator].key)?,
                plan_id,
                domain_id: t
                    .domain
                    .map(|d| domain_ids.of(&p.domains[d].key))
                    .transpose()?,
                goal_id: t.goal.map(|g| goal_ids.of(&p.goals[g].key)).transpose()?,
                ordinal: to_i32(n + 1),
                name: t.name.clone(),
                unit: t.unit.clone(),
                direction: t.direction,
                nature: t.nature,
                nature_raw: t.nature_raw.clone(),
                table_category: t.table_category.clone(),
                table_number: t.table_number,
                baseline_year: t.baseline.as_ref().map(|b| b.year),
                baseline_value: t.baseline.as_ref().and_then(|b| b.value),
                baseline_raw: t.baseline.as_ref().and_then(|b| b.raw.clone()),
                year: t.target.year,
                comparator: t.target.comparator,
                value: t.target.value,
                basis: t.target.basis,
                raw: t.target.raw.clone(),
                inferred: inferred.join(","),
                line_start,
                line_end,
                source_text,
                status: TargetStatus::NoData,
            });
        }
    }
    upsert_keyed(db, &mut report, "target", targets_now, target_models).await?;
    // Only now that every target points at its indicator of the new document can the
    // indicators merged away, or no longer named, go.
    let merged_keys: HashSet<&String> = merges.iter().map(|(from, _)| &from.1).collect();
    delete_stale::<indicator::Entity, _>(
        db,
        &mut Report::default(),
        "indicator",
        indicators_now
            .iter()
            .filter(|m| merged_keys.contains(&m.key))
            .map(|m| (m.key(), m.id)),
        &want_indicators,
    )
    .await?;
    delete_stale::<indicator::Entity, _>(
        db,
        &mut report,
        "indicator",
        indicators_now
            .iter()
            .filter(|m| !merged_keys.contains(&m.key))
            .map(|m| (m.key(), m.id)),
        &want_indicators,
    )
    .await?;

    // Document figures: new ones come in with a placeholder version, numbered below.
    let mut value_models = Vec::new();
    for i in &data.indicators {
        let indicator_id = indicator_ids.of(&i.key)?;
        for v in &i.values {
            value_models.push(indicator_value::Model {
                id: 0,
                key: Some(value_key(&i.key, v)),
                indicator_id,
                year: v.year,
                value: v.value,
                status: ValueStatus::Published,
                origin: ValueOrigin::Document,
                version: 0,
                line_start: Some(to_i32(v.source.line_start)),
                line_end: Some(to_i32(v.source.line_end)),
                source_text: Some(v.source.text.clone()),
                created_at: now,
                department_id: None,
                note: None,
                submitted_by: None,
                reviewed_by: None,
                reviewed_at: None,
                review_comment: None,
                updated_at: None,
                year_inferred: v.year_inferred,
                raw: Some(v.raw.clone()),
            });
        }
    }
    for (n, m) in value_models.iter_mut().enumerate() {
        // Unique until renumbered: no real version is negative.
        m.version = -(10_000_000 + to_i32(n));
    }
    upsert_keyed(db, &mut report, "indicator_value", values_now, value_models).await?;
    renumber(db, &mut report).await?;
    // Last, so that they follow the targets and series as now written (and fill the column
    // on a store upgraded to it).
    let restated = crate::service::statuses::restate(db, Which::All).await?;
    for (key, status) in restated {
        report
            .table("target status")
            .updated
            .push(format!("{key} → {status}"));
    }

    Ok(report)
}

/// Ids of the rows a stage wrote, by natural key. A key the dataset names that the stage did
/// not write is a bug in the importer: an error that rolls the import back, not a panic.
struct Ids {
    table: &'static str,
    by_key: HashMap<String, i32>,
}

impl Ids {
    fn new(table: &'static str, by_key: HashMap<String, i32>) -> Ids {
        Ids { table, by_key }
    }

    fn of(&self, key: &str) -> Result<i32, DbErr> {
        self.by_key.get(key).copied().ok_or_else(|| {
            DbErr::Custom(format!(
                "import: the dataset names {} {key:?}, which it did not write",
                self.table
            ))
        })
    }
}

/// A document figure's key: its indicator, year and line (one year may have figures on
/// several lines).
fn value_key(indicator_key: &str, v: &super::dataset::DocumentValue) -> String {
    format!("{indicator_key}@{}/L{}", v.year, v.source.line_start)
}

/// Matches desired indicators whose key is new to existing rows through their targets: the
/// row of the first target's indicator takes the new key (in `existing`, so the upsert updates
/// it in place); the rows of its other targets' indicators are to be merged into it. Returns
/// the merges as ((id, key) from, (id, key) into).
fn match_through_targets(
    data: &Dataset,
    existing: &mut [indicator::Model],
    targets_now: &[target::Model],
) -> Vec<((i32, String), (i32, String))> {
    let wanted: HashSet<&str> = data.indicators.iter().map(|i| i.key.as_str()).collect();
    let mut claimed: HashSet<i32> = existing
        .iter()
        .filter(|m| wanted.contains(m.key.as_str()))
        .map(|m| m.id)
        .collect();
    let had: HashMap<&str, i32> = targets_now
        .iter()
        .map(|t| (t.key.as_str(), t.indicator_id))
        .collect();
    let mut merges = Vec::new();
    for (index, desired) in data.indicators.iter().enumerate() {
        if existing.iter().any(|m| m.key == desired.key) {
            continue;
        }
        let mut candidates: Vec<i32> = Vec::new();
        for t in data
            .plans
            .iter()
            .flat_map(|p| p.targets.iter())
            .filter(|t| t.indicator == index)
        {
            if let Some(id) = had.get(t.key.as_str()) {
                if !candidates.contains(id) && !claimed.contains(id) {
                    candidates.push(*id);
                }
            }
        }
        let Some((&kept, others)) = candidates.split_first() else {
            continue;
        };
        let mut into = (kept, desired.key.clone());
        for m in existing.iter_mut() {
            if m.id == kept {
                into = (kept, desired.key.clone());
                m.key = desired.key.clone();
            }
        }
        claimed.insert(kept);
        for other in others {
            if let Some(m) = existing.iter().find(|m| m.id == *other) {
                merges.push(((m.id, m.key.clone()), into.clone()));
                claimed.insert(*other);
            }
        }
    }
    merges
}

/// Moves what belongs to indicator `from` to `into`: reported values (with a placeholder
/// version, numbered by `renumber`) and reporting assignments. The value history keeps the
/// indicator each event was recorded for; reads go through the value.
async fn merge_indicator(
    db: &impl ConnectionTrait,
    from: (i32, String),
    into: (i32, String),
) -> Result<(), DbErr> {
    let (from, into) = (from.0, into.0);
    let backend = db.get_database_backend();
    for sql in [
        format!(
            "UPDATE indicator_value SET indicator_id = {into}, version = -id \
             WHERE indicator_id = {from}"
        ),
        format!(
            "DELETE FROM indicator_assignment WHERE indicator_id = {from} AND department_id IN \
             (SELECT department_id FROM indicator_assignment WHERE indicator_id = {into})"
        ),
        format!(
            "UPDATE indicator_assignment SET indicator_id = {into} WHERE indicator_id = {from}"
        ),
    ] {
        db.execute_raw(sea_orm::Statement::from_string(backend, sql))
            .await?;
    }
    Ok(())
}

/// Numbers the values of each indicator and year: the document's figures first (by line),
/// then submissions as they came (by time, then id); of several published submissions only the
/// last stays published, the others are superseded (and the history says so). Only rows whose
/// number or status changes are written.
async fn renumber(db: &impl ConnectionTrait, report: &mut Report) -> Result<(), DbErr> {
    use sea_orm::QueryOrder;
    let values = indicator_value::Entity::find()
        .order_by_asc(indicator_value::Column::IndicatorId)
        .order_by_asc(indicator_value::Column::Year)
        .all(db)
        .await?;
    let mut groups: Vec<Vec<indicator_value::Model>> = Vec::new();
    for v in values {
        match groups.last_mut() {
            Some(g) if g[0].indicator_id == v.indicator_id && g[0].year == v.year => g.push(v),
            _ => groups.push(vec![v]),
        }
    }
    let published = ValueStatus::Published;
    let document = ValueOrigin::Document;
    let mut changes: Vec<(indicator_value::Model, i32, ValueStatus)> = Vec::new();
    for mut group in groups {
        group.sort_by(|a, b| {
            let doc = |v: &indicator_value::Model| v.origin != document;
            (doc(a), a.line_start, a.created_at, a.id).cmp(&(
                doc(b),
                b.line_start,
                b.created_at,
                b.id,
            ))
        });
        let last_published_submission = group
            .iter()
            .rposition(|v| v.origin != document && v.status == published);
        for (n, v) in group.into_iter().enumerate() {
            let version = to_i32(n + 1);
            let status = if v.origin != document
                && v.status == published
                && Some(n) != last_published_submission
            {
                ValueStatus::Superseded
            } else {
                v.status
            };
            if version != v.version || status != v.status {
                changes.push((v, version, status));
            }
        }
    }
    // Two statements for all of them (one per row waited on the network per row): out of the
    // way first (negative numbers are free, and (indicator, year, version) is unique), then
    // into place. Only integers and the stored status words go into the text.
    if !changes.is_empty() {
        let ids = changes
            .iter()
            .map(|(v, _, _)| v.id.to_string())
            .collect::<Vec<_>>()
            .join(", ");
        db.execute_unprepared(&format!(
            "UPDATE indicator_value SET version = -id - 20000000 WHERE id IN ({ids})"
        ))
        .await?;
        let versions: String = changes
            .iter()
            .map(|(v, version, _)| format!(" WHEN {} THEN {version}", v.id))
            .collect();
        let statuses: String = changes
            .iter()
            .map(|(v, _, status)| format!(" WHEN {} THEN '{}'", v.id, status.as_str()))
            .collect();
        db.execute_unprepared(&format!(
            "UPDATE indicator_value SET version = CASE id{versions} END, \
             status = CASE id{statuses} END WHERE id IN ({ids})"
        ))
        .await?;
    }
    for (v, version, status) in changes {
        let superseded = status != v.status;
        if superseded {
            value_event::ActiveModel {
                value_id: sea_orm::Set(v.id),
                indicator_id: sea_orm::Set(v.indicator_id),
                year: sea_orm::Set(v.year),
                action: sea_orm::Set(ValueAction::Supersede),
                actor_id: sea_orm::Set(None),
                actor_name: sea_orm::Set("plangraph import".into()),
                at: sea_orm::Set(Utc::now()),
                old_value: sea_orm::Set(Some(v.value)),
                new_value: sea_orm::Set(Some(v.value)),
                old_status: sea_orm::Set(Some(v.status)),
                new_status: sea_orm::Set(status),
                comment: sea_orm::Set(Some(
                    "another copy of the same measure published a later value for this year".into(),
                )),
                ..Default::default()
            }
            .insert(db)
            .await?;
        }
        if v.origin != document {
            report
                .table("indicator_value")
                .updated
                .push(format!("value {} → version {version}", v.id));
        }
    }
    Ok(())
}

fn provenance(source: &Source) -> (i32, i32, String) {
    (
        to_i32(source.line_start),
        to_i32(source.line_end),
        source.text.clone(),
    )
}

/// Line numbers and counts of a ~1,000-line document always fit.
fn to_i32(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

async fn delete_stale<E, I>(
    db: &impl ConnectionTrait,
    report: &mut Report,
    table: &'static str,
    existing: I,
    wanted: &HashSet<String>,
) -> Result<(), DbErr>
where
    E: EntityTrait,
    I: Iterator<Item = (String, i32)>,
    <E::PrimaryKey as PrimaryKeyTrait>::ValueType: From<i32>,
{
    let stale: Vec<(String, i32)> = existing.filter(|(key, _)| !wanted.contains(key)).collect();
    if stale.is_empty() {
        return Ok(());
    }
    let id_column = primary_column::<E>()?;
    for chunk in stale.chunks(500) {
        E::delete_many()
            .filter(id_column.is_in(chunk.iter().map(|(_, id)| *id)))
            .exec(db)
            .await?;
    }
    report
        .table(table)
        .deleted
        .extend(stale.into_iter().map(|(k, _)| k));
    Ok(())
}

fn primary_column<E: EntityTrait>() -> Result<E::Column, DbErr> {
    use sea_orm::Iterable;
    E::PrimaryKey::iter()
        .next()
        .map(|pk| pk.into_column())
        .ok_or_else(|| DbErr::Custom("entity without a primary key".into()))
}

/// Rows per INSERT statement.
const INSERT_CHUNK: usize = 1000;

/// Inserts new rows and updates changed ones; returns key → id for every desired row.
async fn upsert<M, E, A>(
    db: &impl ConnectionTrait,
    report: &mut Report,
    table: &'static str,
    existing: Vec<M>,
    desired: Vec<M>,
) -> Result<HashMap<String, i32>, DbErr>
where
    M: Keyed + IntoActiveModel<A> + Send + Sync,
    E: EntityTrait<Model = M, ActiveModel = A>,
    A: ActiveModelTrait<Entity = E> + sea_orm::ActiveModelBehavior + Send,
{
    let inserted = upsert_keyed(db, report, table, existing, desired).await?;
    let mut ids = inserted.kept;
    if inserted.any_inserted {
        // Insert statements do not return ids on every backend: read the new ones back, by
        // their key alone (whole rows were a fifth of the server's work importing into an empty
        // store, issue 11).
        let key_column = E::Column::from_str(M::KEY_COLUMN)
            .map_err(|_| DbErr::Custom(format!("{table} has no column {}", M::KEY_COLUMN)))?;
        let rows: Vec<(i32, Option<String>)> = E::find()
            .select_only()
            .column(primary_column::<E>()?)
            .column(key_column)
            .into_tuple()
            .all(db)
            .await?;
        for (id, key) in rows {
            ids.entry(key.unwrap_or_default()).or_insert(id);
        }
    }
    Ok(ids)
}

/// Inserts new rows and updates changed ones, matched on their natural keys.
async fn upsert_keyed<M, E, A>(
    db: &impl ConnectionTrait,
    report: &mut Report,
    table: &'static str,
    existing: Vec<M>,
    desired: Vec<M>,
) -> Result<Upserted, DbErr>
where
    M: Keyed + IntoActiveModel<A> + Send + Sync,
    E: EntityTrait<Model = M, ActiveModel = A>,
    A: ActiveModelTrait<Entity = E> + sea_orm::ActiveModelBehavior + Send,
{
    let linked = |models: Vec<M>| {
        models
            .into_iter()
            .map(|m| Linked {
                key: m.key(),
                model: m,
            })
            .collect()
    };
    upsert_linked(
        db,
        report,
        table,
        linked(existing),
        linked(desired),
        M::adopt,
        M::id,
    )
    .await
}

struct Upserted {
    /// key → id of the rows that existed already.
    kept: HashMap<String, i32>,
    any_inserted: bool,
}

async fn upsert_linked<M, E, A>(
    db: &impl ConnectionTrait,
    report: &mut Report,
    table: &'static str,
    existing: Vec<Linked<M>>,
    desired: Vec<Linked<M>>,
    adopt: impl Fn(&mut M, &M),
    id_of: impl Fn(&M) -> i32,
) -> Result<Upserted, DbErr>
where
    M: Clone + PartialEq + IntoActiveModel<A> + Send + Sync,
    E: EntityTrait<Model = M, ActiveModel = A>,
    A: ActiveModelTrait<Entity = E> + sea_orm::ActiveModelBehavior + Send,
{
    let id_column = primary_column::<E>()?;
    let mut by_key: HashMap<String, M> = existing.into_iter().map(|l| (l.key, l.model)).collect();
    let mut kept = HashMap::new();
    let mut inserts = Vec::new();
    for Linked { key, mut model } in desired {
        match by_key.remove(&key) {
            Some(old) => {
                adopt(&mut model, &old);
                if model != old {
                    model
                        .clone()
                        .into_active_model()
                        .reset_all()
                        .update(db)
                        .await?;
                    report.table(table).updated.push(key.clone());
                }
                kept.insert(key, id_of(&old));
            }
            None => {
                let mut am = model.into_active_model().reset_all();
                am.not_set(id_column);
                inserts.push(am);
                report.table(table).inserted.push(key);
            }
        }
    }
    let any_inserted = !inserts.is_empty();
    let backend = db.get_database_backend();
    let mut inserts = inserts.into_iter().peekable();
    while inserts.peek().is_some() {
        let chunk: Vec<A> = inserts.by_ref().take(INSERT_CHUNK).collect();
        db.execute_unprepared(&insert_statement::<E, A>(backend, chunk))
            .await?;
    }
    Ok(Upserted { kept, any_inserted })
}

/// An INSERT statement for rows, as text with the values inlined, sent with the simple
/// protocol: one statement per chunk of rows, however long (a long one used to stall 40 ms on
/// Nagle's algorithm, which the vendored sqlx-core turns off).
fn insert_statement<E, A>(backend: sea_orm::DbBackend, rows: Vec<A>) -> String
where
    E: EntityTrait,
    A: ActiveModelTrait<Entity = E> + Send,
{
    let insert = E::insert_many(rows).into_query();
    match backend {
        sea_orm::DbBackend::Postgres => inlined::postgres(&insert),
        _ => insert.to_string(sea_orm::sea_query::SqliteQueryBuilder),
    }
}

/// sea-query's statement text with its values inlined, written faster for PostgreSQL: its own
/// inlining escapes text a character at a time, 13 ms for the document's goal texts on the
/// way to a first answer (issue 11). The text is the same (a test compares them).
mod inlined {
    use sea_orm::sea_query::{
        EscapeBuilder, InsertStatement, PostgresQueryBuilder, QueryBuilder, Value,
    };

    use crate::escapes::Escapes;

    /// The statement built with placeholders, each `$n` then replaced by its value: the
    /// statement's names hold no `$`, and every value is a placeholder.
    pub fn postgres(insert: &InsertStatement) -> String {
        let (template, values) = insert.build(PostgresQueryBuilder);
        let texts: usize = values
            .0
            .iter()
            .map(|v| match v {
                Value::String(Some(s)) => s.len() + 3,
                _ => 8,
            })
            .sum();
        let mut out = String::with_capacity(template.len() + texts);
        let mut rest = template.as_str();
        while let Some(at) = rest.find('$') {
            out.push_str(&rest[..at]);
            let digits = rest[at + 1..]
                .bytes()
                .take_while(u8::is_ascii_digit)
                .count();
            match rest[at + 1..at + 1 + digits]
                .parse::<usize>()
                .ok()
                .and_then(|n| values.0.get(n.wrapping_sub(1)))
            {
                Some(value) => push_literal(&mut out, value),
                // Not a placeholder after all: kept as written.
                None => out.push_str(&rest[at..at + 1 + digits]),
            }
            rest = &rest[at + 1 + digits..];
        }
        out.push_str(rest);
        out
    }

    fn push_literal(out: &mut String, value: &Value) {
        match value {
            Value::String(Some(text)) => push_quoted(out, text),
            other => out.push_str(&PostgresQueryBuilder.value_to_string(other)),
        }
    }

    /// sea-query's quoting for PostgreSQL: `E'…'` when the text holds a character it escapes
    /// (ASCII control characters, backslash, quote), `'…'` otherwise. The runs between those
    /// characters are copied whole and each of them is escaped by sea-query itself (they are
    /// ASCII, so a byte equal to one is that character in UTF-8).
    fn push_quoted(out: &mut String, text: &str) {
        let Some(first) = ESCAPED.first(text.as_bytes()) else {
            out.push('\'');
            out.push_str(text);
            out.push('\'');
            return;
        };
        out.push_str("E'");
        let (mut start, mut at) = (0, first);
        loop {
            out.push_str(&text[start..at]);
            PostgresQueryBuilder.write_escaped(out, &text[at..at + 1]);
            start = at + 1;
            match ESCAPED.first(&text.as_bytes()[start..]) {
                Some(next) => at = start + next,
                None => break,
            }
        }
        out.push_str(&text[start..]);
        out.push('\'');
    }

    /// What sea-query escapes: ASCII control characters, backslash and quote.
    const ESCAPED: Escapes<3> = Escapes {
        below: 0x20,
        also: *b"\x7f\\'",
    };

    #[cfg(test)]
    mod tests {
        use chrono::{NaiveDate, TimeZone, Utc};
        use entity::{document, goal_department, indicator_value};
        use sea_orm::{ActiveModelTrait, EntityTrait, IntoActiveModel, QueryTrait};

        use crate::domain::{Role, ValueOrigin, ValueStatus};

        fn same<E, A>(rows: Vec<A>)
        where
            E: EntityTrait,
            A: ActiveModelTrait<Entity = E> + Send,
        {
            let insert = E::insert_many(rows).into_query();
            assert_eq!(
                super::postgres(&insert),
                insert.to_string(sea_orm::sea_query::PostgresQueryBuilder)
            );
        }

        /// Every ASCII control character, backslash and quotes, Chinese text around them, and
        /// a `$1` in a value.
        fn awkward() -> String {
            let controls: String = (0u8..0x20).chain([0x7f]).map(char::from).collect();
            format!("县卫健局\\ \"引\" 'a' {controls} $1 $ 完")
        }

        #[test]
        fn the_same_text_as_sea_query() {
            same(vec![
                goal_department::Model {
                    id: 1,
                    goal_id: 2,
                    department_id: 3,
                    role: Role::Lead,
                    ordinal: 4,
                    raw: awkward(),
                    line_start: 5,
                    line_end: 6,
                    source_text: "（牵头单位：县卫健局）".to_string(),
                }
                .into_active_model()
                .reset_all(),
                goal_department::Model {
                    id: 7,
                    goal_id: 8,
                    department_id: 9,
                    role: Role::Responsible,
                    ordinal: 10,
                    raw: String::new(),
                    line_start: 11,
                    line_end: 12,
                    source_text: "plain".to_string(),
                }
                .into_active_model()
                .reset_all(),
            ]);
            same(vec![document::Model {
                id: 1,
                number: "乐政字〔2022〕16号".to_string(),
                issuer: awkward(),
                issue_date: NaiveDate::from_ymd_opt(2022, 5, 9).unwrap(),
                title: "t".to_string(),
                sha256: "ab".to_string(),
                line_count: 1000,
                imported_at: Utc.with_ymd_and_hms(2026, 11, 30, 5, 6, 7).unwrap(),
                model_version: 3,
            }
            .into_active_model()
            .reset_all()]);
        }

        #[test]
        fn the_same_text_as_sea_query_for_numbers_and_nulls() {
            let value = indicator_value::Model {
                id: 1,
                key: Some("measure/婴儿死亡率/2020".to_string()),
                indicator_id: 2,
                year: 2020,
                value: 2.73,
                status: ValueStatus::Published,
                origin: ValueOrigin::Document,
                version: 1,
                line_start: Some(3),
                line_end: None,
                source_text: None,
                created_at: Utc.with_ymd_and_hms(2026, 11, 30, 5, 6, 7).unwrap(),
                department_id: None,
                note: Some(awkward()),
                submitted_by: None,
                reviewed_by: None,
                reviewed_at: None,
                review_comment: None,
                updated_at: None,
                year_inferred: true,
                raw: None,
            };
            same(vec![value.into_active_model().reset_all()]);
        }
    }
}
