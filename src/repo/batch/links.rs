//! Goals' department links, each with its department: the deep public query names a
//! department on every link (951 for the four plans), and reading them with the links (one
//! join, each department decoded once) spares a batch load per link at the next level.

use std::collections::HashMap;
use std::sync::Arc;

use entity::{department, goal_department};
use sea_orm::sea_query::{Expr, ExprTrait, Order, Query};
use sea_orm::ConnectionTrait;

use super::{db_err, LoadError, Loader, Store};
use crate::repo::rows::Cell;

/// A goal's department link as the API shows it: which department, in which role, spelled
/// how. Not its source lines, which are the goal's own and would be read again for each of
/// a goal's links.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    pub role: crate::domain::Role,
    pub raw: String,
    /// The department it names (shared by every link to it in the batch).
    pub department: Arc<department::Model>,
}

/// A goal's department links, in tag order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LinksOfGoal(pub i32);

impl Loader<LinksOfGoal> for Store {
    type Value = Vec<Link>;
    type Error = LoadError;

    async fn load(
        &self,
        keys: &[LinksOfGoal],
    ) -> Result<HashMap<LinksOfGoal, Self::Value>, Self::Error> {
        use department::Column as D;
        use goal_department::Column as L;
        let (link, named) = (goal_department::Entity, department::Entity);
        let mut query = Query::select();
        query
            .columns([L::GoalId, L::DepartmentId, L::Role, L::Raw].map(|c| (link, c)))
            .columns(
                [D::Name, D::Kind, D::LineStart, D::LineEnd, D::SourceText].map(|c| (named, c)),
            )
            .from(link)
            .inner_join(
                named,
                Expr::col((named, D::Id)).equals((link, L::DepartmentId)),
            )
            .and_where(Expr::col((link, L::GoalId)).is_in(keys.iter().map(|k| k.0)))
            .order_by((link, L::GoalId), Order::Asc)
            .order_by((link, L::Ordinal), Order::Asc)
            .order_by((link, L::Id), Order::Asc);
        let statement = self.db.get_database_backend().build(&query);
        let mut out: HashMap<LinksOfGoal, Self::Value> =
            keys.iter().map(|k| (*k, Vec::new())).collect();
        let mut departments: HashMap<i32, Arc<department::Model>> = HashMap::new();
        for row in self.db.query_all_raw(statement).await.map_err(db_err)? {
            let goal = i32::cell(&row, 0).map_err(db_err)?;
            let department_id = i32::cell(&row, 1).map_err(db_err)?;
            let department = match departments.get(&department_id) {
                Some(known) => Arc::clone(known),
                None => {
                    let model = Arc::new(named_department(&row, department_id).map_err(db_err)?);
                    departments.insert(department_id, Arc::clone(&model));
                    model
                }
            };
            let link = Link {
                role: Cell::cell(&row, 2).map_err(db_err)?,
                raw: String::cell(&row, 3).map_err(db_err)?,
                department,
            };
            out.entry(LinksOfGoal(goal)).or_default().push(link);
        }
        Ok(out)
    }
}

/// The department columns of a link's row (from the fifth on).
fn named_department(
    row: &sea_orm::QueryResult,
    id: i32,
) -> Result<department::Model, sea_orm::DbErr> {
    Ok(department::Model {
        id,
        name: Cell::cell(row, 4)?,
        kind: Cell::cell(row, 5)?,
        line_start: Cell::cell(row, 6)?,
        line_end: Cell::cell(row, 7)?,
        source_text: Cell::cell(row, 8)?,
    })
}
