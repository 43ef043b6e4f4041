//! The plans' outline: plans, domains, goals, departments and their aliases, and the links of
//! goals to departments and groups. One writer per table, parents first; each returns the ids
//! its children need.

use entity::{department, department_alias, domain, goal, goal_department, goal_group, plan};
use sea_orm::{ConnectionTrait, DbErr};

use super::existing::{group_key, link_key, Existing};
use super::upsert::{upsert, upsert_linked, Ids, Linked};
use super::{provenance, to_i32, Report};
use crate::import::dataset::Dataset;

/// The ids of the outline's rows, by natural key.
pub(super) struct OutlineIds {
    pub(super) plans: Ids,
    pub(super) domains: Ids,
    pub(super) goals: Ids,
}

/// Writes the outline's tables, taking their existing rows out of `existing`.
pub(super) async fn write_outline(
    db: &impl ConnectionTrait,
    report: &mut Report,
    data: &Dataset,
    doc_id: i32,
    existing: &mut Existing,
) -> Result<OutlineIds, DbErr> {
    let plans = write_plans(
        db,
        report,
        data,
        doc_id,
        std::mem::take(&mut existing.plans),
    )
    .await?;
    let domains = write_domains(
        db,
        report,
        data,
        &plans,
        std::mem::take(&mut existing.domains),
    )
    .await?;
    let goals = write_goals(
        db,
        report,
        data,
        &plans,
        &domains,
        std::mem::take(&mut existing.goals),
    )
    .await?;
    let departments =
        write_departments(db, report, data, std::mem::take(&mut existing.departments)).await?;
    write_aliases(
        db,
        report,
        data,
        &departments,
        std::mem::take(&mut existing.aliases),
    )
    .await?;
    write_links(
        db,
        report,
        data,
        &goals,
        &departments,
        std::mem::take(&mut existing.links),
    )
    .await?;
    write_groups(
        db,
        report,
        data,
        &goals,
        std::mem::take(&mut existing.groups),
    )
    .await?;
    Ok(OutlineIds {
        plans,
        domains,
        goals,
    })
}

async fn write_plans(
    db: &impl ConnectionTrait,
    report: &mut Report,
    data: &Dataset,
    doc_id: i32,
    existing: Vec<plan::Model>,
) -> Result<Ids, DbErr> {
    let models = data
        .plans
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
    let ids = upsert(db, report, "plan", existing, models).await?;
    Ok(Ids::new("plan", ids))
}

async fn write_domains(
    db: &impl ConnectionTrait,
    report: &mut Report,
    data: &Dataset,
    plan_ids: &Ids,
    existing: Vec<domain::Model>,
) -> Result<Ids, DbErr> {
    let mut models = Vec::new();
    for p in &data.plans {
        let plan_id = plan_ids.of(&p.code)?;
        for (n, d) in p.domains.iter().enumerate() {
            let (line_start, line_end, source_text) = provenance(&d.source);
            models.push(domain::Model {
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
    let ids = upsert(db, report, "domain", existing, models).await?;
    Ok(Ids::new("domain", ids))
}

async fn write_goals(
    db: &impl ConnectionTrait,
    report: &mut Report,
    data: &Dataset,
    plan_ids: &Ids,
    domain_ids: &Ids,
    existing: Vec<goal::Model>,
) -> Result<Ids, DbErr> {
    let mut models = Vec::new();
    for p in &data.plans {
        let plan_id = plan_ids.of(&p.code)?;
        for (n, g) in p.goals.iter().enumerate() {
            let (line_start, line_end, source_text) = provenance(&g.source);
            models.push(goal::Model {
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
    let ids = upsert(db, report, "goal", existing, models).await?;
    Ok(Ids::new("goal", ids))
}

async fn write_departments(
    db: &impl ConnectionTrait,
    report: &mut Report,
    data: &Dataset,
    existing: Vec<department::Model>,
) -> Result<Ids, DbErr> {
    let models = data
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
    let ids = upsert(db, report, "department", existing, models).await?;
    Ok(Ids::new("department", ids))
}

async fn write_aliases(
    db: &impl ConnectionTrait,
    report: &mut Report,
    data: &Dataset,
    department_ids: &Ids,
    existing: Vec<department_alias::Model>,
) -> Result<(), DbErr> {
    let mut models = Vec::new();
    for d in &data.departments {
        let department_id = department_ids.of(&d.name)?;
        for (alias, src) in &d.aliases {
            let (line_start, line_end, source_text) = provenance(src);
            models.push(department_alias::Model {
                id: 0,
                alias: alias.clone(),
                department_id,
                line_start,
                line_end,
                source_text,
            });
        }
    }
    upsert(db, report, "department_alias", existing, models).await?;
    Ok(())
}

async fn write_links(
    db: &impl ConnectionTrait,
    report: &mut Report,
    data: &Dataset,
    goal_ids: &Ids,
    department_ids: &Ids,
    existing: Vec<Linked<goal_department::Model>>,
) -> Result<(), DbErr> {
    let mut models = Vec::new();
    for g in data.plans.iter().flat_map(|p| p.goals.iter()) {
        let goal_id = goal_ids.of(&g.key)?;
        for d in &g.departments {
            models.push(Linked {
                key: link_key(&g.key, &d.department, d.role.as_str()),
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
        report,
        "goal_department",
        existing,
        models,
        |m, old| m.id = old.id,
        |m| m.id,
    )
    .await?;
    Ok(())
}

async fn write_groups(
    db: &impl ConnectionTrait,
    report: &mut Report,
    data: &Dataset,
    goal_ids: &Ids,
    existing: Vec<Linked<goal_group::Model>>,
) -> Result<(), DbErr> {
    let mut models = Vec::new();
    for g in data.plans.iter().flat_map(|p| p.goals.iter()) {
        let goal_id = goal_ids.of(&g.key)?;
        for x in &g.groups {
            models.push(Linked {
                key: group_key(&g.key, x.ordinal),
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
        report,
        "goal_group",
        existing,
        models,
        |m, old| m.id = old.id,
        |m| m.id,
    )
    .await?;
    Ok(())
}
