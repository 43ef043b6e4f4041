//! `Subscription`: the change feed (`crate::events`) over GraphQL, for clients that keep a
//! WebSocket open (`graphql-transport-ws` on `/graphql`).
//!
//! Every subscription is one stream of the public changes from a place on: the changes after
//! `afterSeq` read from the store first (a client that reconnects misses nothing), then the
//! feed's. A subscriber that falls behind the feed reads what it missed from the store, so
//! nothing is skipped and nothing is told twice.

use std::collections::VecDeque;
use std::sync::Arc;

use async_graphql::{Context, Subscription, ID};
use futures_util::Stream;
use sea_orm::DatabaseConnection;
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::broadcast::Receiver;

use super::change::{indicator_filter, DocumentImport, PublicChange, ValueChange};
use super::store;
use crate::error::{ApiResult, AppError};
use crate::events::Events;
use crate::repo::changes::{self, Change, ChangeKind, Place, Window};

/// Changes read from the store per statement while catching up.
const CATCH_UP: u64 = 100;

struct Follow {
    db: DatabaseConnection,
    rx: Receiver<Arc<Change>>,
    place: Place,
    pending: VecDeque<Change>,
    /// Reading from the store: a start before the feed's, or the feed overran.
    catching_up: bool,
}

impl Follow {
    async fn next(mut self) -> Option<(Change, Follow)> {
        loop {
            if let Some(change) = self.pending.pop_front() {
                self.place = change.place();
                return Some((change, self));
            }
            if self.catching_up {
                let window = Window {
                    after: self.place,
                    up_to: None,
                    limit: CATCH_UP,
                    newest_first: false,
                    cells: true,
                };
                // A store that cannot be read ends the subscription (the client reconnects
                // with the last `seq` it has).
                let found = changes::after(&self.db, window).await.ok()?;
                self.catching_up = found.len() as u64 == CATCH_UP;
                self.pending.extend(found);
                continue;
            }
            match self.rx.recv().await {
                Ok(change) if change.place() > self.place => {
                    self.place = change.place();
                    return Some(((*change).clone(), self));
                }
                Ok(_) => continue,
                Err(RecvError::Lagged(_)) => self.catching_up = true,
                Err(RecvError::Closed) => return None,
            }
        }
    }
}

/// The public changes after `after_seq` (or from now), as they happen.
fn follow(
    ctx: &Context<'_>,
    after_seq: Option<i64>,
) -> ApiResult<impl Stream<Item = Change> + use<>> {
    let events = ctx
        .data::<Arc<Events>>()
        .map_err(|_| AppError::internal("no change feed in the schema"))?;
    let (rx, told) = events.subscribe();
    let place = after_seq.map_or(told, |s| Place::before_publication(s.saturating_add(1)));
    let state = Follow {
        db: store(ctx)?.clone(),
        rx,
        place,
        pending: VecDeque::new(),
        catching_up: place < told,
    };
    Ok(futures_util::stream::unfold(state, Follow::next))
}

/// Which changes a subscription keeps.
struct Pick {
    kinds: &'static [ChangeKind],
    /// One indicator's values only.
    indicator_id: Option<ID>,
    /// The values of breakdown cells too, not only totals.
    cells: bool,
}

/// The changes of some kinds, of one indicator or all, of totals or of cells too.
fn picked(
    ctx: &Context<'_>,
    after_seq: Option<i64>,
    pick: Pick,
) -> ApiResult<impl Stream<Item = Change> + use<>> {
    let only = indicator_filter(pick.indicator_id)?;
    let (kinds, cells) = (pick.kinds, pick.cells);
    Ok(futures_util::StreamExt::filter(
        follow(ctx, after_seq)?,
        move |c| {
            let value = c.value.as_ref();
            let kept = kinds.contains(&c.kind)
                && only.is_none_or(|i| value.is_some_and(|v| v.indicator_id == i))
                && (cells || value.is_none_or(|v| v.breakdown.is_empty()));
            std::future::ready(kept)
        },
    ))
}

