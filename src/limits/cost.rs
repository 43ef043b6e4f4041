//! What a query will cost, measured on the parsed document before it runs.
//!
//! In the spirit of GitHub's node limit: a field costs one plus what its selection costs, and
//! a list multiplies that by the most items it can hold — a connection by its page size
//! (`first` / `last`, default 20), `nodes(ids:)` by the IDs given, and a plain list by the
//! bound declared for it in [`LIST_BOUNDS`]. `plans { domains { plan { domains … } } }`
//! therefore grows as 10 × 30 × 30 × … and is refused before a single row is read.
//! Introspection counts the same way, its lists sized by the schema itself (its types, the
//! fields of a type and the arguments of a field on average). Fragments are measured once
//! each and reused, so the measure itself stays linear in the size of the document however
//! fragments are spread.

use std::collections::HashMap;

use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, FragmentDefinition, OperationDefinition, OperationType,
    Selection, SelectionSet,
};
use async_graphql::{Name, Positioned, Value as ConstValue, Variables};
use async_graphql_value::Value;

mod table;

use super::bounds::Bounds;
use crate::repo::page::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};
pub use table::TypeTable;
use table::{is_connection, FieldType, ONE_TYPE};

/// How large a plain (non-connection) list of objects can be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    /// A fixed most, enforced by a rule or an argument (years in range, a page of 100).
    Fixed(usize),
    /// The largest such list in the store now, measured by [`super::bounds`].
    Measured(super::bounds::Measured),
}

/// The bound of every plain list of objects in the schema, as `(type, field, bound)`; a test
/// makes sure none is missing. A list not named here counts as [`DEFAULT_LIST_BOUND`].
pub const LIST_BOUNDS: &[(&str, &str, Bound)] = {
    use super::bounds::Measured::*;
    use Bound::*;
    &[
        ("Query", "plans", Measured(Plans)),
        ("Query", "users", Measured(Users)),
        ("Query", "reportingStatus", Measured(Departments)),
        ("Query", "statusCounts", Fixed(6)),
        ("SubmitValuesPayload", "values", Fixed(100)),
        // An upload's rows: at most the sheet's rows.
        (
            "UploadSheetPayload",
            "rows",
            Fixed(crate::reporting::grid::LIMITS.rows as usize),
        ),
        ("Plan", "domains", Measured(DomainsPerPlan)),
        ("Plan", "statusCounts", Fixed(6)),
        ("Domain", "statusCounts", Fixed(6)),
        ("Department", "statusCounts", Fixed(6)),
        ("Goal", "departments", Measured(DepartmentsPerGoal)),
        ("Target", "departments", Measured(DepartmentsPerGoal)),
        // One per lead department of the target's goal.
        (
            "EvaluationItem",
            "selfAssessments",
            Measured(DepartmentsPerGoal),
        ),
        // Years are checked against the plan periods and their baseline years.
        ("Target", "trajectory", Fixed(20)),
        ("Indicator", "series", Fixed(20)),
        ("Indicator", "values", Measured(ValuesPerIndicator)),
        ("Indicator", "targets", Measured(TargetsPerIndicator)),
        ("Indicator", "plans", Measured(Plans)),
        ("Indicator", "monitoredBy", Measured(Monitored)),
        // Three dimensions at most; the longest code list (age) has eight codes.
        ("Indicator", "breakdowns", Fixed(3)),
        ("Breakdown", "codes", Fixed(crate::breakdowns::MOST_CODES)),
        ("Codelist", "codes", Fixed(crate::breakdowns::MOST_CODES)),
        ("Query", "codelists", Fixed(3)),
        // A cell fixes at most one code per dimension.
        ("YearValue", "breakdown", Fixed(3)),
        ("IndicatorValue", "breakdown", Fixed(3)),
        ("ReportedValue", "breakdown", Fixed(3)),
        ("BreakdownCoverage", "breakdown", Fixed(3)),
        ("ConsistencyCheck", "within", Fixed(3)),
        ("ValueChange", "breakdown", Fixed(3)),
        // Five rules for each of three dimensions at most.
        ("Indicator", "consistency", Fixed(15)),
        // A cell with a published value has at least one of the indicator's values.
        (
            "Indicator",
            "breakdownCoverage",
            Measured(ValuesPerIndicator),
        ),
        ("Plan", "monitored", Measured(Monitored)),
        ("Indicator", "discrepancies", Measured(TargetsPerIndicator)),
        ("Indicator", "reporters", Measured(ReportersPerIndicator)),
        (
            "Indicator",
            "publicationHistory",
            Measured(ApprovalsPerIndicator),
        ),
        ("Discrepancy", "targets", Measured(TargetsPerIndicator)),
        ("Discrepancy", "figures", Measured(ValuesPerIndicator)),
        ("DepartmentReporting", "owed", Measured(Indicators)),
        ("DepartmentReporting", "submitted", Measured(Indicators)),
        ("DepartmentReporting", "approved", Measured(Indicators)),
        ("DepartmentReporting", "rejected", Measured(Indicators)),
        ("DepartmentReporting", "notAvailable", Measured(Indicators)),
        ("ReportedValue", "history", Measured(EventsPerValue)),
        // One per check (range, percent as fraction, fluctuation) and up to five consistency
        // rules for each (margin, dimension) a value is weighed in: at most five (a cell of one
        // code: the total's three dimensions and its own two; of two codes: two margins with
        // two each and its own one; of three: three margins with one each).
        ("ReportedValue", "checks", Fixed(3 + 5 * 5)),
        ("Target", "warnings", Fixed(2)),
        // One per class; a group per plan, domain, lead department or nature.
        ("Evaluation", "summary", Fixed(7)),
        ("EvaluationGroup", "summary", Fixed(7)),
        ("Evaluation", "groups", Measured(Departments)),
    ]
};

