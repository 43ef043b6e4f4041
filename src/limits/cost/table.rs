//! The schema as the cost measure reads it: each type's fields with their types, and the
//! introspection types sized by the schema itself.

use std::collections::HashMap;

use async_graphql::parser::types::{
    BaseType, ServiceDocument, Type, TypeKind, TypeSystemDefinition,
};

#[derive(Debug, Clone)]
pub(super) struct FieldType {
    /// The named type at the bottom of any list wrappers.
    pub(super) named: String,
    pub(super) list: bool,
}

/// The output fields of the schema's object and interface types, read from its SDL, and the
/// introspection types every schema has, with the largest lists they can return.
#[derive(Debug, Clone, Default)]
pub struct TypeTable {
    pub(super) fields: HashMap<(String, String), FieldType>,
    /// The bounds of the introspection lists (`__Schema.types` …), measured on the SDL.
    pub(super) introspection: HashMap<(String, String), usize>,
    pub(super) query: String,
    pub(super) mutation: String,
    pub(super) subscription: String,
}

/// The introspection types' output fields (GraphQL specification, section 4.2), as
/// `(type, field, named type, list)`.
pub(super) const INTROSPECTION: &[(&str, &str, &str, bool)] = &[
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
pub(super) const ONE_TYPE: &str = "__Type (one)";

/// Types every schema has that its SDL leaves out: the built-in scalars and the eight
/// introspection types.
pub(super) const UNLISTED_TYPES: usize = 5 + 8;

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
                        TypeKind::Union(u) => {
                            sizes.possible += u.members.len();
                            continue;
                        }
                        TypeKind::Scalar => continue,
                    };
                    sizes.with_fields += 1;
                    sizes.fields += fields.len();
                    sizes.interfaces += implements;
                    // An object is a possible type of each interface it implements.
                    sizes.possible += implements;
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
                // Every interface's and union's possible types together: one per
                // implementation and one per member.
                ("__Type", "possibleTypes") => average(sizes.possible, sizes.with_fields),
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
pub(super) struct IntrospectionSizes {
    pub(super) types: usize,
    pub(super) directives: usize,
    /// Types with fields (objects and interfaces), and their fields.
    pub(super) with_fields: usize,
    pub(super) fields: usize,
    /// Fields and directives, and their arguments.
    pub(super) with_args: usize,
    pub(super) args: usize,
    pub(super) enums: usize,
    pub(super) enum_values: usize,
    pub(super) inputs: usize,
    pub(super) input_fields: usize,
    pub(super) interfaces: usize,
    /// Implementations of interfaces and members of unions: all `possibleTypes` together.
    pub(super) possible: usize,
    /// The longest of each list on one type, for a type reached one at a time (a field's
    /// type), where any type may be the one.
    pub(super) most_fields: usize,
    pub(super) most_enum_values: usize,
    pub(super) most_input_fields: usize,
    pub(super) most_interfaces: usize,
}

impl IntrospectionSizes {
    fn average(total: usize, count: usize) -> usize {
        total.div_ceil(count.max(1)).max(1)
    }
}

pub(super) fn field_type(ty: &Type) -> FieldType {
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

pub(super) fn is_connection(type_name: &str) -> bool {
    type_name.ends_with("Connection")
}
