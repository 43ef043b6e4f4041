//! One upload of a filled-in template (issue 31, item 2), over the GraphQL multipart request
//! and the plain form: a dry run lists every planted problem with its cell and stores nothing;
//! a commit stores all rows or none; the same file twice changes nothing the second time.

use plangraph::auth::UserRole;
use serde_json::{json, Value};

use crate::downloads::{column, get, read_csv, tempfile_with};
use crate::on_both_backends;
use crate::python;
use crate::support::TestApp;
use crate::workflow::{login, scalar, user, SUBMIT};

pub(crate) const UPLOAD: &str = "mutation($f: Upload!, $d: Boolean!) { uploadSheet(input: { file: $f, dryRun: $d }) { rows { sheet cell row indicator { id name } year outcome code message } imported unchanged rejected receipt stored } }";

const BOUNDARY: &str = "plangraph-test-boundary-7MA4YWxkTrZu0gW";

/// A multipart form body with the given parts: (name, file name, bytes).
pub(crate) fn form(parts: &[(&str, Option<&str>, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, file, bytes) in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        let disposition = match file {
            Some(f) => format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: application/octet-stream\r\n\r\n"),
            None => format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n"),
        };
        body.extend_from_slice(disposition.as_bytes());
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// `uploadSheet` as the GraphQL multipart request spec sends it.
pub(crate) async fn upload(
    app: &TestApp,
    token: Option<&str>,
    file: &[u8],
    dry_run: bool,
) -> (u16, Value) {
    let operations = json!({ "query": UPLOAD, "variables": { "f": null, "d": dry_run } });
    let body = form(&[
        ("operations", None, operations.to_string().as_bytes()),
        ("map", None, br#"{ "0": ["variables.f"] }"#),
        ("0", Some("template.xlsx"), file),
    ]);
    let mut request = app
        .client
        .post(format!("{}/graphql", app.address))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let r = request
        .send()
        .await
        .unwrap_or_else(|e| panic!("upload: {e}"));
    (r.status().as_u16(), r.json().await.unwrap_or_default())
}

/// `POST /templates/upload` with a plain form, as `curl -F file=@…` sends it.
pub(crate) async fn plain(
    app: &TestApp,
    token: Option<&str>,
    file: &[u8],
    dry_run: bool,
) -> (u16, Value) {
    let body = form(&[("file", Some("template.csv"), file)]);
    let mut request = app
        .client
        .post(format!("{}/templates/upload?dryRun={dry_run}", app.address))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(body);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let r = request
        .send()
        .await
        .unwrap_or_else(|e| panic!("upload: {e}"));
    (r.status().as_u16(), r.json().await.unwrap_or_default())
}

/// Fills the department's template with openpyxl: good figures in three forms (a number, a
/// percent-formatted fraction, full-width text with ％), 不适用 in one, and — in the bad
/// copy — five planted problems; then swaps the value and note columns, as a department
/// rearranging its sheet would. Prints both files' paths and each planted row.
const FILL: &str = r#"
import json, sys, openpyxl
from openpyxl.utils import get_column_letter
src, other = sys.argv[1], open(sys.argv[1] + ".other").read().strip()
def fill(bad):
    wb = openpyxl.load_workbook(src)
    ws = wb.worksheets[0]
    col = {c.value: c.column for c in ws[1]}
    rows = {(ws.cell(r, col["indicator"]).value, ws.cell(r, col["year"]).value): r
            for r in range(2, ws.max_row + 1)}
    def put(name, value, fmt=None):
        r = rows[(name, 2025)]
        ws.cell(r, col["value"]).value = value
        if fmt:
            ws.cell(r, col["value"]).number_format = fmt
        return r
    planted = {"infant": put("婴儿死亡率", 3.1),
               "percent": put("宫颈癌免费检查率", 0.8532, "0.00%"),
               "fullwidth": put("妇女常见病筛查率", "８６．５％"),
               "na": put("孕产妇死亡率", "不适用")}
    ws.cell(planted["infant"], col["note"]).value = "妇幼年报"
    if bad:
        planted["range"] = put("新生儿死亡率", 1200)
        planted["text"] = put("艾滋病母婴传播率", "约2")
        planted["formula"] = put("5岁以下儿童死亡率", "=1+1")
        for name, key, value in (("scope", other, 50), ("duplicate", ws.cell(planted["infant"], 1).value, 3.2)):
            r = ws.max_row + 1
            ws.cell(r, col["indicator_id"]).value = key
            ws.cell(r, col["year"]).value = 2025
            ws.cell(r, col["value"]).value = value
            planted[name] = r
    v, n = col["value"], col["note"]
    for r in range(1, ws.max_row + 1):
        a, b = ws.cell(r, v), ws.cell(r, n)
        a.value, b.value = b.value, a.value
        a.number_format, b.number_format = b.number_format, a.number_format
    out = src + (".bad.xlsx" if bad else ".good.xlsx")
    wb.save(out)
    return out, planted, get_column_letter(n)
bad, planted, letter = fill(True)
good, _, _ = fill(False)
print(json.dumps({"bad": bad, "good": good, "planted": planted, "column": letter}, ensure_ascii=False))
"#;

/// LibreOffice, to save a file as Calc does; mandatory in CI (PLANGRAPH_REQUIRE_OFFICE=1),
/// said when skipped elsewhere.
fn soffice() -> Option<String> {
    if let Some(found) = ["/usr/bin/soffice", "/usr/bin/libreoffice"]
        .into_iter()
        .find(|p| std::path::Path::new(p).exists())
    {
        return Some(found.to_string());
    }
    crate::support::skipped(
        "*** SKIPPED: the LibreOffice round trip of an upload: no soffice \
         (apt-get install libreoffice-calc-nogui)",
        "PLANGRAPH_REQUIRE_OFFICE",
    );
    None
}

/// The file at `path` as LibreOffice Calc saves it (its own profile, so that tests running
/// at once do not share one).
fn through_office(office: &str, path: &str) -> Vec<u8> {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("plangraph-office-{}-{n}", std::process::id()));
    let profile = format!("-env:UserInstallation=file://{}/profile", dir.display());
    let out = std::process::Command::new(office)
        .args([
            profile.as_str(),
            "--headless",
            "--norestore",
            "--convert-to",
            "xlsx",
            "--outdir",
        ])
        .arg(dir.join("out"))
        .arg(path)
        .output()
        .unwrap_or_else(|e| panic!("soffice: {e}"));
    let name = std::path::Path::new(path)
        .file_name()
        .unwrap_or_default()
        .to_owned();
    let saved = std::fs::read(dir.join("out").join(&name)).unwrap_or_else(|e| {
        panic!(
            "LibreOffice saved nothing ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let _ = std::fs::remove_dir_all(&dir);
    saved
}

/// The answer's row at a cell.
fn at<'a>(answer: &'a Value, cell: &str) -> &'a Value {
    answer["rows"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| r["cell"] == cell)
        .unwrap_or_else(|| panic!("no row at {cell}: {answer}"))
}

/// An indicator 县卫健局 does not report, from the monitoring office's template.
async fn not_ours(app: &TestApp, py: &std::path::PathBuf, reviewer: &str) -> String {
    let auth = format!("Bearer {reviewer}");
    let f = get(app, "/templates/all/2025.csv", &[("authorization", &auth)]).await;
    let (h, rows) = read_csv(py, &f.body);
    let ours: Vec<&String> = rows
        .iter()
        .filter(|r| r[column(&h, "department")] == "县卫健局")
        .map(|r| &r[column(&h, "indicator_id")])
        .collect();
    rows.iter()
        .map(|r| r[column(&h, "indicator_id")].clone())
        .find(|id| !ours.contains(&id))
        .unwrap_or_else(|| panic!("every indicator is 县卫健局's"))
}

on_both_backends!(
    an_upload_lists_every_problem_then_stores_all_or_none,
    |backend| async move {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        let Some(py) = python::python().await else {
            return;
        };
        user(&app, "wj.ann", UserRole::Submitter, Some("县卫健局")).await;
        user(&app, "stats.dai", UserRole::Reviewer, None).await;
        let (ann, dai) = (login(&app, "wj.ann").await, login(&app, "stats.dai").await);
        let auth = format!("Bearer {ann}");
        let template = get(
            &app,
            "/templates/县卫健局/2025.xlsx",
            &[("authorization", &auth)],
        )
        .await;
        let file = tempfile_with(&template.body, "xlsx");
        std::fs::write(
            format!("{}.other", file.display()),
            not_ours(&app, &py, &dai).await,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let filled = python::run(&py, FILL, &file);
        let read =
            |key: &str| std::fs::read(filled[key].as_str().unwrap_or_default()).unwrap_or_default();
        let (bad, good) = (read("bad"), read("good"));
        let office = soffice();
        let cell = |name: &str| {
            format!(
                "填报!{}{}",
                filled["column"].as_str().unwrap_or(""),
                filled["planted"][name]
            )
        };
        let submissions = "SELECT COUNT(*) FROM indicator_value WHERE origin = 'submission'";

        // The dry run: every planted problem at once, with its cell and code; nothing stored.
        let (status, body) = upload(&app, Some(&ann), &bad, true).await;
        assert_eq!(status, 200, "{body}");
        let answer = &body["data"]["uploadSheet"];
        for (name, outcome, code) in [
            ("infant", "IMPORTED", Value::Null),
            ("percent", "IMPORTED", Value::Null),
            ("fullwidth", "IMPORTED", Value::Null),
            ("na", "IMPORTED", json!("NOT_AVAILABLE")),
            ("range", "REJECTED", json!("OUT_OF_RANGE")),
            ("text", "REJECTED", json!("NOT_A_NUMBER")),
            ("formula", "REJECTED", json!("FORMULA_NOT_CALCULATED")),
            ("scope", "REJECTED", json!("OUT_OF_SCOPE")),
            ("duplicate", "REJECTED", json!("DUPLICATE_ROW")),
        ] {
            let row = at(answer, &cell(name));
            assert_eq!(
                (&row["outcome"], &row["code"]),
                (&json!(outcome), &code),
                "{name}: {row}"
            );
        }
        assert_eq!(
            at(answer, &cell("range"))["message"],
            "1200 超出单位“‰”的范围 0–1000"
        );
        assert_eq!(
            at(answer, &cell("infant"))["indicator"]["name"],
            "婴儿死亡率"
        );
        assert_eq!(
            (
                &answer["imported"],
                &answer["rejected"],
                &answer["unchanged"],
                &answer["stored"]
            ),
            // 68 rows of totals and 31 of figures by breakdown left empty.
            (&json!(4), &json!(5), &json!(99), &json!(false)),
            "{answer}"
        );
        assert_eq!(scalar(&app, submissions).await, 0);

        // The rest as LibreOffice saves the files (Calc recalculates the formula: 2‰, a value).
        let (bad, good) = match &office {
            Some(office) => (
                through_office(office, &format!("{}.bad.xlsx", file.display())),
                through_office(office, &format!("{}.good.xlsx", file.display())),
            ),
            None => (bad, good),
        };
        if office.is_some() {
            let (_, body) = upload(&app, Some(&ann), &bad, true).await;
            let answer = &body["data"]["uploadSheet"];
            assert_eq!(
                at(answer, &cell("formula"))["outcome"],
                "IMPORTED",
                "{answer}"
            );
            assert_eq!(
                at(answer, &cell("percent"))["outcome"],
                "IMPORTED",
                "{answer}"
            );
            let counts = (&answer["imported"], &answer["rejected"]);
            assert_eq!(counts, (&json!(5), &json!(4)), "{answer}");
        }

        // A commit with a rejected row stores none of the file.
        let (_, body) = upload(&app, Some(&ann), &bad, false).await;
        assert_eq!(body["data"]["uploadSheet"]["stored"], false, "{body}");
        assert_eq!(scalar(&app, submissions).await, 0);

        // The good file: three values submitted as the cells meant them.
        let (_, body) = upload(&app, Some(&ann), &good, false).await;
        let first = body["data"]["uploadSheet"].clone();
        assert_eq!(
            (&first["imported"], &first["rejected"], &first["stored"]),
            (&json!(4), &json!(0), &json!(true)),
            "{body}"
        );
        assert_eq!(
            at(&first, &cell("na"))["message"],
            "已注明不适用（无需审核）"
        );
        assert_eq!(scalar(&app, submissions).await, 3);
        let stored = "SELECT COUNT(*) FROM indicator_value v JOIN indicator i ON i.id = v.indicator_id WHERE v.origin = 'submission' AND v.year = 2025 AND ((i.name = '宫颈癌免费检查率' AND v.value = 85.32) OR (i.name = '妇女常见病筛查率' AND v.value = 86.5) OR (i.name = '婴儿死亡率' AND v.value = 3.1 AND v.note = '妇幼年报'))";
        assert_eq!(scalar(&app, stored).await, 3);

        // The same file again: nothing changes, and the receipt is the same.
        let (_, body) = upload(&app, Some(&ann), &good, false).await;
        let again = &body["data"]["uploadSheet"];
        assert_eq!(
            (&again["imported"], &again["unchanged"], &again["stored"]),
            (&json!(0), &json!(106), &json!(false)),
            "{body}"
        );
        assert_eq!(again["receipt"], first["receipt"]);
        assert_eq!(scalar(&app, submissions).await, 3);

        // 不适用 is kept as the department's statement, not as a value: pre-filled in the next
        // template, counted as answered, withdrawn when a figure comes after all.
        let stated = "SELECT COUNT(*) FROM value_unavailable u JOIN indicator i ON i.id = u.indicator_id JOIN department d ON d.id = u.department_id WHERE i.name = '孕产妇死亡率' AND u.year = 2025 AND d.name = '县卫健局'";
        assert_eq!(scalar(&app, stated).await, 1);
        let again = get(
            &app,
            "/templates/县卫健局/2025.csv",
            &[("authorization", &auth)],
        )
        .await;
        let (h, rows) = read_csv(&py, &again.body);
        let maternal = rows
            .iter()
            .find(|r| {
                r[column(&h, "indicator")] == "孕产妇死亡率" && r[column(&h, "year")] == "2025"
            })
            .cloned()
            .unwrap_or_default();
        assert_eq!(
            (
                &maternal[column(&h, "value")][..],
                &maternal[column(&h, "status")][..]
            ),
            ("不适用", "NOT_AVAILABLE")
        );
        let status = app
            .query_as(
                Some(&dai),
                "{ reportingStatus(year: 2025) { department { name } notAvailable { name } completion total } }",
                json!({}),
            )
            .await;
        let ours = status["data"]["reportingStatus"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|d| d["department"]["name"] == "县卫健局")
            .cloned()
            .unwrap_or_default();
        assert_eq!(
            ours["notAvailable"],
            json!([{ "name": "孕产妇死亡率" }]),
            "{status}"
        );
        assert_eq!(ours["total"], 74, "{status}");
        // 3 figures and 1 statement of 74 cells
        assert_eq!(ours["completion"], 0.054, "{status}");
        let id = maternal[column(&h, "indicator_id")].clone();
        let submitted = app
            .query_as(Some(&ann), SUBMIT, json!({ "i": id, "y": 2025, "v": 8.5 }))
            .await;
        assert!(submitted["errors"].is_null(), "{submitted}");
        assert_eq!(scalar(&app, stated).await, 0);
        let _ = std::fs::remove_file(&file);
    }
);

on_both_backends!(
    a_plain_form_takes_a_csv_in_either_encoding,
    |backend| async move {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        user(&app, "wj.ann", UserRole::Submitter, Some("县卫健局")).await;
        let ann = login(&app, "wj.ann").await;
        let auth = format!("Bearer {ann}");
        let csv = get(
            &app,
            "/templates/县卫健局/2024.csv",
            &[("authorization", &auth)],
        )
        .await;
        let text = String::from_utf8(csv.body).unwrap_or_default();
        let filled: String = text
            .lines()
            .map(|line| {
                if line.contains(",婴儿死亡率,") {
                    // … year,value,note,department_id,breakdown: all but department_id empty.
                    let line = line.strip_suffix(',').unwrap_or(line);
                    let (keys, department) = line.rsplit_once(',').unwrap_or_default();
                    let keys = keys.trim_end_matches(',');
                    format!("{keys},3.2,年报,{department},\r\n")
                } else {
                    format!("{line}\r\n")
                }
            })
            .collect();
        let gb = encoding_rs::GB18030.encode(&filled).0.to_vec();
        let (status, body) = plain(&app, None, &gb, true).await;
        assert_eq!(
            (status, body["errors"][0]["extensions"]["code"].as_str()),
            (401, Some("UNAUTHENTICATED"))
        );
        let (status, body) = plain(&app, Some(&ann), &gb, true).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(
            (&body["imported"], &body["rejected"], &body["stored"]),
            (&json!(1), &json!(0), &json!(false)),
            "{body}"
        );
        let row = body["rows"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|r| r["outcome"] == "IMPORTED")
            .cloned()
            .unwrap_or_default();
        assert_eq!(row["sheet"], "CSV");
        assert!(
            row["cell"].as_str().is_some_and(|c| c.starts_with("CSV!J")),
            "{row}"
        );
        let (_, body) = plain(&app, Some(&ann), filled.as_bytes(), false).await;
        assert_eq!(
            (&body["imported"], &body["stored"]),
            (&json!(1), &json!(true)),
            "{body}"
        );
        let submitted = "SELECT COUNT(*) FROM indicator_value WHERE origin = 'submission' AND year = 2024 AND value = 3.2 AND note = '年报'";
        assert_eq!(scalar(&app, submitted).await, 1);
    }
);

/// A ZIP of the given entries (name, bytes), deflated.
fn zip_of(entries: &[(&str, Vec<u8>)]) -> Vec<u8> {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in entries {
        zip.start_file(*name, options)
            .unwrap_or_else(|e| panic!("{e}"));
        zip.write_all(bytes).unwrap_or_else(|e| panic!("{e}"));
    }
    zip.finish().unwrap_or_else(|e| panic!("{e}")).into_inner()
}

/// A workbook whose first sheet has the template's header and one cell at (row, col).
fn sheet_with_cell_at(row: u32, col: u16) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, name) in (0u16..).zip(["indicator_id", "year", "value"]) {
        sheet
            .write_string(0, c, name)
            .unwrap_or_else(|e| panic!("{e}"));
    }
    sheet
        .write_number(row, col, 1.0)
        .unwrap_or_else(|e| panic!("{e}"));
    book.save_to_buffer().unwrap_or_else(|e| panic!("{e}"))
}

/// A workbook with `rows` × `columns` numbers under the template's header.
fn sheet_of(rows: u32, columns: u16) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, name) in (0u16..).zip(["indicator_id", "year", "value"]) {
        sheet
            .write_string(0, c, name)
            .unwrap_or_else(|e| panic!("{e}"));
    }
    for r in 1..=rows {
        for c in 0..columns {
            sheet
                .write_number(r, c, 1.0)
                .unwrap_or_else(|e| panic!("{e}"));
        }
    }
    book.save_to_buffer().unwrap_or_else(|e| panic!("{e}"))
}