/// What a list without a declared bound counts as.
pub const DEFAULT_LIST_BOUND: usize = 100;

/// The size of a query: the deepest nesting of fields, the aliases it uses, and its cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Measure {
    pub depth: usize,
    pub aliases: usize,
    pub cost: usize,
}

impl Measure {
    fn add(self, other: Measure) -> Measure {
        Measure {
            depth: self.depth.max(other.depth),
            aliases: self.aliases.saturating_add(other.aliases),
            cost: self.cost.saturating_add(other.cost),
        }
    }
}

/// A fragment cycle (refused by validation anyway) measures as too large.
const TOO_LARGE: Measure = Measure {
    depth: usize::MAX / 4,
    aliases: usize::MAX / 4,
    cost: usize::MAX / 4,
};

fn bound(parent: &str, field: &str, measured: &Bounds) -> usize {
    match LIST_BOUNDS
        .iter()
        .find(|(t, f, _)| *t == parent && *f == field)
        .map(|(_, _, b)| *b)
    {
        Some(Bound::Fixed(n)) => n,
        Some(Bound::Measured(m)) => measured.get(m),
        None => DEFAULT_LIST_BOUND,
    }
}

struct Walker<'a> {
    document: &'a ExecutableDocument,
    variables: &'a Variables,
    table: &'a TypeTable,
    bounds: &'a Bounds,
    fragments: HashMap<Name, Measure>,
    visiting: Vec<Name>,
}

impl Walker<'_> {
    /// An integer argument, literal or through a variable.
    fn int_argument(&self, value: &Value) -> Option<i64> {
        match value {
            Value::Number(n) => n.as_i64(),
            Value::Variable(name) => match self.variables.get(name) {
                Some(ConstValue::Number(n)) => n.as_i64(),
                _ => None,
            },
            _ => None,
        }
    }

    /// How many items a list argument holds, literal or through a variable.
    fn list_len(&self, value: &Value) -> Option<usize> {
        match value {
            Value::List(items) => Some(items.len()),
            Value::Variable(name) => match self.variables.get(name) {
                Some(ConstValue::List(items)) => Some(items.len()),
                Some(_) => Some(1),
                None => None,
            },
            _ => Some(1),
        }
    }

    fn multiplier(
        &self,
        parent: &str,
        field: &async_graphql::parser::types::Field,
        ty: Option<&FieldType>,
    ) -> usize {
        let Some(ty) = ty else { return 1 };
        if is_connection(&ty.named) && !ty.list {
            let page = ["first", "last"]
                .iter()
                .find_map(|name| field.get_argument(name))
                .and_then(|v| self.int_argument(&v.node))
                .unwrap_or(i64::from(DEFAULT_PAGE_SIZE));
            return usize::try_from(page.clamp(1, i64::from(MAX_PAGE_SIZE))).unwrap_or(1);
        }
        if !ty.list || is_connection(parent) || field.selection_set.node.items.is_empty() {
            // A connection's edges and nodes are its page, counted on the connection; a list
            // of scalars is one field's worth of work (the answer's size bounds its length).
            return 1;
        }
        if let Some(n) = self
            .table
            .introspection
            .get(&(parent.to_string(), field.name.node.to_string()))
        {
            return *n;
        }
        if parent == self.table.query && field.name.node == "nodes" {
            return field
                .get_argument("ids")
                .and_then(|v| self.list_len(&v.node))
                .unwrap_or(1)
                .max(1);
        }
        bound(parent, &field.name.node, self.bounds)
    }

    fn set(&mut self, set: &SelectionSet, parent: &str) -> Measure {
        let mut total = Measure::default();
        for item in &set.items {
            let m = match &item.node {
                Selection::Field(f) => {
                    let field = &f.node;
                    let looked_up = if parent == ONE_TYPE { "__Type" } else { parent };
                    let ty = self
                        .table
                        .fields
                        .get(&(looked_up.to_string(), field.name.node.to_string()))
                        .cloned();
                    let child_type = match &ty {
                        Some(t) if t.named == "__Type" && !t.list => ONE_TYPE.to_string(),
                        Some(t) => t.named.clone(),
                        None => String::new(),
                    };
                    let children = self.set(&field.selection_set.node, &child_type);
                    let multiplier = self.multiplier(parent, field, ty.as_ref());
                    Measure {
                        depth: children.depth.saturating_add(1),
                        aliases: children
                            .aliases
                            .saturating_add(usize::from(field.alias.is_some())),
                        cost: multiplier.saturating_mul(children.cost.saturating_add(1)),
                    }
                }
                Selection::InlineFragment(i) => {
                    let inline = &i.node;
                    let on = inline
                        .type_condition
                        .as_ref()
                        .map_or(parent.to_string(), |c| c.node.on.node.to_string());
                    self.set(&inline.selection_set.node, &on)
                }
                Selection::FragmentSpread(spread) => {
                    let name = &spread.node.fragment_name.node;
                    match self.document.fragments.get(name) {
                        Some(fragment) => self.fragment(name, &fragment.node),
                        None => Measure::default(),
                    }
                }
            };
            total = total.add(m);
        }
        total
    }

    fn fragment(&mut self, name: &Name, fragment: &FragmentDefinition) -> Measure {
        if let Some(m) = self.fragments.get(name) {
            return *m;
        }
        if self.visiting.contains(name) {
            return TOO_LARGE;
        }
        self.visiting.push(name.clone());
        let on = fragment.type_condition.node.on.node.to_string();
        let m = self.set(&fragment.selection_set.node, &on);
        self.visiting.pop();
        self.fragments.insert(name.clone(), m);
        m
    }
}

