//! A generator of hostile documents, and the property every transport relies on: each one is
//! refused by the checks or runs through async-graphql (parse, validation, execution) within
//! the time limit — on a thread whose stack is a quarter of a worker's, so that a walk that
//! recursed without a bound would overflow here, in the test, rather than hide behind a large
//! stack. `PLANGRAPH_FUZZ_SEED` and `PLANGRAPH_FUZZ_CASES` choose another run.

use std::fmt::Write;

/// xorshift64*: enough randomness to shape documents, reproducible from its seed.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    pub fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) as usize % n.max(1)
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

/// The most text a document grows to: past the body limit (64 KiB), so that some are refused
/// for their size alone, but not by much.
const BUDGET: usize = 80 * 1024;

/// Object fields of the schema's plans and domains, and the type each leads to.
const OBJECTS: &[(&str, &str, &str)] = &[("Plan", "domains", "Domain"), ("Domain", "plan", "Plan")];
const SCALARS: &[(&str, &str)] = &[
    ("Plan", "code"),
    ("Plan", "title"),
    ("Plan", "noticeTitle"),
    ("Domain", "title"),
    ("Domain", "id"),
];

/// One hostile document: fragments spreading each other (cycles included), chains, fields
/// and spreads repeated thousands of times, inline fragments, directives and variables.
pub struct Generator<'a> {
    rng: &'a mut Rng,
    fragments: usize,
    /// Bytes written so far at every level (a nested selection is written apart first).
    size: usize,
    /// A tame document spreads only later fragments (no cycles) and nests at most 4 levels,
    /// so that a good share of the documents gets through the checks to validation.
    tame: bool,
    /// The fragment being written (spreads in a tame one go to later ones).
    within: usize,
}

