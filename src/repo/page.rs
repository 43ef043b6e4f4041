//! Keyset pagination: a cursor holds the sort key of its row, the next page starts strictly
//! after it, and every page is one `LIMIT n + 1` statement, plus a count when `totalCount` is
//! asked for. The GraphQL layer turns a [`Page`] into a typed Relay connection.

use base64::Engine;
use sea_orm::sea_query::{Expr, ExprTrait, SimpleExpr};
use sea_orm::{
    Condition, ConnectionTrait, EntityTrait, Order, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait, Select, Value,
};
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::repo::rows::{self, Positional};

/// Largest page a client may ask for (GitHub's public API uses the same bound).
pub const MAX_PAGE_SIZE: i32 = 100;
/// Page size when the client gives neither `first` nor `last`.
pub const DEFAULT_PAGE_SIZE: i32 = 20;

/// The sort key of a row, as a cursor carries it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum SortKey {
    Ints(i32, i32),
    Text(String, i32),
}

impl SortKey {
    /// The opaque cursor a client passes back as `after` or `before`: the key as JSON in
    /// URL-safe base64 without padding (the form of async-graphql's `OpaqueCursor`, so the
    /// cursors clients hold stay good).
    pub fn cursor(&self) -> String {
        let json = serde_json::to_vec(self).unwrap_or_default();
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json)
    }

    /// The key a cursor of [`SortKey::cursor`] holds; None for anything else.
    pub fn from_cursor(cursor: &str) -> Option<SortKey> {
        let json = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(cursor)
            .ok()?;
        serde_json::from_slice(&json).ok()
    }

    fn values(&self) -> (Value, Value) {
        match self {
            SortKey::Ints(a, b) => (Value::from(*a), Value::from(*b)),
            SortKey::Text(a, b) => (Value::from(a.clone()), Value::from(*b)),
        }
    }
}

/// One page of nodes with their sort keys, before it becomes a typed connection (which
/// encodes a key as a cursor when one is asked for).
pub struct Page<N> {
    pub edges: Vec<(SortKey, N)>,
    pub has_previous_page: bool,
    pub has_next_page: bool,
    pub total_count: u64,
}

impl<N> Page<N> {
    /// The same page with every node mapped (a row to its GraphQL type).
    pub fn map<M>(self, f: impl Fn(N) -> M) -> Page<M> {
        Page {
            edges: self.edges.into_iter().map(|(k, n)| (k, f(n))).collect(),
            has_previous_page: self.has_previous_page,
            has_next_page: self.has_next_page,
            total_count: self.total_count,
        }
    }
}

/// `first` / `after` / `last` / `before`, checked.
#[derive(Debug, Clone, Default)]
pub struct PageArgs {
    pub first: Option<i32>,
    pub after: Option<String>,
    pub last: Option<i32>,
    pub before: Option<String>,
    /// Leave `total_count` at 0 rather than count every match (nobody asked for it).
    pub skip_count: bool,
}

struct Window {
    size: u64,
    backward: bool,
    after: Option<SortKey>,
    before: Option<SortKey>,
}

/// What a nested connection wants of each parent's children, in position order: the cursors
/// decoded, the size and the direction. The same for every parent at one level of a query,
/// so a loader fetches the slices of all of them in one statement.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Slice {
    pub after: Option<(i32, i32)>,
    pub before: Option<(i32, i32)>,
    pub size: u64,
    pub backward: bool,
}

impl PageArgs {
    /// The slice these arguments ask of a nested connection (positions, not names).
    pub fn slice(&self) -> Result<Slice, AppError> {
        let window = self.window()?;
        let position = |key: Option<SortKey>| match key {
            None => Ok(None),
            Some(SortKey::Ints(a, b)) => Ok(Some((a, b))),
            Some(SortKey::Text(..)) => Err(AppError::BadUserInput(
                "the cursor is of another order or list; start again without it".into(),
            )),
        };
        Ok(Slice {
            after: position(window.after)?,
            before: position(window.before)?,
            size: window.size,
            backward: window.backward,
        })
    }

    fn window(&self) -> Result<Window, AppError> {
        for (name, value) in [("first", self.first), ("last", self.last)] {
            if let Some(n) = value {
                if !(1..=MAX_PAGE_SIZE).contains(&n) {
                    return Err(AppError::BadUserInput(format!(
                        "`{name}` must be between 1 and {MAX_PAGE_SIZE}, got {n}"
                    )));
                }
            }
        }
        if self.first.is_some() && self.last.is_some() {
            return Err(AppError::BadUserInput(
                "give `first` or `last`, not both".into(),
            ));
        }
        let cursor = |name: &str, text: &Option<String>| -> Result<Option<SortKey>, AppError> {
            let refused =
                || AppError::BadUserInput(format!("`{name}` is not a cursor this API issued"));
            let key = text
                .as_deref()
                .map(|c| SortKey::from_cursor(c).ok_or_else(refused))
                .transpose()?;
            // Only a forged cursor holds a NUL, which PostgreSQL cannot compare.
            if matches!(&key, Some(SortKey::Text(t, _)) if t.contains('\0')) {
                return Err(refused());
            }
            Ok(key)
        };
        let backward = self.last.is_some();
        let size = self.first.or(self.last).unwrap_or(DEFAULT_PAGE_SIZE);
        Ok(Window {
            size: u64::try_from(size).unwrap_or(20),
            backward,
            after: cursor("after", &self.after)?,
            before: cursor("before", &self.before)?,
        })
    }
}

