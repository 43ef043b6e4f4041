//! Downloads and the catalog, fetched over HTTP from the real server and read back with
//! standard readers (Python's csv, openpyxl, rdflib), against what the GraphQL API says.

use std::collections::BTreeMap;

use plangraph::auth::UserRole;
use serde_json::{json, Value};

use crate::on_both_backends;
use crate::python;
use crate::support::TestApp;
use crate::workflow::{login, user, REVIEW, SUBMIT};

const CSV: &str = r#"
import csv, json, sys
with open(sys.argv[1], encoding="utf-8-sig", newline="") as f:
    rows = list(csv.reader(f))
print(json.dumps({"header": rows[0], "rows": rows[1:]}, ensure_ascii=False))
"#;

const XLSX: &str = r#"
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
out = {"sheets": wb.sheetnames, "rows": {}, "cells": {}}
for ws in wb.worksheets:
    rows = list(ws.iter_rows(values_only=True))
    out["rows"][ws.title] = len(rows) - 1
    out["cells"][ws.title] = [[c if c is None or isinstance(c, (int, float, str)) else str(c)
                               for c in r] for r in rows]
    out["types"] = out.get("types", {})
    out["types"][ws.title] = [[type(c).__name__ for c in r] for r in rows[1:3]]
    out.setdefault("filter", {})[ws.title] = ws.auto_filter.ref
    out.setdefault("frozen", {})[ws.title] = ws.freeze_panes
    out.setdefault("dimensions", {})[ws.title] = ws.dimensions
    out.setdefault("widths", {})[ws.title] = [
        ws.column_dimensions[openpyxl.utils.get_column_letter(n + 1)].width
        for n in range(ws.max_column)]
out["title"] = wb.properties.title
out["created"] = wb.properties.created.isoformat()
print(json.dumps(out, ensure_ascii=False))
"#;

/// A folder's datapackage.json validated by frictionless, and its csv-metadata.json read by
/// csvw: whether all is valid, the rows of each table by each, and the Python types csvw
/// gives a values row's year, value and year_inferred.
const DESCRIBED: &str = r#"
import json, os, sys
from frictionless import validate
from csvw import TableGroup
os.chdir(sys.argv[1])
report = validate("datapackage.json")
rows = [t.stats.get("rows") or 0 for t in report.tasks]
group = TableGroup.from_file("csv-metadata.json")
read = {str(t.url): list(t.iterdicts(strict=True)) for t in group.tables}
values = read["values.csv"]
types = [type(values[0][k]).__name__ for k in ("year", "value", "year_inferred")] if values else []
print(json.dumps({
    "valid": report.valid,
    "errors": [e.message for t in report.tasks for e in t.errors][:5],
    "frictionless": rows,
    "csvw": [len(read[n]) for n in ("targets.csv", "values.csv", "departments.csv")],
    "types": types,
}))
"#;

/// Whether the Turtle file (the argument) and the JSON-LD file JSONLD are the same graph.
const SAME_GRAPH: &str = r#"
import json, sys, rdflib
from rdflib.compare import isomorphic
a = rdflib.Graph().parse("JSONLD", format="json-ld")
b = rdflib.Graph().parse(sys.argv[1], format="turtle")
print(json.dumps({"isomorphic": isomorphic(a, b), "triples": len(a), "turtle": len(b)}))
"#;

const JSONLD: &str = r#"
import json, sys, rdflib
g = rdflib.Graph()
g.parse(sys.argv[1], format="json-ld")
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
print(json.dumps({
    "triples": len(g),
    "datasets": len(set(g.subjects(rdflib.RDF.type, DCAT.Dataset))),
    "distributions": len(set(g.subjects(rdflib.RDF.type, DCAT.Distribution))),
    "downloads": sorted(str(u) for u in g.objects(None, DCAT.downloadURL)),
}))
"#;

const ATOM: &str = r#"
import json, sys, xml.etree.ElementTree as ET
A = "{http://www.w3.org/2005/Atom}"
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == A + "feed"
for required in ("id", "title", "updated"):
    assert root.find(A + required) is not None, required
entries = root.findall(A + "entry")
print(json.dumps({
    "entries": [e.find(A + "title").text for e in entries],
    "links": [e.find(A + "link").get("href") for e in entries],
}, ensure_ascii=False))
"#;

