#!/usr/bin/env bash
# One upload of a filled-in template (issue 31): a department's sheet (县卫健局, 2025) and the
# monitoring office's workbook of every department's owed cells for the five years 2021–2025,
# each filled with a figure in every value cell, as CSV and (through LibreOffice, when
# installed) as XLSX; a dry run and a commit of each, ROUNDS times, on each store. Prints the
# median time of each and the server's peak resident memory (VmHWM).
#
#   bench/upload.sh [sqlite|postgres|both]      ROUNDS=5 by default
#
# The all-departments file is uploaded by the monitoring office (a reviewer) on the
# departments' behalf: every row is checked against its department's scope and stored.
source "$(dirname "$0")/lib.sh"

stores="${1:-both}"
rounds="${ROUNDS:-5}"
port=18195
cargo build --release --quiet --bin plangraph
password='bench upload password 1'

# Fills a template CSV ($1) into $2: every value cell gets the row's last published figure
# (or 50 of its unit), the note a word.
fill() {
  python3 - "$1" "$2" <<'PY'
import csv, sys
with open(sys.argv[1], encoding="utf-8-sig", newline="") as f:
    rows = list(csv.reader(f))
head = rows[0]
v, n, last = head.index("value"), head.index("note"), head.index("last_value")
for r in rows[1:]:
    r[v] = r[last] or "50"
    r[n] = "bench"
with open(sys.argv[2], "w", encoding="utf-8-sig", newline="") as f:
    csv.writer(f).writerows(rows)
PY
}

# Seconds a POST of file $1 takes (dryRun $2), checked to answer 200.
upload() {
  local out who="$token"
  case "$1" in *everyone*) who="$office" ;; esac
  out=$(curl -s -o "$work/answer.json" -w '%{http_code} %{time_total}' \
    -H "Authorization: Bearer $who" -F "file=@$1" \
    "http://127.0.0.1:$port/templates/upload?dryRun=$2")
  [ "${out%% *}" = 200 ] || { echo "upload of $1 answered ${out%% *}: $(head -c 400 "$work/answer.json")" >&2; exit 1; }
  echo "${out#* }"
}

median() { sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

echo "| store | file | rows | dry run s | first commit s | commit again s | rejected | peak RSS MB |"
echo "|---|---|---|---|---|---|---|---|"
for store in sqlite postgres; do
  [ "$stores" = both ] || [ "$stores" = "$store" ] || continue
  if [ "$store" = sqlite ]; then url="sqlite://$work/upload.db?mode=rwc"; else fresh_pg plangraph_upload; fi
  start_plangraph "$url" "$port" 0
  echo "$password" | RUST_LOG=warn DATABASE_URL="$url" target/release/plangraph user add --username bench.wj \
    --role submitter --department 县卫健局 >/dev/null
  echo "$password" | RUST_LOG=warn DATABASE_URL="$url" target/release/plangraph user add --username bench.dai \
    --role reviewer >/dev/null
  login() {
    curl -s "http://127.0.0.1:$port/graphql" -H 'content-type: application/json' \
      -d "{\"query\":\"mutation { login(input: { username: \\\"$1\\\", password: \\\"$password\\\" }) { token } }\"}" |
      python3 -c 'import json, sys; print(json.load(sys.stdin)["data"]["login"]["token"])'
  }
  token=$(login bench.wj)
  office=$(login bench.dai)
  curl -sf -H "Authorization: Bearer $token" "http://127.0.0.1:$port/templates/县卫健局/2025.csv" -o "$work/dept.csv"
  fill "$work/dept.csv" "$work/department.csv"
  : > "$work/all.csv"
  for year in 2021 2022 2023 2024 2025; do
    curl -sf -H "Authorization: Bearer $office" "http://127.0.0.1:$port/templates/all/$year.csv" -o "$work/all-$year.csv"
    if [ "$year" = 2021 ]; then cat "$work/all-$year.csv" > "$work/all.csv"; else tail -n +2 "$work/all-$year.csv" >> "$work/all.csv"; fi
  done
  fill "$work/all.csv" "$work/everyone.csv"
  files=(department.csv everyone.csv)
  if command -v soffice >/dev/null; then
    for f in department everyone; do
      soffice "-env:UserInstallation=file://$work/office" --headless --norestore --infilter="CSV:44,34,76,1" \
        --convert-to xlsx --outdir "$work" "$work/$f.csv" >/dev/null 2>&1
    done
    files+=(department.xlsx everyone.xlsx)
  fi
  for f in "${files[@]}"; do
    : > "$work/dry"; : > "$work/again"
    for _ in $(seq 1 "$rounds"); do upload "$work/$f" true >> "$work/dry"; done
    # The first commit stores the rows; the same file again finds them all unchanged.
    first=$(upload "$work/$f" false)
    for _ in $(seq 1 "$rounds"); do upload "$work/$f" false >> "$work/again"; done
    rows=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["rows"]))' "$work/answer.json")
    rejected=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["rejected"])' "$work/answer.json")
    rss=$(awk '/VmHWM/ {printf "%.1f", $2/1024}' "/proc/$server_pid/status")
    echo "| $store | $f | $rows | $(median < "$work/dry") | $first | $(median < "$work/again") | $rejected | $rss |"
  done
  # Hostile files, refused: 20 ZIPs that inflate to 80 MiB each, then the peak memory.
  python3 - "$work/bomb.xlsx" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("xl/worksheets/sheet1.xml", b" " * (80 * 1024 * 1024))
PY
  for _ in $(seq 1 20); do
    code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" \
      -F "file=@$work/bomb.xlsx" "http://127.0.0.1:$port/templates/upload?dryRun=true")
    [ "$code" = 413 ] || { echo "the bomb was answered $code" >&2; exit 1; }
  done
  rss=$(awk '/VmHWM/ {printf "%.1f", $2/1024}' "/proc/$server_pid/status")
  echo "| $store | 20 × a ZIP inflating to 80 MiB ($(stat -c %s "$work/bomb.xlsx") bytes) | – | 413 each | – | – | – | $rss |"
  stop "$server_pid"
done
