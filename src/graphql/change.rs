//! The public changes as GraphQL types: `Query.changes` (the list after a place, a
//! publication or an instant) and what the subscriptions send (`graphql::subscription`).

use async_graphql::{Context, Enum, Object, ID};
use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;

use super::breakdown::BreakdownPart;
use super::enums::ValueOrigin;
use super::indicator::Indicator;
use super::pagination::connection;
use super::{load_one, store};
use crate::error::{ApiResult, AppError};
use crate::repo::batch::IndicatorById;
use crate::repo::changes::{self, Change, Place, Window};
use crate::repo::page::{Page, SortKey, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};
use crate::repo::publications;

/// When a change's publication was committed.
fn instant(at_us: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(at_us).unwrap_or_default()
}

/// What a public change did.
#[derive(Enum, Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    /// A value became public: a department's report was approved.
    ValuePublished,
    /// A public value was replaced by a newer approved one for its indicator and year.
    ValueSuperseded,
    /// The source document was imported (targets and figures may have changed).
    DocumentImported,
}

impl From<changes::ChangeKind> for ChangeKind {
    fn from(kind: changes::ChangeKind) -> Self {
        match kind {
            changes::ChangeKind::ValuePublished => ChangeKind::ValuePublished,
            changes::ChangeKind::ValueSuperseded => ChangeKind::ValueSuperseded,
            changes::ChangeKind::DocumentImported => ChangeKind::DocumentImported,
        }
    }
}

/// A value that became public, or stopped being the public value of its year, as it stood
/// then.
pub struct ValueChange {
    seq: i64,
    at_us: i64,
    value: changes::ChangedValue,
}

impl ValueChange {
    /// The value of a VALUE_PUBLISHED or VALUE_SUPERSEDED change.
    pub fn of(change: &Change) -> Option<ValueChange> {
        change.value.clone().map(|value| ValueChange {
            seq: change.seq,
            at_us: change.at_us,
            value,
        })
    }
}

/// A value that became public, or stopped being the public value of its year, as it stood
/// then.
#[Object]
impl ValueChange {
    /// The indicator whose series changed.
    async fn indicator(&self, ctx: &Context<'_>) -> ApiResult<Indicator> {
        Ok(Indicator(
            load_one(ctx, IndicatorById(self.value.indicator_id)).await?,
        ))
    }

    /// The year.
    async fn year(&self) -> i32 {
        self.value.year
    }

    /// The value, in the indicator's unit.
    async fn value(&self) -> f64 {
        self.value.value
    }

    /// Its version among the values reported for the indicator and year (and cell).
    async fn version(&self) -> i32 {
        self.value.version
    }

    /// The codes of its cell of a declared breakdown; empty for the total (only
    /// `changes(includeCells: true)` lists cells).
    async fn breakdown(&self, ctx: &Context<'_>) -> ApiResult<Vec<BreakdownPart>> {
        let (indicator, key) = (self.value.indicator_id, &self.value.breakdown);
        super::breakdown::parts_of_value(ctx, indicator, key).await
    }

    /// A document figure or a department's report.
    async fn origin(&self) -> ValueOrigin {
        match self.value.origin {
            entity::vocab::ValueOrigin::Document => ValueOrigin::Document,
            entity::vocab::ValueOrigin::Submission => ValueOrigin::Report,
        }
    }

    /// The publication that made the change (`Query.changes(afterSeq:)` continues from it).
    async fn seq(&self) -> i64 {
        self.seq
    }

    /// When that publication was committed.
    async fn published_at(&self) -> DateTime<Utc> {
        instant(self.at_us)
    }
}

/// The source document, as an import left it.
pub struct DocumentImport {
    seq: i64,
    document: changes::ImportedDocument,
}

impl DocumentImport {
    /// The document of a DOCUMENT_IMPORTED change.
    pub fn of(change: &Change) -> Option<DocumentImport> {
        change.document.clone().map(|document| DocumentImport {
            seq: change.seq,
            document,
        })
    }
}

/// The source document, as an import left it.
#[Object]
impl DocumentImport {
    /// Document number as published (乐政字〔2022〕16号).
    async fn number(&self) -> &str {
        &self.document.number
    }

    /// Hex SHA-256 of the imported file.
    async fn sha256(&self) -> &str {
        &self.document.sha256
    }

    /// When it was imported.
    async fn imported_at(&self) -> DateTime<Utc> {
        self.document.imported_at
    }

    /// The publication that made the change.
    async fn seq(&self) -> i64 {
        self.seq
    }
}

/// One public change: what one publication made public or took back.
pub struct PublicChange(pub Change);

/// One public change: what one publication made public or took back. A publication that
/// changed nothing public (a submission, a rejection) has none.
#[Object]
impl PublicChange {
    /// The publication that made it: one number of one sequence for every change of the
    /// store, in commit order (an `asOf` answer names the same numbers).
    async fn seq(&self) -> i64 {
        self.0.seq
    }

