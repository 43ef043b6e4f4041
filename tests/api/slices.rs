//! Nested pages read in SQL: the slice of many parents at once (a window over all of them)
//! is, parent for parent, the slice of each alone (a `LIMIT` query), forwards and backwards,
//! with and without a cursor, and both are what paging the whole list in order gives.

use entity::target;
use plangraph::repo::batch::TargetsOfDomain;
use plangraph::repo::loaders::for_schema as loaders;
use plangraph::repo::page::Slice;
use sea_orm::{EntityTrait, QueryOrder};

use crate::on_both_backends;
use crate::support::TestApp;

on_both_backends!(
    a_slice_of_many_parents_is_each_parents_own_slice,
    |backend| async move {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        let all = target::Entity::find()
            .order_by_asc(target::Column::LineStart)
            .order_by_asc(target::Column::Ordinal)
            .all(&app.db)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let mut domains: Vec<i32> = all.iter().filter_map(|t| t.domain_id).collect();
        domains.sort_unstable();
        domains.dedup();
        // More parents than one union takes: the window path.
        assert!(domains.len() > 8, "{} domains with targets", domains.len());
        // A position in the middle of the document, as a cursor carries it.
        let middle = &all[all.len() / 2];
        let at = Some((middle.line_start, middle.ordinal));
        let slices = [
            Slice {
                after: None,
                before: None,
                size: 2,
                backward: false,
            },
            Slice {
                after: at,
                before: None,
                size: 3,
                backward: false,
            },
            Slice {
                after: None,
                before: None,
                size: 2,
                backward: true,
            },
            Slice {
                after: None,
                before: at,
                size: 3,
                backward: true,
            },
        ];
        for slice in slices {
            let together = loaders(app.db.clone())
                .load_many(domains.iter().map(|d| TargetsOfDomain(*d, slice.clone())))
                .await
                .unwrap_or_else(|e| panic!("{e:?}"));
            for domain in &domains {
                let alone = loaders(app.db.clone())
                    .load_one(TargetsOfDomain(*domain, slice.clone()))
                    .await
                    .unwrap_or_else(|e| panic!("{e:?}"))
                    .unwrap_or_default();
                let many = together
                    .get(&TargetsOfDomain(*domain, slice.clone()))
                    .cloned()
                    .unwrap_or_default();
                let ids = |rows: &[target::Model]| rows.iter().map(|t| t.id).collect::<Vec<_>>();
                assert_eq!(ids(&many), ids(&alone), "domain {domain}, {slice:?}");
                // What paging the domain's whole list gives: the page and one more, in order.
                let key = |t: &target::Model| (t.line_start, t.ordinal);
                let own: Vec<&target::Model> = all
                    .iter()
                    .filter(|t| t.domain_id == Some(*domain))
                    .filter(|t| slice.after.is_none_or(|a| key(t) > a))
                    .filter(|t| slice.before.is_none_or(|b| key(t) < b))
                    .collect();
                let take = usize::try_from(slice.size).unwrap_or(0) + 1;
                let expected: Vec<i32> = if slice.backward {
                    own[own.len().saturating_sub(take)..]
                        .iter()
                        .map(|t| t.id)
                        .collect()
                } else {
                    own.iter().take(take).map(|t| t.id).collect()
                };
                assert_eq!(ids(&alone), expected, "domain {domain}, {slice:?}");
            }
        }
    }
);

on_both_backends!(
    nested_counts_equal_the_root_lists_counts,
    |backend| async move {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        let nested = app
            .query(
                "{ plans { code goals { totalCount } targets { totalCount } indicators { totalCount }
                   domains { id goals { totalCount } targets { totalCount nodes { goal { id } } } } } }",
            )
            .await;
        assert_eq!(nested.get("errors"), None, "{nested}");
        let count =
            |body: &serde_json::Value, list: &str| body["data"][list]["totalCount"].as_u64();
        let plans = nested["data"]["plans"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert_eq!(plans.len(), 4);
        for plan in &plans {
            let code = plan["code"].as_str().unwrap_or("");
            for list in ["goals", "targets", "indicators"] {
                let root = app
                    .query(&format!(
                        r#"{{ {list}(filter: {{ planCode: "{code}" }}) {{ totalCount }} }}"#
                    ))
                    .await;
                assert_eq!(
                    plan[list]["totalCount"].as_u64(),
                    count(&root, list),
                    "{code} {list}"
                );
            }
            for domain in plan["domains"].as_array().cloned().unwrap_or_default() {
                let id = domain["id"].as_str().unwrap_or("");
                let root = app
                    .query(&format!(
                        r#"{{ goals(filter: {{ domainId: "{id}" }}) {{ totalCount }} targets(filter: {{ domainId: "{id}" }}) {{ totalCount }} }}"#
                    ))
                    .await;
                assert_eq!(
                    domain["goals"]["totalCount"].as_u64(),
                    count(&root, "goals")
                );
                assert_eq!(
                    domain["targets"]["totalCount"].as_u64(),
                    count(&root, "targets")
                );
            }
        }
        // The document's own figures: health sets 103 targets; its 表1 rows are its indicators.
        assert_eq!(plans[2]["code"], "health");
        assert_eq!(plans[2]["targets"]["totalCount"], 103);
        // A goal's targets, counted through the goal and through the root list.
        let goal = app
            .query(r#"{ goals(first: 1, filter: { planCode: "women", text: "宫颈癌" }) { nodes { id targets { totalCount } } } }"#)
            .await;
        let node = &goal["data"]["goals"]["nodes"][0];
        let id = node["id"].as_str().unwrap_or("");
        let root = app
            .query(&format!(
                r#"{{ targets(filter: {{ goalId: "{id}" }}) {{ totalCount }} }}"#
            ))
            .await;
        assert_eq!(
            node["targets"]["totalCount"].as_u64(),
            count(&root, "targets")
        );
        assert!(
            node["targets"]["totalCount"].as_u64().unwrap_or(0) >= 1,
            "{goal}"
        );
    }
);