on_both_backends!(
    hostile_files_are_refused_and_the_server_still_serves,
    |backend| async move {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        user(&app, "wj.ann", UserRole::Submitter, Some("县卫健局")).await;
        let ann = login(&app, "wj.ann").await;
        let template = get(
            &app,
            "/templates/县卫健局/2025.xlsx",
            &[("authorization", &format!("Bearer {ann}"))],
        )
        .await;

        // Without a token, nothing is read: 401 from the headers alone.
        let (status, body) = upload(&app, None, &template.body, true).await;
        assert_eq!(
            (status, crate::support::code(&body)),
            (401, "UNAUTHENTICATED"),
            "{body}"
        );

        // Each generated hostile file: its status and code on the plain form, and the same code
        // through uploadSheet.
        let mut hostile: Vec<(&str, Vec<u8>, u16, &str)> = vec![
            (
                "too large",
                vec![b'1'; 5 * 1024 * 1024 + 1],
                413,
                "FILE_TOO_LARGE",
            ),
            // 80 MiB of one byte deflates to ~80 KB; its declared size is what the writer says.
            (
                "inflates too far",
                zip_of(&[("[Content_Types].xml", vec![b' '; 80 * 1024 * 1024])]),
                413,
                "INFLATES_TOO_FAR",
            ),
            (
                "macros",
                zip_of(&[
                    ("[Content_Types].xml", b"<Types/>".to_vec()),
                    ("xl/vbaProject.bin", vec![0; 64]),
                ]),
                415,
                "MACRO_ENABLED",
            ),
            (
                "a ZIP that is no workbook",
                zip_of(&[("readme.txt", b"hello".to_vec())]),
                415,
                "NOT_A_WORKBOOK",
            ),
            (
                "old .xls",
                [
                    &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1][..],
                    &[0; 512],
                ]
                .concat(),
                415,
                "NOT_A_WORKBOOK",
            ),
            (
                "binary",
                (0..4096u32)
                    .map(|n| u8::try_from(n % 251).unwrap_or(0))
                    .collect(),
                415,
                "NOT_A_WORKBOOK",
            ),
            (
                "a PDF",
                b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n".to_vec(),
                422,
                "NOT_A_TEMPLATE",
            ),
            (
                "a far row",
                sheet_with_cell_at(1_000_000, 0),
                422,
                "TOO_MANY_ROWS",
            ),
            (
                "a far column",
                sheet_with_cell_at(1, 16_000),
                422,
                "TOO_MANY_ROWS",
            ),
            ("too many cells", sheet_of(5_000, 21), 422, "TOO_MANY_CELLS"),
        ];
        // A bomb whose entry claims less than it holds is inflated and counted all the same.
        let mut lying = zip_of(&[("xl/worksheets/sheet1.xml", vec![b'<'; 70 * 1024 * 1024])]);
        if let Some(at) = lying.windows(4).rposition(|w| w == b"PK\x01\x02") {
            // The central directory's uncompressed size (offset 24) claims 100 bytes.
            lying[at + 24..at + 28].copy_from_slice(&100u32.to_le_bytes());
        }
        hostile.push(("a lying bomb", lying, 413, "INFLATES_TOO_FAR"));
        for (name, file, status, code) in &hostile {
            let (got, body) = plain(&app, Some(&ann), file, true).await;
            let said = body["errors"][0]["extensions"]["code"]
                .as_str()
                .unwrap_or("");
            // Only the bomb that lies about its size may be caught as a broken ZIP instead
            // (the ZIP reader may refuse the mismatch before anything is inflated).
            let bomb = *name == "a lying bomb" && (got, said) == (415, "NOT_A_WORKBOOK");
            assert!(
                (got, said) == (*status, *code) || bomb,
                "{name}: {got} {body}"
            );
            // A file refused by the transport carries its code as the error's; one refused by
            // the mutation as its details'.
            let (_, body) = upload(&app, Some(&ann), file, true).await;
            let extensions = &body["errors"][0]["extensions"];
            let said = [&extensions["code"], &extensions["details"][0]["code"]];
            assert!(
                said.contains(&&json!(code)) || bomb,
                "{name} through uploadSheet: {body}"
            );
        }
        crate::attacks::still_serves(&app).await;
        // Nothing of any of them was stored.
        assert_eq!(
            scalar(
                &app,
                "SELECT COUNT(*) FROM indicator_value WHERE origin = 'submission'"
            )
            .await,
            0
        );
    }
);

