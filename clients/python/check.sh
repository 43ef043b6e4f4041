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
# A port nobody listens on (the kernel's choice), unless CLIENT_PORT names one.
port="${CLIENT_PORT:-$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT

python3 -m venv "$work/venv"
# Exit 3 when the client library cannot be installed (no registry): the caller says so loudly.
"$work/venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt" || exit 3

DATABASE_URL="sqlite://$work/client.db?mode=rwc" RUST_LOG=warn "$binary" serve --bind "127.0.0.1:$port" &
pid=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
# The server answering must be the one started here: one that could not bind the port (taken
# meanwhile) has exited, and the check must not pass against whatever listens there.
if ! kill -0 "$pid" 2>/dev/null; then
  echo "the server for the client check did not start on 127.0.0.1:$port" >&2
  exit 1
fi
"$work/venv/bin/python" "$here/dashboard.py" "http://127.0.0.1:$port/graphql"
