//! Breakdown declarations in the store: the bundled ones a store starts with ([`seed`]), and
//! an admin's changes — a new version of a dimension's code list, a measure's declaration —
//! under the rules of `crate::breakdowns::change`.

use std::collections::HashMap;

use chrono::Utc;
use entity::{breakdown_declaration, codelist, indicator};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, IntoActiveModel,
    QueryFilter, QuerySelect, Set,
};

use crate::breakdowns::{bundled, change, Aggregation, Code, Codelist, Declared, Dimension};
use crate::error::AppError;
use crate::repo::declarations;
use crate::service::Done;

/// Gives the store what the bundled declarations have and it lacks: a dimension's code list
/// where it has none, a measure's declaration where its indicator has none. Never changes a
/// stored one (an admin's change stays). Returns how many rows it wrote.
pub async fn seed(db: &impl ConnectionTrait) -> Result<usize, DbErr> {
    let bundle = bundled::bundle();
    let mut written = 0;
    let have: Vec<String> = codelist::Entity::find()
        .select_only()
        .column(codelist::Column::Dimension)
        .into_tuple()
        .all(db)
        .await?;
    let mut lists: Vec<(&Dimension, &Codelist)> = bundle.codelists.iter().collect();
    lists.sort_by_key(|(d, _)| **d);
    for (dimension, list) in lists {
        if !have.iter().any(|h| h == dimension.as_str()) {
            insert_codelist(db, *dimension, list).await?;
            written += 1;
        }
    }
    let named: Vec<indicator::Model> = indicator::Entity::find()
        .filter(indicator::Column::Name.is_in(bundle.measures.keys().cloned()))
        .all(db)
        .await?;
    let ids: Vec<i32> = named.iter().map(|i| i.id).collect();
    let declared = declarations::of_many(db, Some(&ids)).await?;
    for indicator in named.iter().filter(|i| !declared.contains_key(&i.id)) {
        if let Some(d) = bundle.measures.get(&indicator.name) {
            write_declaration(db, indicator.id, None, d).await?;
            written += 1;
        }
    }
    Ok(written)
}

async fn insert_codelist(
    db: &impl ConnectionTrait,
    dimension: Dimension,
    list: &Codelist,
) -> Result<(), DbErr> {
    codelist::ActiveModel {
        dimension: Set(dimension.as_str().to_string()),
        version: Set(list.version),
        codes: Set(list.stored_codes()),
        defined_at: Set(Utc::now()),
        ..Default::default()
    }
    .insert(db)
    .await
    .map(|_| ())
}

/// Stores a declaration: over the indicator's row when it has one, else as a new row.
async fn write_declaration(
    db: &impl ConnectionTrait,
    indicator_id: i32,
    row: Option<breakdown_declaration::Model>,
    declared: &Declared,
) -> Result<(), DbErr> {
    let mut am = match row {
        Some(row) => row.into_active_model(),
        None => breakdown_declaration::ActiveModel {
            indicator_id: Set(indicator_id),
            ..Default::default()
        },
    };
    am.version = Set(declared.version);
    am.aggregation = Set(declared.aggregation.as_str().to_string());
    am.dimensions = Set(declared.stored_dimensions());
    am.declared_at = Set(Utc::now());
    am.save(db).await.map(|_| ())
}

fn invalid(field: &str, message: String) -> AppError {
    AppError::Invalid {
        message: format!("{field}: {message}"),
        details: serde_json::json!([{ "field": field, "message": message }]),
    }
}

/// What the audit log keeps of a code list.
fn list_snapshot(dimension: Dimension, list: &Codelist) -> serde_json::Value {
    serde_json::json!({ "dimension": dimension.as_str(), "version": list.version, "codes": list.stored_codes() })
}

/// A new version of a dimension's code list (`defineCodelist`); the list in force when `codes`
/// are that list already.
pub async fn define_codelist(
    db: &impl ConnectionTrait,
    dimension: Dimension,
    codes: Vec<Code>,
) -> Result<Done<Codelist>, AppError> {
    let current = declarations::codelist(db, dimension, None).await?;
    match change::next_codelist(dimension, current.as_ref(), codes) {
        Err(message) => Err(invalid("codes", message)),
        Ok(None) => {
            let current = current.ok_or_else(|| AppError::internal("an unchanged list is kept"))?;
            Ok(Done::new(current))
        }
        Ok(Some(next)) => {
            insert_codelist(db, dimension, &next).await?;
            let before = current.map(|c| list_snapshot(dimension, &c));
            let after = list_snapshot(dimension, &next);
            let done = Done::new(next).after(after);
            Ok(match before {
                Some(before) => done.before(before),
                None => done,
            })
        }
    }
}

/// What `declareBreakdowns` asks: the aggregation and each dimension with the codes it is
/// reported by (None: every code of the list in force).
pub struct Declaration {
    pub indicator_id: i32,
    pub aggregation: Aggregation,
    pub dimensions: Vec<(Dimension, Option<Vec<String>>)>,
}

/// What the audit log keeps of a declaration.
fn snapshot(d: &Declared) -> serde_json::Value {
    serde_json::json!({
        "version": d.version,
        "aggregation": d.aggregation.as_str(),
        "dimensions": d.stored_dimensions(),
    })
}

/// Declares what an indicator is reported by, from the code lists in force. Refused when it
/// would drop a code that stored values use (any status): those values keep their meaning.
pub async fn declare(
    db: &impl ConnectionTrait,
    input: Declaration,
) -> Result<Done<indicator::Model>, AppError> {
    let indicator = indicator::Entity::find_by_id(input.indicator_id)
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound("no such indicator".into()))?;
    let row = declarations::row(db, indicator.id).await?;
    let old = row.as_ref().map(declarations::declared).transpose()?;
    let lists: HashMap<Dimension, Codelist> =
        declarations::codelists(db).await?.into_iter().collect();
    let version = old.as_ref().map_or(1, |o| o.version + 1);
    let new = crate::breakdowns::declare(input.aggregation, &input.dimensions, &lists, version)
        .map_err(|m| invalid("dimensions", m))?;
    if let Some(old) = &old {
        if (Declared {
            version: old.version,
            ..new.clone()
        }) == *old
        {
            return Ok(Done::new(indicator));
        }
        refuse_dropping_used(db, &indicator, old, &new).await?;
    }
    write_declaration(db, indicator.id, row, &new).await?;
    let done = Done::new(indicator).after(snapshot(&new));
    Ok(match old {
        Some(old) => done.before(snapshot(&old)),
        None => done,
    })
}

/// A conflict naming the codes `new` drops that stored values use, and how many values.
async fn refuse_dropping_used(
    db: &impl ConnectionTrait,
    indicator: &indicator::Model,
    old: &Declared,
    new: &Declared,
) -> Result<(), AppError> {
    let going = change::dropped(old, new);
    if going.is_empty() {
        return Ok(());
    }
    let used: Vec<(String, i64)> = declarations::stored_cells(db, indicator.id)
        .await?
        .into_iter()
        .filter(|(key, _)| change::uses(key, &going))
        .collect();
    if used.is_empty() {
        return Ok(());
    }
    let values: i64 = used.iter().map(|(_, n)| n).sum();
    let cells: Vec<&str> = used.iter().map(|(k, _)| k.as_str()).collect();
    Err(AppError::Conflict(format!(
        "{}: stored values use {} ({values} in all), which this declaration would drop; a code \
         with values stays declared",
        indicator.name,
        cells.join(", ")
    )))
}
