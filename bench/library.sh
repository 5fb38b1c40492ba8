#!/usr/bin/env bash
# The library's benchmark: `instance` calls through one OrchestratorClient, sequential and concurrent,
# over http (orchestrator-test-server) and https (the tests' python3 TLS server), measured by bench/library-bench.
#
#   bash bench/library.sh LIBRARY_BENCH TEST_SERVER OUT.tsv [CALLS]
#
# bench/run.sh runs it on the current build; bench/library-baseline.sh on a library-bench built against an older
# commit (the "before" figures of BENCHMARKS.md). One TSV line per scenario: id, wall ms, failures, peak threads,
# peak RSS KiB, connections accepted by the server, TLS handshakes in full, TLS handshakes resumed.
set -euo pipefail
cd "$(dirname "$0")/.."
library_bench=$1 test_server=$2 out=$3 calls=${4:-1000}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/orchestrator-library.XXXXXX")
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT
say() { printf 'library [%3ds]: %s\n' "$SECONDS" "$*" >&2; }

# http: one node answering instance/* with the recorded answer; it keeps the count of connections it accepted.
mkfifo "$tmp/http.stdin"
"$test_server" --scenario single --seconds 1800 --connections "$tmp/http.connections" <"$tmp/http.stdin" >"$tmp/http.api" 2>"$tmp/http.err" &
pids+=("$!")
exec {http_fd}<>"$tmp/http.stdin"
for _ in $(seq 1 100); do [ -s "$tmp/http.api" ] && break; sleep 0.1; done
[ -s "$tmp/http.api" ] || { say "the http server did not start: $(cat "$tmp/http.err")"; exit 1; }

# https: a throwaway certificate for 127.0.0.1, the tests' TLS server keeping connections alive, answering
# instance/* with the same recorded answer; it logs ACCEPT and HANDSHAKE new|resumed.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=127.0.0.1 \
  -addext subjectAltName=IP:127.0.0.1 -keyout "$tmp/key.pem" -out "$tmp/cert.pem" >/dev/null 2>&1
python3 -c 'import json, sys
exchanges = json.load(open(sys.argv[1]))["exchanges"]
sys.stdout.write([e for e in exchanges if e["path"].startswith("/api/instance/")][-1]["body"])' \
  Tests/Recordings/transcripts/a009-instance.json >"$tmp/instance.json"
: >"$tmp/https.log"
python3 Tests/OrchestratorClientKitTests/Support/tls_server.py "$tmp/cert.pem" "$tmp/key.pem" - "$tmp/https.port" \
  "$tmp/https.log" 1800 1 1 "$tmp/instance.json" 2>"$tmp/https.err" &
pids+=("$!")
for _ in $(seq 1 100); do [ -s "$tmp/https.port" ] && break; sleep 0.1; done
[ -s "$tmp/https.port" ] || { say "the https server did not start: $(cat "$tmp/https.err")"; exit 1; }

export ORCHESTRATOR_CLIENT_PROFILE=
: >"$out"
# scenario ID SCHEME MODE
scenario() {
  local id=$1 scheme=$2 mode=$3 api connections_before connections handshakes resumed report
  if [ "$scheme" = http ]; then
    api=$(cat "$tmp/http.api")
    connections_before=$(cat "$tmp/http.connections")
  else
    api="https://127.0.0.1:$(cat "$tmp/https.port")/api"
    : >"$tmp/https.log"
    connections_before=0
  fi
  say "$id: $calls $mode instance calls over $scheme"
  report=$(ORCHESTRATOR_API=$api ORCHESTRATOR_CA_FILE=$tmp/cert.pem "$library_bench" calls --calls "$calls" "--$mode") \
    || { say "$id FAILED"; printf '%s\tfailed\n' "$id" >>"$out"; return 0; }
  sleep 0.3   # the servers count on their own threads
  if [ "$scheme" = http ]; then
    connections=$(( $(cat "$tmp/http.connections") - connections_before ))
    handshakes=- resumed=-
  else
    connections=$(grep -c '^ACCEPT$' "$tmp/https.log" || true)
    handshakes=$(grep -c '^HANDSHAKE new$' "$tmp/https.log" || true)
    resumed=$(grep -c '^HANDSHAKE resumed$' "$tmp/https.log" || true)
  fi
  python3 -c 'import json, sys
r = json.loads(sys.argv[2])
print("\t".join([sys.argv[1], "%.1f" % r["wall_ms"], str(r["failures"]), str(r["peak_threads"]), str(r["peak_rss_kib"])] + sys.argv[3:]))' \
    "$id" "$report" "$connections" "$handshakes" "$resumed" >>"$out"
}
scenario sequential-http http sequential
scenario concurrent-http http concurrent
scenario sequential-https https sequential
scenario concurrent-https https concurrent
