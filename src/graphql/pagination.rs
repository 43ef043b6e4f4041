//! Relay connection types: one macro that gives each node type its connection and edge, with
//! descriptions, built from a [`Page`](crate::repo::page::Page) the read side returns.

/// A Relay connection type and its edge type for one node type, with descriptions.
macro_rules! connection {
    ($connection:ident, $edge:ident, $node:ty, $what:literal) => {
        #[doc = concat!("A page of ", $what, " (Relay connection).")]
        #[derive(async_graphql::SimpleObject)]
        pub struct $connection {
            #[doc = concat!("The ", $what, " of this page, each with its cursor.")]
            pub edges: Vec<$edge>,
            #[doc = concat!("The ", $what, " of this page.")]
            pub nodes: Vec<$node>,
            /// Cursors and whether there are pages before and after this one.
            pub page_info: async_graphql::connection::PageInfo,
            /// How many items match the filter, over all pages.
            pub total_count: u64,
        }

        #[doc = concat!("One of ", $what, " with its cursor.")]
        #[derive(async_graphql::SimpleObject)]
        pub struct $edge {
            /// Opaque cursor: pass it as `after` or `before` to continue from here.
            pub cursor: String,
            /// The item.
            pub node: $node,
        }

        impl From<$crate::repo::page::Page<$node>> for $connection {
            fn from(page: $crate::repo::page::Page<$node>) -> Self {
                let nodes = page.edges.iter().map(|(_, n)| n.clone()).collect();
                $connection {
                    edges: page
                        .edges
                        .into_iter()
                        .map(|(cursor, node)| $edge { cursor, node })
                        .collect(),
                    nodes,
                    page_info: page.page_info,
                    total_count: page.total_count,
                }
            }
        }
    };
}
pub(crate) use connection;
