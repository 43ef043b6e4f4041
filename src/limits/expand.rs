//! The size and depth of a document as if every fragment spread were written out in place,
//! computed before anything else walks the document (the cost estimate, async-graphql's
//! validation, execution).
//!
//! The raw bracket scan bounds what the text nests, but a spread nests its fragment where it
//! stands: 67 shallow fragments, each spreading the next, expand to 4,000 levels, and any walk
//! that recurses per level overflows a worker's stack. One fragment spread thousands of times
//! is small as text and large as work (async-graphql's validation compares each selection set
//! it enters with every fragment spread below it). So the expansion is measured without
//! expanding: each definition is walked once, with a loop and an explicit stack, into what it
//! holds itself and the spreads it makes at which depth; the fragments are then combined in
//! dependency order, again with a loop. The work is linear in the text, whatever it spreads.

use std::collections::HashMap;

use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use async_graphql::Name;

/// The fully expanded document: its selections (fields, inline fragments and spreads, each
/// spread's fragment counted again at every use) and its deepest nesting of selection sets
/// (a field's selection, an inline fragment and a spread each open one level).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Expanded {
    pub selections: usize,
    pub depth: usize,
}

/// Why a document has no finite expansion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unbounded {
    /// The named fragment spreads itself, directly or through others.
    Cycle(String),
}

/// One definition's own selections, and the fragments it spreads with the depth each spread
/// stands at.
struct Local<'a> {
    selections: usize,
    depth: usize,
    spreads: Vec<(&'a Name, usize)>,
}

/// Walks one selection set with an explicit stack: no recursion, however deep the text.
fn local(set: &SelectionSet) -> Local<'_> {
    let mut out = Local {
        selections: 0,
        depth: 1,
        spreads: Vec::new(),
    };
    let mut stack: Vec<(&SelectionSet, usize)> = vec![(set, 1)];
    while let Some((set, depth)) = stack.pop() {
        out.depth = out.depth.max(depth);
        for item in &set.items {
            out.selections = out.selections.saturating_add(1);
            match &item.node {
                Selection::Field(f) => {
                    if !f.node.selection_set.node.items.is_empty() {
                        stack.push((&f.node.selection_set.node, depth + 1));
                    }
                }
                Selection::InlineFragment(i) => stack.push((&i.node.selection_set.node, depth + 1)),
                Selection::FragmentSpread(s) => {
                    out.spreads.push((&s.node.fragment_name.node, depth))
                }
            }
        }
    }
    out
}

/// Combines a definition's own measure with those of the fragments it spreads (all known).
fn combine(own: &Local<'_>, done: &HashMap<&Name, Expanded>) -> Expanded {
    let mut e = Expanded {
        selections: own.selections,
        depth: own.depth,
    };
    for (name, at) in &own.spreads {
        // A spread of a fragment the document does not define adds nothing (validation
        // refuses it).
        let inner = done.get(name).copied().unwrap_or_default();
        e.selections = e.selections.saturating_add(inner.selections);
        e.depth = e.depth.max(at.saturating_add(inner.depth));
    }
    e
}

/// The expansion of every fragment, in dependency order, by a loop over an explicit stack.
fn fragments<'a>(
    locals: &HashMap<&'a Name, Local<'a>>,
) -> Result<HashMap<&'a Name, Expanded>, Unbounded> {
    let mut done: HashMap<&Name, Expanded> = HashMap::with_capacity(locals.len());
    let mut on_path: std::collections::HashSet<&Name> = Default::default();
    for start in locals.keys() {
        if done.contains_key(start) {
            continue;
        }
        // (fragment, whether its spreads have been pushed)
        let mut stack: Vec<(&Name, bool)> = vec![(start, false)];
        while let Some((name, expanded)) = stack.pop() {
            let Some(own) = locals.get(name) else {
                continue;
            };
            if expanded {
                on_path.remove(name);
                let e = combine(own, &done);
                done.insert(name, e);
                continue;
            }
            if done.contains_key(name) {
                continue;
            }
            on_path.insert(name);
            stack.push((name, true));
            for (spread, _) in &own.spreads {
                if on_path.contains(spread) {
                    return Err(Unbounded::Cycle(spread.to_string()));
                }
                if !done.contains_key(spread) {
                    stack.push((spread, false));
                }
            }
        }
    }
    Ok(done)
}

