//! `Subscription`: the change feed (`crate::events`) over GraphQL, for clients that keep a
//! WebSocket open (`graphql-transport-ws` on `/graphql`).

use std::sync::Arc;

use async_graphql::{Context, Object, Subscription, ID};
use chrono::{DateTime, Utc};
use entity::{document, indicator_value};
use futures_util::Stream;
use tokio::sync::broadcast::error::RecvError;

use super::enums::ValueOrigin;
use super::ids::{self, Kind};
use super::indicator::Indicator;
use super::load_one;
use crate::domain;
use crate::error::{ApiResult, AppError};
use crate::events::{Event, Events};
use crate::repo::batch::IndicatorById;

/// A value that became public, or stopped being the public value of its year.
pub struct ValueChange(indicator_value::Model);

/// A value that became public, or stopped being the public value of its year.
#[Object]
impl ValueChange {
    /// The indicator whose series changed.
    async fn indicator(&self, ctx: &Context<'_>) -> ApiResult<Indicator> {
        Ok(Indicator(
            load_one(ctx, IndicatorById(self.0.indicator_id)).await?,
        ))
    }

    /// The year.
    async fn year(&self) -> i32 {
        self.0.year
    }

    /// The value, in the indicator's unit.
    async fn value(&self) -> f64 {
        self.0.value
    }

    /// Its version among the values reported for the indicator and year.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// A document figure or a department's report.
    async fn origin(&self) -> ValueOrigin {
        match self.0.origin {
            domain::ValueOrigin::Document => ValueOrigin::Document,
            domain::ValueOrigin::Submission => ValueOrigin::Report,
        }
    }
}

/// The source document, imported again.
pub struct DocumentImport(document::Model);

/// The source document, imported again.
#[Object]
impl DocumentImport {
    /// Document number as published (乐政字〔2022〕16号).
    async fn number(&self) -> &str {
        &self.0.number
    }

    /// Hex SHA-256 of the imported file.
    async fn sha256(&self) -> &str {
        &self.0.sha256
    }

    /// When it was imported.
    async fn imported_at(&self) -> DateTime<Utc> {
        self.0.imported_at
    }
}

/// Events from the feed, whatever they are; a subscriber that falls behind skips what it
/// missed rather than ending.
fn feed(events: &Events) -> impl Stream<Item = Arc<Event>> + use<> {
    futures_util::stream::unfold(events.subscribe(), |mut rx| async move {
        loop {
            match rx.recv().await {
                Ok(event) => return Some((event, rx)),
                Err(RecvError::Lagged(_)) => continue,
                Err(RecvError::Closed) => return None,
            }
        }
    })
}

fn events<'a>(ctx: &Context<'a>) -> ApiResult<&'a Arc<Events>> {
    ctx.data::<Arc<Events>>()
        .map_err(|_| AppError::internal("no change feed in the schema").into())
}

/// The values of one kind of event, of one indicator or all.
fn changes(
    ctx: &Context<'_>,
    indicator_id: Option<ID>,
    pick: fn(&Event) -> Option<&indicator_value::Model>,
) -> ApiResult<impl Stream<Item = ValueChange> + use<>> {
    let only = indicator_id
        .map(|id| ids::decode_as(&id, Kind::Indicator))
        .transpose()?;
    Ok(futures_util::StreamExt::filter_map(
        feed(events(ctx)?),
        move |e| async move {
            pick(&e)
                .filter(|v| only.is_none_or(|i| i == v.indicator_id))
                .map(|v| ValueChange(v.clone()))
        },
    ))
}

/// The root subscription type: what changes, as it happens, in every server process on the
/// same store (each looks for changes every 250 ms by default).
#[derive(Default)]
pub struct SubscriptionRoot;

/// What changes, as it happens: over a WebSocket on `/graphql` with the
/// `graphql-transport-ws` protocol. Every server process on the same store sends every change
/// (each looks for changes every 250 ms by default); only public data is sent.
#[Subscription(name = "Subscription")]
impl SubscriptionRoot {
    /// A value became public: a department's report was approved. Submissions, rejections
    /// and anything else not public are never sent.
    async fn value_published(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only this indicator's values (global ID).")] indicator_id: Option<ID>,
    ) -> async_graphql::Result<impl Stream<Item = ValueChange> + use<>> {
        changes(ctx, indicator_id, |e| match e {
            Event::Published(v) => Some(v),
            _ => None,
        })
    }

    /// A public value was replaced by a newer approved one for the same indicator and year.
    async fn value_superseded(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Only this indicator's values (global ID).")] indicator_id: Option<ID>,
    ) -> async_graphql::Result<impl Stream<Item = ValueChange> + use<>> {
        changes(ctx, indicator_id, |e| match e {
            Event::Superseded(v) => Some(v),
            _ => None,
        })
    }

    /// The source document was imported again (targets and figures may have changed).
    async fn document_imported(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<impl Stream<Item = DocumentImport> + use<>> {
        Ok(futures_util::StreamExt::filter_map(
            feed(events(ctx)?),
            |e| async move {
                match &*e {
                    Event::Imported(d) => Some(DocumentImport(d.clone())),
                    _ => None,
                }
            },
        ))
    }
}
