//! Download files built for a data version and kept until it moves, one build at a time per
//! scope.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use actix_web::web::Bytes;
use sea_orm::DatabaseConnection;
use sha2::{Digest, Sha256};

use super::{build, build_scope, etag_of_hash, File};
use crate::error::AppError;
use crate::repo::Stamp;

/// A built file: its bytes, their tag, and when its content last changed.
#[derive(Clone)]
pub struct Built {
    pub bytes: Bytes,
    /// The bytes' SHA-256 in hex, and the ETag made from it.
    pub sha256: String,
    pub etag: String,
    /// Unix seconds: the data change that first gave the file these bytes, as far as this
    /// process has seen (its first build counts from the latest change of any data).
    pub modified: i64,
}

/// Files built for a data version, kept until the version moves. A file rebuilt with the
/// same bytes keeps its modification time, so an approval in one plan leaves the other
/// plans' files' dates (and the catalog's dates of their datasets) as they were.
///
/// One build at a time per scope (or file outside one): requests that miss together wait for
/// the first one's build and take its result, so a burst of anonymous first requests after a
/// change costs one build, not one each.
#[derive(Default)]
pub struct Downloads {
    built: Mutex<HashMap<String, (i64, Built)>>,
    /// A turn to build, per scope name or file path (a fixed set: the files `File::parse` knows).
    turns: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    /// The frozen evaluations' files as the catalog lists them.
    pub released: crate::http::catalog_evaluations::ReleasedFiles,
}

impl Downloads {
    /// The file as of the data version `stamp` names, built if it is not kept yet.
    pub async fn get(
        &self,
        db: &DatabaseConnection,
        file: &File,
        stamp: &Stamp,
    ) -> Result<Built, AppError> {
        let key = file.path();
        if let Some(built) = self.kept(&key, stamp.version) {
            return Ok(built);
        }
        let turn = self.turn(file.scope_name().unwrap_or(&key));
        let _turn = turn.lock().await;
        // Built by the request whose turn this waited for.
        if let Some(built) = self.kept(&key, stamp.version) {
            return Ok(built);
        }
        // The files of a scope come from one snapshot: built together, kept together.
        let made = match file.scope_name() {
            Some(scope) => build_scope(db, scope).await?,
            None => vec![(file.clone(), build(db, file).await?)],
        };
        let mut kept = self.lock();
        let mut found = None;
        for (f, bytes) in made {
            let sha256 = format!("{:x}", Sha256::digest(&bytes));
            let etag = etag_of_hash(&sha256);
            let modified = match kept.get(&f.path()) {
                Some((_, old)) if old.etag == etag => old.modified,
                _ => stamp.changed_at,
            };
            let built = Built {
                bytes: Bytes::from(bytes),
                sha256,
                etag,
                modified,
            };
            if f == *file {
                found = Some(built.clone());
            }
            kept.insert(f.path(), (stamp.version, built));
        }
        found.ok_or_else(|| AppError::internal(format!("{key} was not built")))
    }

    /// The file kept for data version `version`, if it is.
    fn kept(&self, key: &str, version: i64) -> Option<Built> {
        let kept = self.lock();
        let (v, built) = kept.get(key)?;
        (*v == version).then(|| built.clone())
    }

    /// The turn to build `group` (a scope, or a file outside one).
    fn turn(&self, group: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut turns = self.turns.lock().unwrap_or_else(|e| e.into_inner());
        Arc::clone(turns.entry(group.to_string()).or_default())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, (i64, Built)>> {
        // A panic while holding the map leaves nothing half-written in it.
        self.built.lock().unwrap_or_else(|e| e.into_inner())
    }
}