/// Two columns that order rows totally (the second breaks ties), and which way.
pub struct Keyset {
    pub first: SimpleExpr,
    pub second: SimpleExpr,
    pub descending: bool,
    /// The first column is text ([`SortKey::Text`]), not a number.
    pub text: bool,
}

impl Keyset {
    /// Rows strictly after (`later`) or before the key in this order, as one row-value
    /// comparison: `(a, b) > (x, y)` lets SQLite and PostgreSQL seek the index to the key on
    /// both columns, where `a > x OR (a = x AND b > y)` seeks on the first alone and walks
    /// every row that shares it (many targets share a line in a grown store).
    pub(crate) fn beyond(&self, key: &SortKey, later: bool) -> Condition {
        let (a, b) = key.values();
        let columns = Expr::tuple([self.first.clone(), self.second.clone()]);
        let values = Expr::tuple([Expr::val(a), Expr::val(b)]);
        Condition::all().add(if later != self.descending {
            columns.gt(values)
        } else {
            columns.lt(values)
        })
    }

    pub(crate) fn order(&self, reverse: bool) -> Order {
        if self.descending != reverse {
            Order::Desc
        } else {
            Order::Asc
        }
    }
}

/// Runs one page of `select` (already filtered) and its count.
pub async fn page<E, N>(
    db: &impl ConnectionTrait,
    select: Select<E>,
    keyset: &Keyset,
    args: &PageArgs,
    key_of: impl Fn(&E::Model) -> SortKey,
    node: impl Fn(E::Model) -> N,
) -> Result<Page<N>, AppError>
where
    E: EntityTrait,
    E::Model: Positional + Sized + Send + Sync,
{
    let window = args.window()?;
    for (name, key) in [("after", &window.after), ("before", &window.before)] {
        if key
            .as_ref()
            .is_some_and(|k| matches!(k, SortKey::Text(..)) != keyset.text)
        {
            // A cursor of another order (a name where a position is expected, or back): the
            // store would be asked to compare text with numbers.
            return Err(AppError::BadUserInput(format!(
                "`{name}` is a cursor of another order or list; start again without it"
            )));
        }
    }
    let total = if args.skip_count {
        0
    } else {
        select.clone().count(db).await?
    };
    let mut query = select;
    if let Some(after) = &window.after {
        query = query.filter(keyset.beyond(after, true));
    }
    if let Some(before) = &window.before {
        query = query.filter(keyset.beyond(before, false));
    }
    // The keyset is the whole order: one the selection brought would come first and turn
    // `last: n` into the first n, reversed.
    QueryTrait::query(&mut query).clear_order_by();
    let order = keyset.order(window.backward);
    let mut rows = rows::all(
        db,
        query
            .order_by(keyset.first.clone(), order.clone())
            .order_by(keyset.second.clone(), order)
            .limit(window.size + 1),
    )
    .await?;
    let more = rows.len() as u64 > window.size;
    rows.truncate(usize::try_from(window.size).unwrap_or(usize::MAX));
    if window.backward {
        rows.reverse();
    }
    let (has_previous, has_next) = if window.backward {
        (more, window.before.is_some())
    } else {
        (window.after.is_some(), more)
    };
    Ok(Page {
        edges: rows
            .into_iter()
            .map(|row| (key_of(&row), node(row)))
            .collect(),
        has_previous_page: has_previous,
        has_next_page: has_next,
        total_count: total,
    })
}

/// The page of `rows` (in order, beyond any cursor already): the first `size`, or the last
/// when paging backwards, and whether there are pages before and after it.
fn cut<T>(
    mut rows: Vec<T>,
    size: u64,
    backward: bool,
    after: bool,
    before: bool,
) -> (Vec<T>, bool, bool) {
    let size = usize::try_from(size).unwrap_or(usize::MAX);
    let more = rows.len() > size;
    if backward {
        rows = rows.split_off(rows.len().saturating_sub(size));
        (rows, more, before)
    } else {
        rows.truncate(size);
        (rows, after, more)
    }
}