fn values(stream: impl Stream<Item = Change>) -> impl Stream<Item = ValueChange> {
    futures_util::StreamExt::filter_map(stream, |c| std::future::ready(ValueChange::of(&c)))
}

/// The root subscription type: what changes, as it happens, in every server process on the
/// same store (each looks for changes every 250 ms by default).
#[derive(Default)]
pub struct SubscriptionRoot;

/// What changes, as it happens: over a WebSocket on `/graphql` with the
/// `graphql-transport-ws` protocol. Every server process on the same store sends every change
/// (each looks for changes every 250 ms by default); only public data is sent. Each
/// subscription can start at a past publication (`afterSeq`: the last `seq` a client has),
/// so that a client that reconnects misses nothing.
#[Subscription(name = "Subscription")]
impl SubscriptionRoot {
    /// Every public change (`Query.changes`, as it happens).
    async fn changes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Start after this publication (default: from now).")] after_seq: Option<
            i64,
        >,
        #[graphql(desc = "Only this indicator's values (global ID); no document imports.")]
        indicator_id: Option<ID>,
        #[graphql(
            desc = "Also values of breakdown cells, not only totals.",
            default = false
        )]
        include_cells: bool,
    ) -> async_graphql::Result<impl Stream<Item = PublicChange> + use<>> {
        let kinds: &[ChangeKind] = if indicator_id.is_some() {
            &[ChangeKind::ValuePublished, ChangeKind::ValueSuperseded]
        } else {
            &[
                ChangeKind::ValuePublished,
                ChangeKind::ValueSuperseded,
                ChangeKind::DocumentImported,
            ]
        };
        let pick = Pick {
            kinds,
            indicator_id,
            cells: include_cells,
        };
        let stream = picked(ctx, after_seq, pick)?;
        Ok(futures_util::StreamExt::map(stream, PublicChange))
    }

    /// A value became public: a department's report was approved. Submissions, rejections
    /// and anything else not public are never sent.
    async fn value_published(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only this indicator's values (global ID).")] indicator_id: Option<ID>,
        #[graphql(desc = "Start after this publication (default: from now).")] after_seq: Option<
            i64,
        >,
        #[graphql(
            desc = "Also values of breakdown cells, not only totals.",
            default = false
        )]
        include_cells: bool,
    ) -> async_graphql::Result<impl Stream<Item = ValueChange> + use<>> {
        let pick = Pick {
            kinds: &[ChangeKind::ValuePublished],
            indicator_id,
            cells: include_cells,
        };
        Ok(values(picked(ctx, after_seq, pick)?))
    }

    /// A public value was replaced by a newer approved one for the same indicator and year.
    async fn value_superseded(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only this indicator's values (global ID).")] indicator_id: Option<ID>,
        #[graphql(desc = "Start after this publication (default: from now).")] after_seq: Option<
            i64,
        >,
        #[graphql(
            desc = "Also values of breakdown cells, not only totals.",
            default = false
        )]
        include_cells: bool,
    ) -> async_graphql::Result<impl Stream<Item = ValueChange> + use<>> {
        let pick = Pick {
            kinds: &[ChangeKind::ValueSuperseded],
            indicator_id,
            cells: include_cells,
        };
        Ok(values(picked(ctx, after_seq, pick)?))
    }

    /// The source document was imported again (targets and figures may have changed).
    async fn document_imported(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Start after this publication (default: from now).")] after_seq: Option<
            i64,
        >,
    ) -> async_graphql::Result<impl Stream<Item = DocumentImport> + use<>> {
        let pick = Pick {
            kinds: &[ChangeKind::DocumentImported],
            indicator_id: None,
            cells: false,
        };
        let stream = picked(ctx, after_seq, pick)?;
        Ok(futures_util::StreamExt::filter_map(stream, |c| {
            std::future::ready(DocumentImport::of(&c))
        }))
    }
}
