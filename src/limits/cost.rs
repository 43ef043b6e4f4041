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
    BaseType, DocumentOperations, ExecutableDocument, FragmentDefinition, OperationType, Selection,
    SelectionSet, ServiceDocument, Type, TypeKind, TypeSystemDefinition,
};
use async_graphql::{Name, Positioned, Value as ConstValue, Variables};
use async_graphql_value::Value;

use super::bounds::Bounds;
use crate::repo::page::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};

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
        ("Plan", "domains", Measured(DomainsPerPlan)),
        ("Plan", "statusCounts", Fixed(6)),
        ("Domain", "statusCounts", Fixed(6)),
        ("Department", "statusCounts", Fixed(6)),
        ("Goal", "departments", Measured(DepartmentsPerGoal)),
        ("Target", "departments", Measured(DepartmentsPerGoal)),
        // Years are checked against the plan periods and their baseline years.
        ("Target", "trajectory", Fixed(20)),
        ("Indicator", "series", Fixed(20)),
        ("Indicator", "values", Measured(ValuesPerIndicator)),
        ("Indicator", "targets", Measured(TargetsPerIndicator)),
        ("Indicator", "plans", Measured(Plans)),
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
        ("ReportedValue", "history", Measured(EventsPerValue)),
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

#[derive(Debug, Clone)]
struct FieldType {
    /// The named type at the bottom of any list wrappers.
    named: String,
    list: bool,
}

/// The output fields of the schema's object and interface types, read from its SDL, and the
/// introspection types every schema has, with the largest lists they can return.
#[derive(Debug, Clone, Default)]
pub struct TypeTable {
    fields: HashMap<(String, String), FieldType>,
    /// The bounds of the introspection lists (`__Schema.types` …), measured on the SDL.
    introspection: HashMap<(String, String), usize>,
    query: String,
    mutation: String,
    subscription: String,
}

/// The introspection types' output fields (GraphQL specification, section 4.2), as
/// `(type, field, named type, list)`.
const INTROSPECTION: &[(&str, &str, &str, bool)] = &[
    ("__Schema", "types", "__Type", true),
    ("__Schema", "queryType", "__Type", false),
    ("__Schema", "mutationType", "__Type", false),
    ("__Schema", "subscriptionType", "__Type", false),
    ("__Schema", "directives", "__Directive", true),
    ("__Type", "fields", "__Field", true),
    ("__Type", "interfaces", "__Type", true),
    ("__Type", "possibleTypes", "__Type", true),
    ("__Type", "enumValues", "__EnumValue", true),
    ("__Type", "inputFields", "__InputValue", true),
    ("__Type", "ofType", "__Type", false),
    ("__Field", "args", "__InputValue", true),
    ("__Field", "type", "__Type", false),
    ("__InputValue", "type", "__Type", false),
    ("__Directive", "args", "__InputValue", true),
];

/// `__Type` as reached one at a time (a field's type), not by listing every type.
const ONE_TYPE: &str = "__Type (one)";

/// Types every schema has that its SDL leaves out: the built-in scalars and the eight
/// introspection types.
const UNLISTED_TYPES: usize = 5 + 8;

impl TypeTable {
    pub fn from_sdl(sdl: &str) -> Result<TypeTable, String> {
        let document: ServiceDocument =
            async_graphql::parser::parse_schema(sdl).map_err(|e| e.to_string())?;
        let mut table = TypeTable {
            query: "Query".into(),
            mutation: "Mutation".into(),
            subscription: "Subscription".into(),
            ..TypeTable::default()
        };
        let mut sizes = IntrospectionSizes::default();
        for definition in document.definitions {
            match definition {
                TypeSystemDefinition::Schema(schema) => {
                    let s = schema.node;
                    if let Some(q) = s.query {
                        table.query = q.node.to_string();
                    }
                    if let Some(m) = s.mutation {
                        table.mutation = m.node.to_string();
                    }
                    if let Some(s) = s.subscription {
                        table.subscription = s.node.to_string();
                    }
                }
                TypeSystemDefinition::Type(ty) => {
                    let ty = ty.node;
                    sizes.types += 1;
                    let (fields, implements) = match ty.kind {
                        TypeKind::Object(o) => (o.fields, o.implements.len()),
                        TypeKind::Interface(i) => (i.fields, i.implements.len()),
                        TypeKind::Enum(e) => {
                            sizes.enums += 1;
                            sizes.enum_values += e.values.len();
                            sizes.most_enum_values = sizes.most_enum_values.max(e.values.len());
                            continue;
                        }
                        TypeKind::InputObject(i) => {
                            sizes.inputs += 1;
                            sizes.input_fields += i.fields.len();
                            sizes.most_input_fields = sizes.most_input_fields.max(i.fields.len());
                            continue;
                        }
                        TypeKind::Union(_) | TypeKind::Scalar => continue,
                    };
                    sizes.with_fields += 1;
                    sizes.fields += fields.len();
                    sizes.interfaces += implements;
                    sizes.most_fields = sizes.most_fields.max(fields.len());
                    sizes.most_interfaces = sizes.most_interfaces.max(implements);
                    for field in fields {
                        let field = field.node;
                        sizes.with_args += 1;
                        sizes.args += field.arguments.len();
                        table.fields.insert(
                            (ty.name.node.to_string(), field.name.node.to_string()),
                            field_type(&field.ty.node),
                        );
                    }
                }
                TypeSystemDefinition::Directive(d) => {
                    sizes.directives += 1;
                    sizes.with_args += 1;
                    sizes.args += d.node.arguments.len();
                }
            }
        }
        table.learn_introspection(&sizes);
        Ok(table)
    }

