//! A burst of first requests for a download after a change costs one build of its scope, not
//! one per request: the statements the server runs are counted.

use std::sync::atomic::Ordering;

use crate::on_both_backends;
use crate::support::{publish, TestApp};

const FILE: &str = "/downloads/all/values.csv";

async fn get(app: &TestApp) -> Vec<u8> {
    let r = app
        .client
        .get(format!("{}{FILE}", app.address))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status().as_u16(), 200);
    r.bytes().await.unwrap_or_default().to_vec()
}

/// The statements `asked` runs.
async fn spent<F: std::future::Future>(app: &TestApp, asked: F) -> (u64, F::Output) {
    let before = app.statements.load(Ordering::SeqCst);
    let out = asked.await;
    (app.statements.load(Ordering::SeqCst) - before, out)
}

on_both_backends!(
    first_requests_together_build_a_download_once,
    |backend| async move {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        let burst = || futures_util::future::join_all((0..16).map(|_| get(&app)));
        let (together, answers) = spent(&app, burst()).await;
        assert!(answers.iter().all(|a| a == &answers[0] && !a.is_empty()));
        // what a request costs besides a build (the data version), and what one build costs
        let (per_request, _) = spent(&app, get(&app)).await;
        publish(&app.db, "health/table1/4", 2024, 2.1).await;
        let (alone, changed) = spent(&app, get(&app)).await;
        assert!(changed != answers[0], "the published value is in the file");
        let build = alone - per_request;
        assert!(build > 3, "{alone} statements for a build and a request");
        let building = together - 16 * per_request;
        assert!(
            (build..2 * build).contains(&building),
            "sixteen first requests ran {building} statements building, one build {build}"
        );
    }
);