    /// When that publication was committed.
    async fn published_at(&self) -> DateTime<Utc> {
        instant(self.0.at_us)
    }

    /// What it did.
    async fn kind(&self) -> ChangeKind {
        self.0.kind.into()
    }

    /// The value, for VALUE_PUBLISHED and VALUE_SUPERSEDED.
    async fn value(&self) -> Option<ValueChange> {
        ValueChange::of(&self.0)
    }

    /// The document, for DOCUMENT_IMPORTED.
    async fn document(&self) -> Option<DocumentImport> {
        DocumentImport::of(&self.0)
    }
}

connection!(
    PublicChangeConnection,
    PublicChangeEdge,
    PublicChange,
    "public changes"
);

/// An `asOf` answer's bound: the changes read are the live store's, up to its publication
/// (the copy it reads holds no history).
#[derive(Clone)]
pub struct ChangesAsOf {
    pub live: DatabaseConnection,
    pub seq: i64,
}

/// Where a reading starts: after a cursor, after a publication, or after an instant.
async fn start(
    db: &DatabaseConnection,
    after: Option<String>,
    after_seq: Option<i64>,
    updated_after: Option<DateTime<Utc>>,
) -> Result<Place, AppError> {
    match (after, after_seq, updated_after) {
        (None, None, None) => Ok(Place::default()),
        (Some(cursor), None, None) => match SortKey::from_cursor(&cursor) {
            Some(SortKey::Ints(seq, order)) => Ok(Place {
                seq: i64::from(seq),
                order,
            }),
            _ => Err(AppError::BadUserInput(
                "`after` is not a cursor of this list".into(),
            )),
        },
        (None, Some(seq), None) => Ok(Place::before_publication(seq.saturating_add(1))),
        (None, None, Some(at)) => {
            let last = publications::at(db, at.timestamp_micros()).await?;
            Ok(Place::before_publication(last.map_or(0, |p| p.seq) + 1))
        }
        _ => Err(AppError::BadUserInput(
            "give one of `after`, `afterSeq` and `updatedAfter`".into(),
        )),
    }
}

/// The list of public changes.
#[derive(Default)]
pub struct ChangeQuery;

#[Object]
impl ChangeQuery {
    /// What each publication made public or took back, oldest first: values published,
    /// public values superseded, document imports — each once, with the value as it stood
    /// then. Poll with `afterSeq` (the last `seq` you have) or `updatedAfter` (an instant),
    /// or page on with `after`. Under `asOf`, the changes up to that instant's publication.
    async fn changes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size, 1–100 (default 20).")] first: Option<i32>,
        #[graphql(desc = "Cursor to continue after.")] after: Option<String>,
        #[graphql(desc = "Only changes of later publications than this one.")] after_seq: Option<
            i64,
        >,
        #[graphql(desc = "Only changes published after this instant.")] updated_after: Option<
            DateTime<Utc>,
        >,
        #[graphql(
            desc = "Also values of breakdown cells (`ValueChange.breakdown`), not only totals.",
            default = false
        )]
        include_cells: bool,
    ) -> ApiResult<PublicChangeConnection> {
        let size = first.unwrap_or(DEFAULT_PAGE_SIZE);
        if !(1..=MAX_PAGE_SIZE).contains(&size) {
            return Err(AppError::BadUserInput(format!(
                "`first` must be between 1 and {MAX_PAGE_SIZE}, got {size}"
            ))
            .into());
        }
        let (db, up_to) = match ctx.data_opt::<ChangesAsOf>() {
            Some(bound) => (&bound.live, Some(bound.seq)),
            None => (store(ctx)?, None),
        };
        let has_previous = after.is_some() || after_seq.is_some() || updated_after.is_some();
        let place = start(db, after, after_seq, updated_after).await?;
        let limit = u64::try_from(size).unwrap_or(20);
        let mut window = Window {
            after: place,
            up_to,
            limit: limit + 1,
            newest_first: false,
            cells: include_cells,
        };
        let mut found = changes::after(db, window).await?;
        let has_next_page = found.len() as u64 > limit;
        found.truncate(usize::try_from(limit).unwrap_or(20));
        let total_count = if ctx.look_ahead().field("totalCount").exists() {
            window.limit = u64::MAX;
            changes::count(db, window).await?
        } else {
            0
        };
        let edges = found
            .into_iter()
            .map(|c| {
                let key = SortKey::Ints(i32::try_from(c.seq).unwrap_or(i32::MAX), c.order);
                (key, PublicChange(c))
            })
            .collect();
        Ok(PublicChangeConnection::from(Page {
            edges,
            has_previous_page: has_previous,
            has_next_page,
            total_count,
        }))
    }
}

/// An indicator filter given as a global ID.
pub fn indicator_filter(id: Option<ID>) -> Result<Option<i32>, AppError> {
    id.map(|id| crate::ids::decode_as(&id, crate::ids::Kind::Indicator))
        .transpose()
}
