//! sea-query's statement text with its values inlined, written faster for PostgreSQL: its own
//! inlining escapes text a character at a time, on the way to a first answer. The text is the
//! same (a test compares them).

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