/// A connection over rows already in memory, in order (a department's targets and
/// indicators, through [`nested`]).
pub fn page_in_memory<N>(
    items: Vec<(SortKey, N)>,
    args: &PageArgs,
    rank: impl Fn(&SortKey) -> (i32, i32),
) -> Result<Page<N>, AppError> {
    let window = args.window()?;
    let total = items.len() as u64;
    let rows: Vec<(SortKey, N)> = items
        .into_iter()
        .filter(|(k, _)| window.after.as_ref().is_none_or(|a| rank(k) > rank(a)))
        .filter(|(k, _)| window.before.as_ref().is_none_or(|b| rank(k) < rank(b)))
        .collect();
    let (rows, has_previous, has_next) = cut(
        rows,
        window.size,
        window.backward,
        window.after.is_some(),
        window.before.is_some(),
    );
    Ok(Page {
        edges: rows,
        has_previous_page: has_previous,
        has_next_page: has_next,
        total_count: total,
    })
}

/// A nested connection over rows a loader fetched for many parents at once (one statement per
/// level, not per parent), paged in memory by a position key.
pub fn nested<M, N>(
    rows: Vec<M>,
    args: &PageArgs,
    key: impl Fn(&M) -> (i32, i32),
    node: impl Fn(M) -> N,
) -> Result<Page<N>, AppError> {
    let window = args.window()?;
    if [&window.after, &window.before]
        .into_iter()
        .flatten()
        .any(|k| matches!(k, SortKey::Text(..)))
    {
        return Err(AppError::BadUserInput(
            "the cursor is of another order or list; start again without it".into(),
        ));
    }
    let items = rows
        .into_iter()
        .map(|m| {
            let (a, b) = key(&m);
            (SortKey::Ints(a, b), node(m))
        })
        .collect();
    page_in_memory(items, args, |k| match k {
        SortKey::Ints(a, b) => (*a, *b),
        SortKey::Text(_, b) => (i32::MAX, *b),
    })
}

/// A nested connection's page from the rows a loader fetched for its [`Slice`]: in position
/// order, at most one more than the page (that one says the list goes on that way).
pub fn sliced<M, N>(
    rows: Vec<M>,
    slice: &Slice,
    total_count: u64,
    key: impl Fn(&M) -> (i32, i32),
    node: impl Fn(M) -> N,
) -> Page<N> {
    let (rows, has_previous, has_next) = cut(
        rows,
        slice.size,
        slice.backward,
        slice.after.is_some(),
        slice.before.is_some(),
    );
    let edges = rows
        .into_iter()
        .map(|m| {
            let (a, b) = key(&m);
            (SortKey::Ints(a, b), node(m))
        })
        .collect();
    Page {
        edges,
        has_previous_page: has_previous,
        has_next_page: has_next,
        total_count,
    }
}

/// Which rows a page takes from lists read one after another (search: plans, then
/// departments, …) whose lengths are known: (list, offset, limit) each, in order, with one row
/// more on the side where the list may go on, as [`sliced`] expects. A cursor is (list, index
/// in that list), as [`page_in_memory`] pages such lists.
pub fn ranges(lengths: &[u64], slice: &Slice) -> Vec<(usize, u64, u64)> {
    let starts: Vec<u64> = lengths
        .iter()
        .scan(0, |next, n| {
            let start = *next;
            *next += n;
            Some(start)
        })
        .collect();
    let total: u64 = lengths.iter().sum();
    // How many rows come before the cursor's row, with it or without it.
    let before = |(list, index): (i32, i32), with_it: bool| -> u64 {
        let Ok(list) = usize::try_from(list) else {
            return 0;
        };
        match lengths.get(list) {
            None => total,
            Some(&length) => {
                let index = i64::from(index) + i64::from(with_it);
                starts[list] + Ord::min(u64::try_from(Ord::max(index, 0)).unwrap_or(0), length)
            }
        }
    };
    let from = slice.after.map_or(0, |a| before(a, true));
    let to = Ord::max(slice.before.map_or(total, |b| before(b, false)), from);
    let (from, to) = if slice.backward {
        (Ord::max(to.saturating_sub(slice.size + 1), from), to)
    } else {
        (from, Ord::min(to, from + slice.size + 1))
    };
    lengths
        .iter()
        .enumerate()
        .filter_map(|(list, &length)| {
            let start = Ord::max(from, starts[list]);
            let end = Ord::min(to, starts[list] + length);
            (start < end).then(|| (list, start - starts[list], end - start))
        })
        .collect()
}

/// `LIKE` pattern for a substring, with the wildcards of the user's text escaped. Substring
/// matching suits Chinese, which has no spaces to split words on.
pub fn contains(column: impl sea_orm::sea_query::IntoColumnRef, text: &str) -> SimpleExpr {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    Expr::col(column).like(sea_orm::sea_query::LikeExpr::new(format!("%{escaped}%")).escape('\\'))
}

#[cfg(test)]
mod tests;