pub(crate) struct Fetched {
    pub(crate) status: u16,
    pub(crate) headers: reqwest::header::HeaderMap,
    pub(crate) body: Vec<u8>,
}

pub(crate) async fn get(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> Fetched {
    let url = if path.starts_with("http") {
        path.to_string()
    } else {
        format!("{}{path}", app.address)
    };
    let mut request = app.client.get(url);
    for (k, v) in headers {
        request = request.header(*k, *v);
    }
    let response = request
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {path}: {e}"));
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.bytes().await.unwrap_or_default().to_vec();
    Fetched {
        status,
        headers,
        body,
    }
}

/// Every `@id` in a JSON-LD document.
fn collect_ids(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            for (k, x) in map {
                match (k.as_str(), x) {
                    ("@id", Value::String(s)) => out.push(s.clone()),
                    _ => collect_ids(x, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|x| collect_ids(x, out)),
        _ => {}
    }
}

pub(crate) fn header<'a>(f: &'a Fetched, name: &str) -> &'a str {
    f.headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// A CSV download read by Python's csv module: header and rows.
pub(crate) fn read_csv(py: &std::path::PathBuf, bytes: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    let file = tempfile_with(bytes, "csv");
    let out = python::run(py, CSV, &file);
    let _ = std::fs::remove_file(&file);
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .into_iter()
            .flatten()
            .map(|s| s.as_str().unwrap_or_default().to_string())
            .collect()
    };
    (
        strings(&out["header"]),
        out["rows"]
            .as_array()
            .into_iter()
            .flatten()
            .map(strings)
            .collect(),
    )
}

/// Numbers the folders tests download into, across every test of this process.
static FOLDERS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