impl Generator<'_> {
    fn selection_set(&mut self, out: &mut String, on: &str, depth: usize) {
        if self.size > BUDGET {
            out.push_str("{ __typename } ");
            return;
        }
        out.push_str("{ ");
        let items = 1 + self.rng.below(4);
        for _ in 0..items {
            self.selection(out, on, depth);
        }
        out.push_str("} ");
    }

    fn selection(&mut self, out: &mut String, on: &str, depth: usize) {
        let repeat = match self.rng.below(40) {
            0 => 300 + self.rng.below(3_000),
            1..=3 => 2 + self.rng.below(50),
            _ => 1,
        };
        let mut one = String::new();
        match self.rng.below(10) {
            0..=3 => {
                let scalars: Vec<_> = SCALARS.iter().filter(|(t, _)| *t == on).collect();
                let (_, field) = scalars[self.rng.below(scalars.len())];
                if self.rng.chance(10) {
                    let _ = write!(one, "a{}: ", self.rng.below(60));
                }
                one.push_str(field);
                self.directives(&mut one);
                one.push(' ');
            }
            4..=6 if depth < self.deepest() => {
                let objects: Vec<_> = OBJECTS.iter().filter(|(t, _, _)| *t == on).collect();
                let (_, field, to) = objects[self.rng.below(objects.len())];
                one.push_str(field);
                self.directives(&mut one);
                one.push(' ');
                self.selection_set(&mut one, to, depth + 1);
            }
            7 if depth < self.deepest() => {
                let _ = write!(one, "... on {on} ");
                self.directives(&mut one);
                self.selection_set(&mut one, on, depth + 1);
            }
            _ if self.within < self.fragments => {
                let from = if self.tame { self.within } else { 0 };
                let to = from + self.rng.below(self.fragments - from);
                let _ = write!(one, "...F{to} ");
                self.directives(&mut one);
            }
            _ => one.push_str("__typename "),
        }
        // Past the body limit a document never reaches the checks: stop growing it there
        // (repeats inside repeats would otherwise grow it exponentially).
        let room = BUDGET.saturating_sub(self.size) / one.len().max(1);
        for _ in 0..repeat.min(room.max(1)) {
            out.push_str(&one);
            self.size += one.len();
        }
    }

    fn deepest(&self) -> usize {
        if self.tame {
            4
        } else {
            40
        }
    }

    fn directives(&mut self, out: &mut String) {
        match self.rng.below(8) {
            0 => out.push_str(" @include(if: $yes)"),
            1 => out.push_str(" @skip(if: false)"),
            2 => out.push_str(" @skip(if: $yes) @include(if: true)"),
            _ => {}
        }
    }

    /// A whole document: one operation and its fragments, all on `Plan` (so spreads fit
    /// wherever a plan is selected).
    pub fn document(rng: &mut Rng) -> String {
        let fragments = rng.below(12);
        let mut g = Generator {
            rng,
            fragments,
            size: 0,
            tame: false,
            within: 0,
        };
        g.tame = g.rng.chance(50);
        let mut out = String::from("query Q($yes: Boolean = true) { plans ");
        g.selection_set(&mut out, "Plan", 1);
        out.push_str("} ");
        for n in 0..fragments {
            g.within = n + 1;
            let _ = write!(out, "fragment F{n} on Plan ");
            // Some fragments are chains: one field deep, then the next fragment.
            if g.rng.chance(40) && n + 1 < fragments {
                let _ = write!(out, "{{ domains {{ plan {{ ...F{} }} }} code }} ", n + 1);
            } else {
                g.selection_set(&mut out, "Plan", 1);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::time::Instant;

    use async_graphql::{Request, Variables};

    use super::*;
    use crate::config::Limits;
    use crate::limits::bounds::LiveBounds;
    use crate::limits::check::Checker;

    /// What the server does with a request's text, in its order; whether it ran.
    async fn serve(checker: &Checker, schema: &crate::graphql::AppSchema, text: &str) -> bool {
        if checker.check_text(text).is_err() {
            return false;
        }
        let Ok(document) = async_graphql::parser::parse_query(text) else {
            return false;
        };
        if checker.check(&document, &Variables::default()).is_err() {
            return false;
        }
        let started = Instant::now();
        let _ = schema.execute(Request::new(text)).await;
        let took = started.elapsed();
        assert!(
            took < checker.limits.timeout,
            "an accepted document ran {took:?}: {text}"
        );
        true
    }

    #[test]
    fn every_hostile_document_is_refused_or_runs_within_the_limits() {
        let seed = std::env::var("PLANGRAPH_FUZZ_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(0x5eed_2026_1206_u64);
        let cases: usize = std::env::var("PLANGRAPH_FUZZ_CASES")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(400);
        // A worker's stack is 2 MiB; this thread has 512 KiB.
        let run = std::thread::Builder::new()
            .stack_size(512 * 1024)
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                runtime.block_on(async move {
                    let limits = Limits::default();
                    let checker = Checker::new(limits.clone(), Arc::new(LiveBounds::default()));
                    checker.learn_table(crate::graphql::cost_table());
                    let schema = crate::graphql::build_schema(None);
                    let mut rng = Rng::new(seed);
                    let (mut ran, mut refused, mut too_long) = (0, 0, 0);
                    for _ in 0..cases {
                        let text = Generator::document(&mut rng);
                        if text.len() > limits.body_bytes {
                            too_long += 1;
                            continue;
                        }
                        if serve(&checker, &schema, &text).await {
                            ran += 1;
                        } else {
                            refused += 1;
                        }
                    }
                    (ran, refused, too_long)
                })
            })
            .unwrap();
        let (ran, refused, too_long) = run.join().unwrap();
        eprintln!("seed {seed:#x}: {ran} ran, {refused} refused, {too_long} over the body limit");
        // The generator makes both kinds, or it tests nothing.
        assert!(ran >= cases / 10, "{ran} ran");
        assert!(refused >= cases / 10, "{refused} refused");
    }

    #[test]
    fn the_checks_survive_documents_past_any_limit_on_a_small_stack() {
        // The worst shapes made directly, far larger than the body limit allows: the checks
        // alone must not recurse with them (the body limit is a setting, not a proof). The
        // cost table is read from the schema on a normal stack, as the server does at start:
        // building the schema walks its type graph, which grows with the schema, not the input.
        let table = crate::graphql::cost_table();
        let run = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(move || {
                let checker = Checker::new(Limits::default(), Arc::new(LiveBounds::default()));
                checker.learn_table(table);
                let mut chain = String::from("{ plans { ...F0 } }");
                for n in 0..20_000 {
                    let _ = write!(
                        chain,
                        " fragment F{n} on Plan {{ domains {{ plan {{ ...F{} }} }} }}",
                        n + 1
                    );
                }
                chain.push_str(" fragment F20000 on Plan { code }");
                let document = async_graphql::parser::parse_query(&chain).unwrap();
                checker.check(&document, &Variables::default()).err()
            })
            .unwrap();
        let refused = run.join().unwrap();
        assert_eq!(refused.map(|r| r.code), Some(crate::limits::LIMIT_EXCEEDED));
    }
}
