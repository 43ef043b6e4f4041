//! The pages in a real browser: the system's Chromium (Debian's package, never a downloaded
//! one) driven by puppeteer-core, with axe-core for accessibility (tests/node/check.mjs).
//!
//! The setup installs the npm packages into tests/node/node_modules when they are missing.
//! Without Node.js, Chromium or the npm registry the test says so loudly and passes, unless
//! PLANGRAPH_REQUIRE_BROWSER=1 (CI), where that is a failure.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::support::{Backend, TestApp};

fn skip(why: &str) {
    crate::support::skipped(
        &format!("*** SKIPPED: the browser check of the pages: {why}"),
        "PLANGRAPH_REQUIRE_BROWSER",
    );
}

fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("CHROMIUM")
        .map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    path.exists().then_some(path)
}

pub(crate) fn ready(dir: &Path) -> Result<(), String> {
    let node = Command::new("node").arg("--version").output();
    if !node.is_ok_and(|o| o.status.success()) {
        return Err("no node on PATH".into());
    }
    let packages = ["puppeteer-core", "axe-core", "graphql-ws", "@apollo/client"];
    if packages
        .iter()
        .all(|p| dir.join("node_modules").join(p).exists())
    {
        return Ok(());
    }
    let installed = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(dir)
        .status()
        .is_ok_and(|s| s.success());
    if installed {
        Ok(())
    } else {
        Err(format!("npm ci in {} failed", dir.display()))
    }
}

#[tokio::test]
async fn pages_render_in_chromium_self_contained_accessible_with_the_chart() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/node");
    let Some(chromium) = chromium() else {
        return skip("no Chromium at /usr/bin/chromium (apt-get install -y chromium) or $CHROMIUM");
    };
    if let Err(why) = ready(&dir) {
        return skip(&why);
    }
    let Some(app) = TestApp::spawn(Backend::Sqlite).await else {
        return;
    };
    let body = app
        .query(r#"{ indicators(filter: { text: "婴儿死亡率" }) { nodes { id } } }"#)
        .await;
    let infant = body["data"]["indicators"]["nodes"][0]["id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let indicator = format!("/indicators/{infant}");
    crate::workflow::user(&app, "stats.dai", plangraph::auth::UserRole::Reviewer, None).await;
    let dai = crate::workflow::login(&app, "stats.dai").await;
    let frozen = app
        .query_as(
            Some(&dai),
            "mutation { freezeEvaluation(input: { kind: MIDTERM, planCode: \"health\", throughYear: 2022 }) { id } }",
            serde_json::json!({}),
        )
        .await;
    let report = format!(
        "/evaluations/{}",
        frozen["data"]["freezeEvaluation"]["id"]
            .as_str()
            .unwrap_or("")
    );
    let paths: Vec<String> = [
        "/",
        "/plans/women",
        "/plans/children",
        "/plans/health",
        "/plans/earthquake",
        indicator.as_str(),
        report.as_str(),
    ]
    .map(String::from)
    .to_vec();
    let count = paths.len();
    let address = app.address.clone();
    let pdfs = std::env::temp_dir().join(format!("plangraph-pdf-{}", std::process::id()));
    std::fs::create_dir_all(&pdfs).unwrap_or_else(|e| panic!("{e}"));
    let pdf_dir = pdfs.clone();
    let out = tokio::task::spawn_blocking(move || {
        Command::new("node")
            .arg("check.mjs")
            .arg(&address)
            .args(&paths)
            .env("CHROMIUM", chromium)
            .env("PDF_DIR", &pdf_dir)
            .current_dir(&dir)
            .output()
    })
    .await
    .unwrap_or_else(|e| panic!("{e}"))
    .unwrap_or_else(|e| panic!("node: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let pages: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert_eq!(
        pages.len(),
        count,
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for page in &pages {
        assert_eq!(page["ok"], true, "{page}");
        assert_eq!(page["foreign"], serde_json::json!([]), "{page}");
        assert_eq!(
            page["axe"].as_array().map_or(1, |a| a
                .iter()
                .filter(|v| v["impact"] == "serious" || v["impact"] == "critical")
                .count()),
            0,
            "{page}"
        );
    }
    let chart = &pages[5]["chart"];
    assert_eq!(pages[5]["path"], indicator.as_str());
    assert_eq!(chart["values"], 1, "{chart}");
    // three plans set the same 2025 level: drawn once
    assert_eq!(chart["targets"], 1, "{chart}");
    assert!(chart["fontMin"].as_f64().unwrap_or(0.0) >= 11.0, "{chart}");
    assert!(
        chart["series"]["width"].as_f64().unwrap_or(0.0) > 0.0,
        "{chart}"
    );
    assert!(chart["drawn"].as_f64().unwrap_or(0.0) > 300.0, "{chart}");
    assert!(out.status.success());
    printed_report(pages[6]["pdf"].as_str().unwrap_or_default());
    let _ = std::fs::remove_dir_all(&pdfs);
}

/// The evaluation's report as Chromium printed it: A4 pages carrying its Chinese text (read
/// back with poppler's pdfinfo and pdftotext; skipped without them unless required).
fn printed_report(pdf: &str) {
    let run = |tool: &str, args: &[&str]| {
        Command::new(tool)
            .args(args)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).to_string())
    };
    let (Some(info), Some(text)) = (run("pdfinfo", &[pdf]), run("pdftotext", &[pdf, "-"])) else {
        return skip(
            "no pdfinfo/pdftotext to read the printed report (apt-get install -y poppler-utils)",
        );
    };
    assert!(info.contains("(A4)"), "{info}");
    let pages: u32 = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0);
    assert!(pages >= 2, "{info}");
    // Text that only a font with the Chinese glyphs keeps (tofu boxes extract as nothing).
    for said in [
        "中期评估",
        "达标率",
        "滞后的约束性目标",
        "每万人口全科医生数",
    ] {
        assert!(
            text.contains(said),
            "{said} not in the printed report:\n{text}"
        );
    }
}
