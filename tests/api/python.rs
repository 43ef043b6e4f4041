//! Standard readers the downloads must satisfy: Python's `csv`, openpyxl, rdflib, pyshacl,
//! frictionless and csvw, in a
//! virtual environment this test setup creates once per run (under the target directory).
//!
//! Without PyPI the environment cannot be made: the tests that need it say so loudly and pass,
//! unless PLANGRAPH_REQUIRE_PY=1 (CI), where that is a failure.

use std::path::PathBuf;
use std::process::Command;

use tokio::sync::OnceCell;

static VENV: OnceCell<Option<PathBuf>> = OnceCell::const_new();

const PACKAGES: &[&str] = &[
    "openpyxl==3.1.5",
    "rdflib==7.1.1",
    "pyshacl==0.30.1",
    "frictionless==5.21.0",
    "csvw==4.1.1",
];

/// The environment's python, or None (said loudly) when it cannot be made.
pub async fn python() -> Option<PathBuf> {
    VENV.get_or_init(|| async {
        tokio::task::spawn_blocking(make)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
    })
    .await
    .clone()
}

fn make() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("test-venv");
    let python = dir.join("bin").join("python");
    let stamp = dir.join(PACKAGES.join(" ").replace(['=', ' '], "_"));
    if stamp.exists() {
        return Some(python);
    }
    let made = Command::new("python3")
        .args(["-m", "venv"])
        .arg(&dir)
        .status()
        .is_ok_and(|s| s.success())
        && Command::new(&python)
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
            ])
            .args(PACKAGES)
            .status()
            .is_ok_and(|s| s.success());
    if made {
        let _ = std::fs::write(&stamp, "");
        return Some(python);
    }
    let message = format!(
        "*** SKIPPED: the download checks with Python's csv, openpyxl and rdflib: could not \
         make {} (python3 -m venv, pip install {})",
        dir.display(),
        PACKAGES.join(" ")
    );
    crate::support::skipped(&message, "PLANGRAPH_REQUIRE_PY");
    None
}

/// Runs a Python script with one argument (a file path) and returns what it printed as JSON.
pub fn run(python: &PathBuf, script: &str, file: &std::path::Path) -> serde_json::Value {
    let out = Command::new(python)
        .arg("-c")
        .arg(script)
        .arg(file)
        .output()
        .unwrap_or_else(|e| panic!("python: {e}"));
    assert!(
        out.status.success(),
        "python failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "python printed no JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

/// Validates an RDF file against the DCAT-AP 3.0.1 shapes vendored in tests/fixtures (the
/// mandatory, recommended and range shapes; see the README there) and returns every result
/// as `{ severity, focus, path, message }`, sorted.
const SHACL: &str = r##"
import glob, json, sys
from rdflib import Graph, Namespace
from pyshacl import validate
SH = Namespace("http://www.w3.org/ns/shacl#")
path = sys.argv[1]
data = Graph().parse(path, format="turtle" if path.endswith(".ttl") else "json-ld")
shapes = Graph()
for f in sorted(glob.glob("SHAPES/*.ttl")):
    shapes.parse(f, format="turtle")
_, report, _ = validate(data, shacl_graph=shapes, inference="none")
out = [{
    "severity": str(report.value(r, SH.resultSeverity)).rsplit("#", 1)[-1],
    "focus": str(report.value(r, SH.focusNode)),
    "path": str(report.value(r, SH.resultPath)),
    "message": str(report.value(r, SH.resultMessage)),
} for r in report.subjects(SH.resultSeverity, None)]
print(json.dumps(sorted(out, key=lambda r: (r["path"], r["focus"])), ensure_ascii=False))
"##;

/// What the DCAT-AP shapes find in `body` (JSON-LD, or Turtle when `extension` is `ttl`).
pub fn dcat_ap_results(python: &PathBuf, body: &[u8], extension: &str) -> Vec<serde_json::Value> {
    let file = crate::downloads::tempfile_with(body, extension);
    let shapes = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/dcat-ap-3.0.1");
    let read = run(python, &SHACL.replace("SHAPES", shapes), &file);
    let _ = std::fs::remove_file(&file);
    read.as_array().cloned().unwrap_or_default()
}

/// The shapes' results that are not the recommended bounding box and centroid of a place:
/// neither is in the document, and coordinates nobody published would be invented.
pub fn dcat_ap_problems(results: &[serde_json::Value]) -> Vec<&serde_json::Value> {
    results
        .iter()
        .filter(|r| {
            !(r["severity"] == "Warning"
                && (r["path"] == "http://www.w3.org/ns/dcat#bbox"
                    || r["path"] == "http://www.w3.org/ns/dcat#centroid"))
        })
        .collect()
}