    fn learn_introspection(&mut self, sizes: &IntrospectionSizes) {
        let (query, builtin_directives) = (self.query.clone(), 4);
        self.fields.insert(
            (query.clone(), "__schema".into()),
            FieldType {
                named: "__Schema".into(),
                list: false,
            },
        );
        self.fields.insert(
            (query, "__type".into()),
            FieldType {
                named: "__Type".into(),
                list: false,
            },
        );
        for (parent, field, named, list) in INTROSPECTION {
            self.fields.insert(
                (parent.to_string(), field.to_string()),
                FieldType {
                    named: named.to_string(),
                    list: *list,
                },
            );
            if !list {
                continue;
            }
            let average = IntrospectionSizes::average;
            let bound = match (*parent, *field) {
                ("__Schema", "types") => sizes.types + UNLISTED_TYPES,
                ("__Schema", "directives") => sizes.directives.max(builtin_directives),
                ("__Type", "fields") => average(sizes.fields, sizes.with_fields),
                ("__Type", "interfaces") => average(sizes.interfaces, sizes.with_fields),
                // An interface's possible types: at most every type with fields.
                ("__Type", "possibleTypes") => sizes.with_fields.max(1),
                ("__Type", "enumValues") => average(sizes.enum_values, sizes.enums),
                ("__Type", "inputFields") => average(sizes.input_fields, sizes.inputs),
                _ => average(sizes.args, sizes.with_args),
            };
            self.introspection
                .insert((parent.to_string(), field.to_string()), bound);
        }
        // A type reached through a field, an argument or `ofType` may be any type: its lists
        // count at the longest such list of the schema (the introspection types have at most
        // 9 fields and 8 enum values themselves).
        for (field, bound) in [
            ("fields", sizes.most_fields.max(9)),
            ("interfaces", sizes.most_interfaces.max(1)),
            ("possibleTypes", sizes.with_fields.max(1)),
            ("enumValues", sizes.most_enum_values.max(8)),
            ("inputFields", sizes.most_input_fields.max(1)),
        ] {
            self.introspection
                .insert((ONE_TYPE.to_string(), field.to_string()), bound);
        }
    }

    /// Every `(type, field)` whose value is a plain list of objects: the lists that need a
    /// bound in [`LIST_BOUNDS`].
    pub fn object_lists(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = self
            .fields
            .iter()
            .filter(|((parent, _), ft)| {
                ft.list
                    && !parent.starts_with("__")
                    && !is_connection(parent)
                    && self.fields.keys().any(|(t, _)| *t == ft.named)
            })
            .map(|(k, _)| k.clone())
            .collect();
        out.sort();
        out
    }
}

/// The sizes of the schema's introspection lists: the number of types and directives, and
/// the average length of the lists each type, field or directive has. Averages, not maxima: a
/// query walks each type's fields under the list of all types, so count × average is the
/// exact total, where count × maximum overstated the IDE's own query fourfold.
#[derive(Debug, Default)]
struct IntrospectionSizes {
    types: usize,
    directives: usize,
    /// Types with fields (objects and interfaces), and their fields.
    with_fields: usize,
    fields: usize,
    /// Fields and directives, and their arguments.
    with_args: usize,
    args: usize,
    enums: usize,
    enum_values: usize,
    inputs: usize,
    input_fields: usize,
    interfaces: usize,
    /// The longest of each list on one type, for a type reached one at a time (a field's
    /// type), where any type may be the one.
    most_fields: usize,
    most_enum_values: usize,
    most_input_fields: usize,
    most_interfaces: usize,
}

impl IntrospectionSizes {
    fn average(total: usize, count: usize) -> usize {
        total.div_ceil(count.max(1)).max(1)
    }
}

fn field_type(ty: &Type) -> FieldType {
    match &ty.base {
        BaseType::Named(name) => FieldType {
            named: name.to_string(),
            list: false,
        },
        BaseType::List(inner) => FieldType {
            list: true,
            ..field_type(inner)
        },
    }
}

fn is_connection(type_name: &str) -> bool {
    type_name.ends_with("Connection")
}

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
    match &document.operations {
        DocumentOperations::Single(op) => Some(op.node.ty),
        DocumentOperations::Multiple(ops) => match name {
            Some(name) => ops
                .iter()
                .find(|(n, _)| n.as_str() == name)
                .map(|(_, op)| op.node.ty),
            None if ops.len() == 1 => ops.values().next().map(|op| op.node.ty),
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
