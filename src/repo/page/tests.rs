//! Tests of `page`.

use super::*;

/// Paging lists one after another by [`ranges`] gives the pages [`page_in_memory`] gives
/// over all their rows, for every size, direction and cursor (out-of-range ones included).
#[test]
fn ranges_page_concatenated_lists_as_paging_them_in_memory_does() {
    let lengths = [2u64, 0, 5, 3];
    let rows: Vec<(i32, i32)> = lengths
        .iter()
        .enumerate()
        .flat_map(|(k, &n)| (0..n).map(move |i| (k as i32, i as i32)))
        .collect();
    let cursor = |(a, b): (i32, i32)| SortKey::Ints(a, b).cursor();
    let mut cursors: Vec<Option<(i32, i32)>> = vec![None];
    for k in -1..=4 {
        for i in -1..=6 {
            cursors.push(Some((k, i)));
        }
    }
    let mut checked = 0;
    for size in 1..=4 {
        for backward in [false, true] {
            for after in &cursors {
                for before in &cursors {
                    let args = PageArgs {
                        first: (!backward).then_some(size),
                        last: backward.then_some(size),
                        after: after.map(cursor),
                        before: before.map(cursor),
                        skip_count: false,
                    };
                    let items = rows.iter().map(|&r| (SortKey::Ints(r.0, r.1), r)).collect();
                    let expected = page_in_memory(items, &args, |k| match k {
                        SortKey::Ints(a, b) => (*a, *b),
                        SortKey::Text(_, b) => (i32::MAX, *b),
                    })
                    .unwrap_or_else(|e| panic!("{e:?}"));
                    let slice = args.slice().unwrap_or_else(|e| panic!("{e:?}"));
                    let fetched: Vec<(i32, i32)> = ranges(&lengths, &slice)
                        .into_iter()
                        .flat_map(|(k, offset, limit)| {
                            (offset..offset + limit).map(move |i| (k as i32, i as i32))
                        })
                        .collect();
                    let actual = sliced(fetched, &slice, 10, |r| *r, |r| r);
                    let nodes = |p: &Page<(i32, i32)>| -> Vec<(i32, i32)> {
                        p.edges.iter().map(|(_, n)| *n).collect()
                    };
                    assert_eq!(
                        (
                            nodes(&actual),
                            actual.has_previous_page,
                            actual.has_next_page
                        ),
                        (
                            nodes(&expected),
                            expected.has_previous_page,
                            expected.has_next_page
                        ),
                        "size {size}, backward {backward}, after {after:?}, before {before:?}"
                    );
                    checked += 1;
                }
            }
        }
    }
    assert_eq!(checked, 4 * 2 * 49 * 49);
}

/// A cursor's condition is one row-value comparison, which both stores seek an index on
/// (position columns) by both columns; either direction and either order.
#[test]
fn beyond_a_cursor_is_one_row_value_comparison() {
    use sea_orm::sea_query::{Alias, Query, SqliteQueryBuilder};
    let keyset = |descending| Keyset {
        first: Expr::col(Alias::new("line_start")),
        second: Expr::col(Alias::new("ordinal")),
        descending,
        text: false,
    };
    let sql = |descending, later| {
        Query::select()
            .column(Alias::new("id"))
            .from(Alias::new("target"))
            .cond_where(keyset(descending).beyond(&SortKey::Ints(877, 93), later))
            .to_string(SqliteQueryBuilder)
    };
    let expect = |op: &str| {
        format!(r#"SELECT "id" FROM "target" WHERE ("line_start", "ordinal") {op} (877, 93)"#)
    };
    assert_eq!(sql(false, true), expect(">"));
    assert_eq!(sql(false, false), expect("<"));
    assert_eq!(sql(true, true), expect("<"));
    assert_eq!(sql(true, false), expect(">"));
}

/// Cursors keep the form clients already hold (async-graphql's `OpaqueCursor`: the key as
/// JSON in URL-safe base64 without padding), and only such a cursor is read back.
#[test]
fn cursors_keep_their_form_and_read_back() {
    let ints = SortKey::Ints(3, 7);
    assert_eq!(ints.cursor(), "eyJJbnRzIjpbMyw3XX0");
    let text = SortKey::Text("婴儿死亡率".into(), 12);
    assert_eq!(text.cursor(), "eyJUZXh0IjpbIuWptOWEv-atu-S6oeeOhyIsMTJdfQ");
    assert_eq!(SortKey::from_cursor(&text.cursor()), Some(text));
    assert_eq!(SortKey::from_cursor("eyJJbnRzIjpbMyw3XX0="), None);
    assert_eq!(SortKey::from_cursor("not a cursor"), None);
}