on_both_backends!(
    a_template_whose_obligations_changed_is_refused,
    |backend| async move {
        let Some(app) = TestApp::spawn(backend).await else {
            return;
        };
        let Some(py) = python::python().await else {
            return;
        };
        user(&app, "wj.ann", UserRole::Submitter, Some("县卫健局")).await;
        user(&app, "stats.dai", UserRole::Reviewer, None).await;
        user(&app, "admin.fu", UserRole::Admin, None).await;
        let (ann, dai, fu) = (
            login(&app, "wj.ann").await,
            login(&app, "stats.dai").await,
            login(&app, "admin.fu").await,
        );
        let auth = format!("Bearer {ann}");
        let old = get(
            &app,
            "/templates/县卫健局/2025.xlsx",
            &[("authorization", &auth)],
        )
        .await;
        // The template as made still uploads.
        let (status, body) = plain(&app, Some(&ann), &old.body, true).await;
        assert_eq!(status, 200, "{body}");
        // An admin gives 县卫健局 one more indicator to report: the old template lacks it.
        let other = not_ours(&app, &py, &dai).await;
        let body = app
        .query_as(
            Some(&fu),
            "mutation($i: ID!) { assignReporter(input: { indicatorId: $i, department: \"卫健局\" }) { indicator { name } } }",
            json!({ "i": other }),
        )
        .await;
        let name = body["data"]["assignReporter"]["indicator"]["name"]
            .as_str()
            .unwrap_or_else(|| panic!("{body}"))
            .to_string();
        let (status, body) = plain(&app, Some(&ann), &old.body, true).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(body["errors"][0]["extensions"]["code"], "TEMPLATE_OUTDATED");
        let message = body["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(message.contains(&format!("新增：{name}")), "{message}");
        // The new template uploads.
        let new = get(
            &app,
            "/templates/县卫健局/2025.xlsx",
            &[("authorization", &auth)],
        )
        .await;
        let (status, body) = plain(&app, Some(&ann), &new.body, true).await;
        assert_eq!(status, 200, "{body}");
    }
);