pub(crate) fn tempfile_with(bytes: &[u8], extension: &str) -> std::path::PathBuf {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let path = std::env::temp_dir().join(format!(
        "plangraph-download-{}-{}.{extension}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("{e}"));
    path
}

pub(crate) fn column(header: &[String], name: &str) -> usize {
    header
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no column {name} in {header:?}"))
}

/// Every page of a connection, concatenated: `query` takes `$after`.
async fn all_nodes(app: &TestApp, query: &str, field: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut after = Value::Null;
    loop {
        let body = app.query_as(None, query, json!({ "after": after })).await;
        let page = &body["data"][field];
        assert!(page.is_object(), "{body}");
        out.extend(page["nodes"].as_array().cloned().unwrap_or_default());
        if page["pageInfo"]["hasNextPage"] != true {
            return out;
        }
        after = page["pageInfo"]["endCursor"].clone();
    }
}

/// What the API says each table of a scope holds: targets, series points, department links.
async fn api_counts(app: &TestApp, plan: Option<&str>) -> (u64, usize, usize) {
    let filter = plan.map_or(String::new(), |p| {
        format!(r#"filter: {{ planCode: "{p}" }}, "#)
    });
    let body = app
        .query(&format!("{{ targets({filter}first: 1) {{ totalCount }} }}"))
        .await;
    let targets = body["data"]["targets"]["totalCount"].as_u64().unwrap_or(0);
    let indicators = all_nodes(
        app,
        &format!("query($after: String) {{ indicators({filter}first: 100, after: $after) {{ nodes {{ series {{ year }} }} pageInfo {{ hasNextPage endCursor }} }} }}"),
        "indicators",
    )
    .await;
    let mut points: usize = indicators
        .iter()
        .map(|i| i["series"].as_array().map_or(0, Vec::len))
        .sum();
    // A plan's downloads also hold the series it monitors without a target (health 表1 rows
    // 12, 31, 32), which `indicators(planCode:)` does not list.
    if let Some(code) = plan {
        let body = app
            .query(&format!(
                r#"{{ plan(code: "{code}") {{ monitored {{ indicator {{ series {{ year }} }} }} }} }}"#
            ))
            .await;
        let monitored = body["data"]["plan"]["monitored"].as_array().cloned();
        points += monitored
            .unwrap_or_default()
            .iter()
            .map(|m| m["indicator"]["series"].as_array().map_or(0, Vec::len))
            .sum::<usize>();
    }
    let goals = all_nodes(
        app,
        &format!("query($after: String) {{ goals({filter}first: 100, after: $after) {{ nodes {{ departments {{ role }} }} pageInfo {{ hasNextPage endCursor }} }} }}"),
        "goals",
    )
    .await;
    let links = goals
        .iter()
        .map(|g| g["departments"].as_array().map_or(0, Vec::len))
        .sum();
    (targets, points, links)
}

on_both_backends!(
    every_download_reads_back_as_the_api_answers,
    |backend| async move {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        let py = python::python().await;

        // The catalog: valid JSON-LD, 5 datasets, every distribution answers 200 at its size.
        let catalog = get(&app, "/catalog.jsonld", &[]).await;
        assert_eq!(catalog.status, 200);
        assert_eq!(header(&catalog, "content-type"), "application/ld+json");
        let doc: Value = serde_json::from_slice(&catalog.body).unwrap_or_else(|e| panic!("{e}"));
        // Every dataset states its language, theme, place and contact; a plan's is part of
        // the whole document's; titles come in Chinese and English (a CKAN harvester makes
        // a dataset's name from the English one).
        let datasets = doc["dcat:dataset"].as_array().cloned().unwrap_or_default();
        let named = |tail: &str| {
            datasets
                .iter()
                .find(|d| d["@id"].as_str().is_some_and(|id| id.ends_with(tail)))
                .cloned()
                .unwrap_or_else(|| panic!("no dataset {tail}"))
        };
        let (all, women) = (named("#all"), named("#women"));
        assert_eq!(all["dct:identifier"], "changle-plans-all");
        for d in [&all, &women] {
            assert_eq!(
                d["dct:language"]["@id"],
                "http://publications.europa.eu/resource/authority/language/ZHO"
            );
            assert_eq!(
                d["dct:license"]["@id"],
                "http://publications.europa.eu/resource/authority/licence/CC_BY_4_0"
            );
            assert_eq!(
                d["dct:license"]["dct:title"],
                "Creative Commons Attribution"
            );
            assert_eq!(d["dct:spatial"][0]["skos:notation"], "370725");
            assert_eq!(
                d["dcat:contactPoint"]["vcard:hasURL"]["@id"],
                "http://www.changle.gov.cn/"
            );
        }
        assert_eq!(
            all["dcat:theme"]["@id"],
            "http://publications.europa.eu/resource/authority/data-theme/GOVE"
        );
        assert_eq!(
            women["dcat:theme"]["@id"],
            "http://publications.europa.eu/resource/authority/data-theme/SOCI"
        );
        assert_eq!(women["dct:identifier"], "changle-plans-women");
        assert_eq!(
            women["dct:title"],
            json!([
                { "@value": "昌乐县“十四五”妇女发展规划", "@language": "zh-CN" },
                { "@value": "Changle County 14th Five-Year Plan for Women's Development (2021-2025)", "@language": "en" },
            ])
        );
        assert!(women["dct:isPartOf"]["@id"]
            .as_str()
            .is_some_and(|id| id.ends_with("/catalog.jsonld#all")));
        assert_eq!(
            women["dct:temporal"]["dcat:startDate"]["@value"],
            "2021-01-01"
        );
        let mut sizes: BTreeMap<String, u64> = BTreeMap::new();
        for dataset in doc["dcat:dataset"].as_array().into_iter().flatten() {
            for d in dataset["dcat:distribution"]
                .as_array()
                .into_iter()
                .flatten()
            {
                let url = d["dcat:downloadURL"]["@id"].as_str().unwrap_or_default();
                let size = d["dcat:byteSize"]["@value"].as_str().unwrap_or("0");
                sizes.insert(url.to_string(), size.parse().unwrap_or(0));
            }
        }
        assert_eq!(sizes.len(), 37, "{sizes:?}");
        for (url, size) in &sizes {
            let f = get(&app, url, &[]).await;
            assert_eq!(f.status, 200, "{url}");
            assert_eq!(f.body.len() as u64, *size, "{url}");
            // Tagged by content: "c" and 32 hex digits of its SHA-256.
            let tag = header(&f, "etag");
            assert!(tag.starts_with("\"c") && tag.len() == 35, "{url}: {tag}");
            assert!(!header(&f, "last-modified").is_empty(), "{url}");
            assert!(
                header(&f, "content-disposition").starts_with("attachment; filename=\""),
                "{url}"
            );
        }
        // Every other URL in it answers 200 too: landing pages, the API's endpoint and its
        // description, the catalog's own.
        let mut others = Vec::new();
        collect_ids(&doc, &mut others);
        others.retain(|u| u.starts_with("http") && !sizes.contains_key(u));
        others.sort();
        others.dedup();
        assert!(
            others.iter().any(|u| u.ends_with("/plans/health")),
            "{others:?}"
        );
        assert!(
            others.iter().any(|u| u.ends_with("/schema.graphql")),
            "{others:?}"
        );
        for url in others.iter().filter(|u| u.starts_with(&app.address)) {
            assert_eq!(get(&app, url, &[]).await.status, 200, "{url}");
        }
        if let Some(py) = &py {
            let file = tempfile_with(&catalog.body, "jsonld");
            let read = python::run(py, JSONLD, &file);
            let _ = std::fs::remove_file(&file);
            assert_eq!(read["datasets"], 5);
            assert_eq!(read["distributions"], 37);
            assert_eq!(
                read["downloads"].as_array().map_or(0, Vec::len),
                37,
                "{read}"
            );
            // The DCAT-AP 3 shapes, mandatory, recommended and ranges: nothing but the
            // place's coordinates, which the document does not give.
            let results = python::dcat_ap_results(py, &catalog.body, "jsonld");
            assert_eq!(python::dcat_ap_problems(&results), Vec::<&Value>::new());
            assert_eq!(results.len(), 4, "{results:?}");
            // The Turtle form is the same graph.
            let turtle = get(&app, "/catalog.ttl", &[]).await;
            assert_eq!(
                header(&turtle, "content-type"),
                "text/turtle; charset=utf-8"
            );
            let jsonld = tempfile_with(&catalog.body, "jsonld");
            let ttl = tempfile_with(&turtle.body, "ttl");
            let same = python::run(
                py,
                &SAME_GRAPH.replace("JSONLD", &jsonld.display().to_string()),
                &ttl,
            );
            let _ = (std::fs::remove_file(&jsonld), std::fs::remove_file(&ttl));
            assert_eq!(same["isomorphic"], true, "{same}");
            assert!(same["triples"].as_u64().unwrap_or(0) > 800, "{same}");
        }

        // The source document, byte for byte, and its checksum.
        let source = get(&app, "/downloads/changle-2022-16-plans.txt", &[]).await;
        assert_eq!(source.body, plangraph::import::BUNDLED_DOCUMENT);
        let sum = get(&app, "/downloads/changle-2022-16-plans.txt.sha256", &[]).await;
        assert_eq!(
            String::from_utf8_lossy(&sum.body),
            "31d2e180a6b2b6cea4036a6c441223f990ae2496558dd3930d5fc82c9d55e0aa  changle-2022-16-plans.txt\n"
        );

        // Row counts: the API's, and the document's (targets; series points: the document's
        // figures, one per indicator and year; departments named on goals — the earthquake
        // plan's items carry no department tags).
        let expected = [
            (None, (184, 28, 951)),
            (Some("women"), (35, 0, 357)),
            (Some("children"), (39, 2, 409)),
            (Some("health"), (103, 28, 185)),
            (Some("earthquake"), (7, 0, 0)),
        ];
        let Some(py) = py else {
            return;
        };
        for (plan, counts) in expected {
            let scope = plan.unwrap_or("all");
            let (api_targets, api_points, api_links) = api_counts(&app, plan).await;
            assert_eq!((api_targets, api_points, api_links), counts, "{scope}");
            for (table, count) in [
                ("targets", api_targets as usize),
                ("values", api_points),
                ("departments", api_links),
            ] {
                let f = get(&app, &format!("/downloads/{scope}/{table}.csv"), &[]).await;
                assert!(
                    f.body.starts_with("\u{feff}".as_bytes()),
                    "{scope}/{table}: no BOM"
                );
                assert_eq!(header(&f, "content-type"), "text/csv; charset=utf-8");
                let (_, rows) = read_csv(&py, &f.body);
                assert_eq!(rows.len(), count, "{scope}/{table}.csv");
                let j = get(&app, &format!("/downloads/{scope}/{table}.json"), &[]).await;
                let j: Value = serde_json::from_slice(&j.body).unwrap_or_else(|e| panic!("{e}"));
                assert_eq!(
                    j.as_array().map_or(0, Vec::len),
                    count,
                    "{scope}/{table}.json"
                );
            }
            // The CSVs' descriptions, as the tools that read them check them: Frictionless
            // validates every row against the types, sizes and hashes; CSVW reads them typed.
            // A folder of its own: both stores' tests run at once in this process (a static
            // here would be one per store's copy of the test, both counting from 0).
            let n = FOLDERS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let dir = std::env::temp_dir().join(format!(
                "plangraph-described-{scope}-{}-{n}",
                std::process::id()
            ));
            std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
            for name in [
                "datapackage.json",
                "csv-metadata.json",
                "targets.csv",
                "values.csv",
                "departments.csv",
            ] {
                let f = get(&app, &format!("/downloads/{scope}/{name}"), &[]).await;
                assert_eq!(f.status, 200, "{scope}/{name}");
                std::fs::write(dir.join(name), &f.body).unwrap_or_else(|e| panic!("{e}"));
            }
            let read = python::run(&py, DESCRIBED, &dir);
            let _ = std::fs::remove_dir_all(&dir);
            assert_eq!(read["valid"], true, "{scope}: {read}");
            let rows = json!([counts.0, counts.1, counts.2]);
            assert_eq!(read["frictionless"], rows, "{scope}: {read}");
            assert_eq!(read["csvw"], rows, "{scope}: {read}");
            if counts.1 > 0 {
                assert_eq!(
                    read["types"],
                    json!(["int", "float", "bool"]),
                    "{scope}: {read}"
                );
            }
        }
        // The data dictionary those descriptions point at.
        let dictionary = get(&app, "/downloads/dictionary.md", &[]).await;
        assert_eq!(
            header(&dictionary, "content-type"),
            "text/markdown; charset=utf-8"
        );
        assert_eq!(
            dictionary.body,
            include_bytes!("../../docs/DOWNLOADS.md").to_vec()
        );

        // Chinese text and numbers round-trip exactly.
        let f = get(&app, "/downloads/all/targets.csv", &[]).await;
        let (h, rows) = read_csv(&py, &f.body);
        let third = rows
            .iter()
            .find(|r| r[column(&h, "as_written")] == "不低于三分之一")
            .unwrap_or_else(|| panic!("no 不低于三分之一"));
        assert_eq!(third[column(&h, "plan")], "昌乐县“十四五”妇女发展规划");
        assert_eq!(third[column(&h, "value")], "33.3333");
        assert_eq!(third[column(&h, "comparator")], "AT_LEAST");
        assert_eq!(third[column(&h, "source_line_start")], "130");
        let body = app.query("{ plans { code title } }").await;
        for p in body["data"]["plans"].as_array().into_iter().flatten() {
            let code = p["code"].as_str().unwrap_or_default();
            assert!(
                rows.iter().any(|r| r[column(&h, "plan_code")] == code
                    && r[column(&h, "plan")] == p["title"].as_str().unwrap_or_default()),
                "{code}"
            );
        }
        let f = get(&app, "/downloads/all/values.csv", &[]).await;
        let (h, rows) = read_csv(&py, &f.body);
        let infant: Vec<&Vec<String>> = rows
            .iter()
            .filter(|r| r[column(&h, "indicator")] == "婴儿死亡率")
            .collect();
        assert_eq!(infant.len(), 1, "{infant:?}");
        let r = infant[0];
        assert_eq!(
            (
                r[column(&h, "unit")].as_str(),
                r[column(&h, "year")].as_str(),
                r[column(&h, "value")].as_str(),
                r[column(&h, "origin")].as_str(),
                r[column(&h, "year_inferred")].as_str(),
                r[column(&h, "source_line")].as_str()
            ),
            ("‰", "2020", "2.27", "DOCUMENT", "true", "456")
        );

        // The workbook: the three tables with the CSV's header and rows, numbers as numbers,
        // then the columns' Chinese labels.
        let f = get(&app, "/downloads/all.xlsx", &[]).await;
        let file = tempfile_with(&f.body, "xlsx");
        let book = python::run(&py, XLSX, &file);
        let _ = std::fs::remove_file(&file);
        assert_eq!(
            book["sheets"],
            json!(["targets", "values", "departments", "columns"])
        );
        assert_eq!(book["rows"]["targets"], 184);
        assert_eq!(book["rows"]["values"], 28);
        let sheet = book["cells"]["values"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let infant = sheet
            .iter()
            .find(|r| r[1] == "婴儿死亡率")
            .unwrap_or_else(|| panic!("no 婴儿死亡率 in the workbook"));
        assert_eq!(infant[3], json!(2020));
        assert_eq!(infant[4], json!(2.27));
        for table in ["targets", "values", "departments"] {
            let csv = get(&app, &format!("/downloads/all/{table}.csv"), &[]).await;
            let (h, _) = read_csv(&py, &csv.body);
            assert_eq!(book["cells"][table][0], json!(h), "{table}'s header");
            assert_eq!(book["frozen"][table], "A2", "{table}");
            // The filter covers the whole table, header and every row.
            assert_eq!(book["filter"][table], book["dimensions"][table], "{table}");
        }
        let labels = book["cells"]["columns"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        assert!(labels.contains(&json!(["values", "value", "数值（单位见“单位”列）"])));
        // Widths follow the text: the indicator column is wider than the year's, and a goal
        // number is a number.
        let (h, _) = read_csv(&py, &get(&app, "/downloads/all/values.csv", &[]).await.body);
        let widths = &book["widths"]["values"];
        let w = |name: &str| widths[column(&h, name)].as_f64().unwrap_or(0.0);
        assert!(w("indicator") > 2.0 * w("year"), "{widths}");
        let targets = book["cells"]["targets"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let (th, _) = read_csv(
            &py,
            &get(&app, "/downloads/all/targets.csv", &[]).await.body,
        );
        let numbers = targets[1..]
            .iter()
            .filter(|r| r[column(&th, "goal_number")].is_number())
            .count();
        assert!(numbers > 100, "{numbers} goal numbers stored as numbers");
        assert_eq!(
            book["title"],
            "昌乐县“十四五”妇女、儿童、卫生健康和防震减灾规划：目标与数据"
        );

        // Conditional GETs, then a publication changes the files and their ETags.
        let before = get(&app, "/downloads/all/values.csv", &[]).await;
        let etag = header(&before, "etag").to_string();
        let modified = header(&before, "last-modified").to_string();
        let again = get(
            &app,
            "/downloads/all/values.csv",
            &[("if-none-match", &etag)],
        )
        .await;
        assert_eq!(again.status, 304);
        // The weak form a gzipping proxy sends back matches too (RFC 9110's weak comparison).
        let weak = format!("W/{etag}");
        let again = get(
            &app,
            "/downloads/all/values.csv",
            &[("if-none-match", &weak)],
        )
        .await;
        assert_eq!(again.status, 304);
        let again = get(
            &app,
            "/downloads/all/values.csv",
            &[("if-modified-since", &modified)],
        )
        .await;
        assert_eq!(again.status, 304);
        let women = get(&app, "/downloads/women/targets.csv", &[]).await;
        let health = get(&app, "/downloads/health/values.csv", &[]).await;
        let modified_of = |catalog: &Fetched, tail: &str| {
            let doc: Value = serde_json::from_slice(&catalog.body).unwrap_or_default();
            doc["dcat:dataset"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|d| d["@id"].as_str().is_some_and(|id| id.ends_with(tail)))
                .map(|d| d["dct:modified"]["@value"].clone())
                .unwrap_or_default()
        };
        let catalog_before = get(&app, "/catalog.jsonld", &[]).await;
        // Dates are in whole seconds: the approval must fall in a later one to be told apart.
        tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
        user(&app, "wj.ann", UserRole::Submitter, Some("县卫健局")).await;
        user(&app, "stats.dai", UserRole::Reviewer, None).await;
        let (ann, dai) = (login(&app, "wj.ann").await, login(&app, "stats.dai").await);
        let body = app
            .query(r#"{ indicators(filter: { text: "婴儿死亡率" }) { nodes { id } } }"#)
            .await;
        let id = body["data"]["indicators"]["nodes"][0]["id"].clone();
        let body = app
            .query_as(
                Some(&ann),
                SUBMIT,
                json!({ "i": id, "y": 2023, "v": 3.5, "e": 0 }),
            )
            .await;
        let value = body["data"]["submitValue"]["value"]["id"].clone();
        let body = app
            .query_as(Some(&dai), REVIEW, json!({ "id": value, "d": "APPROVE" }))
            .await;
        assert_eq!(
            body["data"]["reviewValue"]["value"]["status"], "PUBLISHED",
            "{body}"
        );
        let after = get(
            &app,
            "/downloads/all/values.csv",
            &[("if-none-match", &etag)],
        )
        .await;
        assert_eq!(
            after.status, 200,
            "the old ETag must not match after a publication"
        );
        assert_ne!(header(&after, "etag"), etag);
        // 婴儿死亡率 is measured by the children's and health plans, not the women's: the
        // women's files keep their tags (a harvester fetches them no more), health's move.
        let women_after = get(&app, "/downloads/women/targets.csv", &[]).await;
        assert_eq!(header(&women_after, "etag"), header(&women, "etag"));
        let again = get(
            &app,
            "/downloads/women/targets.csv",
            &[("if-none-match", header(&women, "etag"))],
        )
        .await;
        assert_eq!(again.status, 304);
        let health_after = get(&app, "/downloads/health/values.csv", &[]).await;
        assert_ne!(header(&health_after, "etag"), header(&health, "etag"));
        // So do their dates, in the headers and in the catalog's datasets.
        assert_eq!(
            header(&women_after, "last-modified"),
            header(&women, "last-modified")
        );
        assert_ne!(
            header(&health_after, "last-modified"),
            header(&health, "last-modified")
        );
        let catalog_after = get(&app, "/catalog.jsonld", &[]).await;
        assert_eq!(
            modified_of(&catalog_after, "#women"),
            modified_of(&catalog_before, "#women")
        );
        assert!(
            modified_of(&catalog_after, "#health").as_str()
                > modified_of(&catalog_before, "#health").as_str()
        );
        let (h, rows) = read_csv(&py, &after.body);
        assert_eq!(rows.len(), 29);
        assert!(rows
            .iter()
            .any(|r| r[column(&h, "indicator")] == "婴儿死亡率"
                && r[column(&h, "year")] == "2023"
                && r[column(&h, "value")] == "3.5"
                && r[column(&h, "origin")] == "REPORT"
                && r[column(&h, "department")] == "县卫健局"));

        // The Atom feed lists the public changes, newest first (the approval, then the
        // document's import), and is well-formed Atom.
        let feed = get(&app, "/feed.atom", &[]).await;
        assert_eq!(
            header(&feed, "content-type"),
            "application/atom+xml; charset=utf-8"
        );
        let file = tempfile_with(&feed.body, "atom");
        let read = python::run(&py, ATOM, &file);
        let _ = std::fs::remove_file(&file);
        assert_eq!(
            read["entries"],
            json!(["婴儿死亡率：2023年3.5‰", "乐政字〔2022〕16号导入"]),
            "{read}"
        );
        assert!(
            read["links"][0]
                .as_str()
                .unwrap_or_default()
                .contains("/indicators/"),
            "{read}"
        );

        // `plangraph export` writes the bytes the server serves.
        let out = std::env::temp_dir().join(format!(
            "plangraph-export-{}-{backend:?}",
            std::process::id()
        ));
        let status = std::process::Command::new(env!("CARGO_BIN_EXE_plangraph"))
            .args(["export", "--format", "csv", "--plan", "health", "--out"])
            .arg(&out)
            .env("DATABASE_URL", &app.url)
            .env("RUST_LOG", "warn")
            .output()
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(
            status.status.success(),
            "{}",
            String::from_utf8_lossy(&status.stderr)
        );
        let written =
            std::fs::read(out.join("changle-plans-health-targets.csv")).unwrap_or_default();
        let served = get(&app, "/downloads/health/targets.csv", &[]).await;
        assert_eq!(written, served.body);
        let _ = std::fs::remove_dir_all(&out);

        // Compressed on request.
        let gz = get(
            &app,
            "/downloads/all/targets.csv",
            &[("accept-encoding", "gzip")],
        )
        .await;
        assert_eq!(header(&gz, "content-encoding"), "gzip");
        assert!(gz.body.starts_with(&[0x1f, 0x8b]), "not gzip");

        // An unknown file is a 404 that points at the folder's list; the server still serves.
        let f = get(&app, "/downloads/all/secrets.csv", &[]).await;
        assert_eq!(f.status, 404);
        assert!(String::from_utf8_lossy(&f.body).contains("; /downloads/ lists every one"));
        assert_eq!(
            get(&app, "/downloads/all/targets.csv", &[]).await.status,
            200
        );
    }
);