/// Measures every operation in the document (a document that holds several is measured as
/// their sum: only one runs, but which is decided later).
pub fn measure(
    document: &ExecutableDocument,
    variables: &Variables,
    table: &TypeTable,
    bounds: &Bounds,
) -> Measure {
    let mut walker = Walker {
        document,
        variables,
        table,
        bounds,
        fragments: HashMap::new(),
        visiting: Vec::new(),
    };
    let mut total = Measure::default();
    for (_, operation) in document.operations.iter() {
        let root = match operation.node.ty {
            OperationType::Query => table.query.clone(),
            OperationType::Mutation => table.mutation.clone(),
            OperationType::Subscription => table.subscription.clone(),
        };
        total = total.add(walker.set(&operation.node.selection_set.node, &root));
    }
    total
}

/// The type of the operation that will run: the named one, or the only one.
pub fn selected_operation(
    document: &ExecutableDocument,
    name: Option<&str>,
) -> Option<OperationType> {
    selected(document, name).map(|op| op.ty)
}

/// The operation that will run: the named one, or the only one.
pub fn selected<'a>(
    document: &'a ExecutableDocument,
    name: Option<&str>,
) -> Option<&'a OperationDefinition> {
    match &document.operations {
        DocumentOperations::Single(op) => Some(&op.node),
        DocumentOperations::Multiple(ops) => match name {
            Some(name) => ops
                .iter()
                .find(|(n, _)| n.as_str() == name)
                .map(|(_, op)| &op.node),
            None if ops.len() == 1 => ops.values().next().map(|op| &op.node),
            None => None,
        },
    }
}

/// Whether any string the request carries — an argument, a directive argument, a variable's
/// default or value — holds a NUL character, which PostgreSQL cannot store or compare.
pub fn carries_nul(document: &ExecutableDocument, variables: &Variables) -> bool {
    fn value(v: &Value) -> bool {
        match v {
            Value::String(s) => s.contains('\0'),
            Value::List(items) => items.iter().any(value),
            Value::Object(fields) => fields.iter().any(|(k, v)| k.contains('\0') || value(v)),
            _ => false,
        }
    }
    fn constant(v: &ConstValue) -> bool {
        match v {
            ConstValue::String(s) => s.contains('\0'),
            ConstValue::List(items) => items.iter().any(constant),
            ConstValue::Object(fields) => {
                fields.iter().any(|(k, v)| k.contains('\0') || constant(v))
            }
            _ => false,
        }
    }
    fn directives(list: &[Positioned<async_graphql::parser::types::Directive>]) -> bool {
        list.iter()
            .any(|d| d.node.arguments.iter().any(|(_, v)| value(&v.node)))
    }
    fn set(s: &SelectionSet) -> bool {
        s.items.iter().any(|item| match &item.node {
            Selection::Field(f) => {
                f.node.arguments.iter().any(|(_, v)| value(&v.node))
                    || directives(&f.node.directives)
                    || set(&f.node.selection_set.node)
            }
            Selection::InlineFragment(i) => {
                directives(&i.node.directives) || set(&i.node.selection_set.node)
            }
            Selection::FragmentSpread(s) => directives(&s.node.directives),
        })
    }
    let in_variables = variables
        .iter()
        .any(|(k, v)| k.contains('\0') || constant(v));
    let in_operations = document.operations.iter().any(|(_, op)| {
        op.node.variable_definitions.iter().any(|d| {
            d.node
                .default_value
                .as_ref()
                .is_some_and(|v| constant(&v.node))
        }) || directives(&op.node.directives)
            || set(&op.node.selection_set.node)
    });
    let in_fragments = document
        .fragments
        .values()
        .any(|f| directives(&f.node.directives) || set(&f.node.selection_set.node));
    in_variables || in_operations || in_fragments
}

#[cfg(test)]
mod tests;