/// The expanded size of the whole document: every operation, and every fragment no operation
/// spreads (validation walks those too).
pub fn measure(document: &ExecutableDocument) -> Result<Expanded, Unbounded> {
    let locals: HashMap<&Name, Local<'_>> = document
        .fragments
        .iter()
        .map(|(name, f)| (name, local(&f.node.selection_set.node)))
        .collect();
    let done = fragments(&locals)?;
    let mut total = Expanded::default();
    let mut used: std::collections::HashSet<&Name> = Default::default();
    for (_, operation) in document.operations.iter() {
        let own = local(&operation.node.selection_set.node);
        let e = combine(&own, &done);
        total.selections = total.selections.saturating_add(e.selections);
        total.depth = total.depth.max(e.depth);
        // Every fragment reachable from an operation is counted in it.
        let mut stack: Vec<&Name> = own.spreads.iter().map(|(n, _)| *n).collect();
        while let Some(name) = stack.pop() {
            if used.insert(name) {
                if let Some(l) = locals.get(name) {
                    stack.extend(l.spreads.iter().map(|(n, _)| *n));
                }
            }
        }
    }
    for (name, e) in &done {
        if !used.contains(name) {
            total.selections = total.selections.saturating_add(e.selections);
            total.depth = total.depth.max(e.depth);
        }
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expanded(query: &str) -> Result<Expanded, Unbounded> {
        measure(&async_graphql::parser::parse_query(query).unwrap())
    }

    #[test]
    fn counts_selections_and_nesting_as_written() {
        let e = expanded("{ plans { code domains { title } } }").unwrap();
        assert_eq!(
            e,
            Expanded {
                selections: 4,
                depth: 3
            }
        );
        let e = expanded("{ plans { ... on Plan { code } } }").unwrap();
        assert_eq!(
            e,
            Expanded {
                selections: 3,
                depth: 3
            }
        );
    }

    #[test]
    fn a_spread_counts_its_fragment_at_every_use() {
        let q = "{ plans { ...F ...F ...F } } fragment F on Plan { code title }";
        // plans + 3 spreads + 3 × 2 fields
        assert_eq!(
            expanded(q).unwrap(),
            Expanded {
                selections: 10,
                depth: 3
            }
        );
    }

    #[test]
    fn a_chain_of_spreads_nests_as_deep_as_it_expands() {
        // 300 fragments, each a field holding the next: 300 levels once expanded, although the
        // text never nests more than three brackets.
        let mut q = String::from("{ plans { ...F0 } }");
        for n in 0..300 {
            q.push_str(&format!(
                " fragment F{n} on Plan {{ domains {{ plan {{ ...F{} }} }} }}",
                n + 1
            ));
        }
        q.push_str(" fragment F300 on Plan { code }");
        let e = expanded(&q).unwrap();
        assert_eq!(e.depth, 2 + 300 * 3 + 1);
        assert_eq!(e.selections, 2 + 300 * 3 + 1);
    }

    #[test]
    fn doubling_spreads_saturate_instead_of_expanding() {
        let mut q = String::from("{ plans { ...F0 } }");
        for n in 0..200 {
            q.push_str(&format!(
                " fragment F{n} on Plan {{ ...F{} ...F{} }}",
                n + 1,
                n + 1
            ));
        }
        q.push_str(" fragment F200 on Plan { code }");
        let e = expanded(&q).unwrap();
        assert_eq!(e.selections, usize::MAX);
        assert_eq!(e.depth, 2 + 200 + 1);
    }

    #[test]
    fn cycles_are_named() {
        let q = "{ plans { ...A } } fragment A on Plan { domains { plan { ...B } } } fragment B on Plan { ...A }";
        assert!(matches!(expanded(q), Err(Unbounded::Cycle(_))));
        assert!(matches!(
            expanded("{ plans { ...A } } fragment A on Plan { ...A }"),
            Err(Unbounded::Cycle(n)) if n == "A"
        ));
    }

    #[test]
    fn unused_fragments_count_too() {
        let q = "{ plans { code } } fragment U on Plan { code title }";
        assert_eq!(expanded(q).unwrap().selections, 2 + 2);
    }
}
