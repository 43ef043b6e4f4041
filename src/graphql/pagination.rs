//! Relay connection types: one macro that gives each node type its connection and edge, with
//! descriptions, built from a [`Page`](crate::repo::page::Page) the read side returns.
//!
//! A connection keeps the page's rows once, with their sort keys: `nodes` and `edges` lend
//! them, and a cursor is encoded only when a client selects it (most clients never ask for
//! cursors, and a page's rows are the bulk of its answer).

/// A Relay connection type and its edge type for one node type, with descriptions.
macro_rules! connection {
    ($connection:ident, $edge:ident, $node:ty, $what:literal) => {
        #[doc = concat!("A page of ", $what, " (Relay connection).")]
        pub struct $connection($crate::repo::page::Page<$node>);

        #[doc = concat!("A page of ", $what, " (Relay connection).")]
        #[async_graphql::Object]
        impl $connection {
            #[doc = concat!("The ", $what, " of this page, each with its cursor.")]
            async fn edges(&self) -> Vec<$edge<'_>> {
                self.0
                    .edges
                    .iter()
                    .map(|(key, node)| $edge { key, node })
                    .collect()
            }

            #[doc = concat!("The ", $what, " of this page.")]
            async fn nodes(&self) -> Vec<&$node> {
                self.0.edges.iter().map(|(_, node)| node).collect()
            }

            /// Cursors and whether there are pages before and after this one.
            async fn page_info(&self) -> async_graphql::connection::PageInfo {
                $crate::graphql::pagination::page_info(&self.0)
            }

            /// How many items match the filter, over all pages.
            async fn total_count(&self) -> u64 {
                self.0.total_count
            }
        }

        #[doc = concat!("One of ", $what, " with its cursor.")]
        pub struct $edge<'a> {
            key: &'a $crate::repo::page::SortKey,
            node: &'a $node,
        }

        #[doc = concat!("One of ", $what, " with its cursor.")]
        #[async_graphql::Object]
        impl<'a> $edge<'a> {
            /// Opaque cursor: pass it as `after` or `before` to continue from here.
            async fn cursor(&self) -> String {
                self.key.cursor()
            }

            /// The item.
            async fn node(&self) -> &$node {
                self.node
            }
        }

        impl From<$crate::repo::page::Page<$node>> for $connection {
            fn from(page: $crate::repo::page::Page<$node>) -> Self {
                $connection(page)
            }
        }
    };
}
pub(crate) use connection;

/// A page's first and last cursors and whether there are pages before and after it.
pub fn page_info<N>(page: &crate::repo::page::Page<N>) -> async_graphql::connection::PageInfo {
    async_graphql::connection::PageInfo {
        has_previous_page: page.has_previous_page,
        has_next_page: page.has_next_page,
        start_cursor: page.edges.first().map(|(k, _)| k.cursor()),
        end_cursor: page.edges.last().map(|(k, _)| k.cursor()),
    }
}
