//! Indicators' breakdown declarations, a level's in one statement.

use std::collections::HashMap;

use super::{db_err, LoadError, Loader, Store};
use crate::breakdowns::Declared;

/// What an indicator is declared to be reported by; an undeclared one is left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DeclarationOf(pub i32);

impl Loader<DeclarationOf> for Store {
    type Value = Declared;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[DeclarationOf],
    ) -> Result<HashMap<DeclarationOf, Self::Value>, Self::Error> {
        let ids: Vec<i32> = keys.iter().map(|k| k.0).collect();
        let found = crate::repo::declarations::of_many(&self.db, Some(&ids))
            .await
            .map_err(db_err)?;
        Ok(found
            .into_iter()
            .map(|(id, d)| (DeclarationOf(id), d))
            .collect())
    }
}
