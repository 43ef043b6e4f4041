#!/usr/bin/env bash
# Runs dashboard.py with the `gql` library against a server on a fresh SQLite store.
#   clients/python/check.sh [path/to/plangraph]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
binary="${1:-$here/../../target/debug/plangraph}"
if [ ! -x "$binary" ]; then
  if [ -z "${1:-}" ] && command -v cargo >/dev/null; then
    echo "building plangraph (cargo build) for the client check"
    (cd "$here/../.." && cargo build --quiet)
  else
    echo "no plangraph binary at $binary: run \`cargo build\` in the repository, or pass the binary's path" >&2
    exit 2
  fi
fi
work="$(mktemp -d)"
port="${CLIENT_PORT:-18282}"
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT

python3 -m venv "$work/venv"
# Exit 3 when the client library cannot be installed (no registry): the caller says so loudly.
"$work/venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt" || exit 3

DATABASE_URL="sqlite://$work/client.db?mode=rwc" RUST_LOG=warn "$binary" serve --bind "127.0.0.1:$port" &
pid=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
"$work/venv/bin/python" "$here/dashboard.py" "http://127.0.0.1:$port/graphql"
