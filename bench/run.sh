#!/usr/bin/env bash
# The benchmark of orchestrator-client. From the repository root (the recordings are in Tests/Recordings):
#
#   bash bench/run.sh           full run (100 runs per scenario), profile, writes BENCHMARKS.md
#   bash bench/run.sh --quick   a few runs per scenario, no profile (CI): writes $SCRATCH/BENCHMARKS-quick.md
#                               and prints it; never touches BENCHMARKS.md
#
# It builds the release executables, starts loopback orchestrator stand-ins (orchestrator-test-server), runs each
# scenario with hyperfine, measures peak RSS with /usr/bin/time and counts the requests each invocation sends.
# The library's benchmark (bench/library.sh): 1,000 `instance` calls through one client, sequential and
# concurrent, over http and https (100 in quick mode), beside the figures of bench/library-baseline.tsv (before).
# It also builds the floor (bench/floor/floor.c: a C program loading libcurl as the client does and sending
# the same requests) and measures it side by side with the client, interleaved, for `discover` through 3 endpoints
# and `topology` through 1.
# Exit status: 0 when every scenario ran as expected (a missed goal is reported in the table, not an error);
# 1 when a scenario could not run or exited with an unexpected status; 2 for a usage error.
#
# Environment: SCRATCH (build directory, default .build), RUNS (runs per scenario: 100, quick 5), WARMUP (5, quick 1),
# BIG_RUNS (runs of the 10,000- and 100,000-instance scenarios and of python3 json.tool: 10, quick 2), RSS_RUNS (10, quick 2),
# OUT (the report file), PROFILE (1: profile with valgrind; default 1 in full mode, 0 in quick mode), KEEP (1: keep
# the temporary directory with the raw measurements), VERSUS_ROUNDS and VERSUS_RUNS (the floor against the client:
# rounds of one hyperfine run holding both commands, the order swapped every round, and runs of each per round:
# 10 × 20, quick 2 × 5).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

mode=full
for argument in "$@"; do
  case $argument in
    --quick) mode=quick ;;
    -h | --help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "bench/run.sh: unknown argument $argument (use --quick or --help)" >&2; exit 2 ;;
  esac
done

SCRATCH=${SCRATCH:-.build}
if [ "$mode" = quick ]; then
  RUNS=${RUNS:-5} WARMUP=${WARMUP:-1} BIG_RUNS=${BIG_RUNS:-2} RSS_RUNS=${RSS_RUNS:-2} PROFILE=${PROFILE:-0}
  VERSUS_ROUNDS=${VERSUS_ROUNDS:-2} VERSUS_RUNS=${VERSUS_RUNS:-5}
  OUT=${OUT:-$SCRATCH/BENCHMARKS-quick.md}
  server_seconds=900
else
  RUNS=${RUNS:-100} WARMUP=${WARMUP:-5} BIG_RUNS=${BIG_RUNS:-10} RSS_RUNS=${RSS_RUNS:-10} PROFILE=${PROFILE:-1}
  VERSUS_ROUNDS=${VERSUS_ROUNDS:-10} VERSUS_RUNS=${VERSUS_RUNS:-20}
  OUT=${OUT:-BENCHMARKS.md}
  server_seconds=3600
fi
count_runs=3   # invocations whose requests are counted, per scenario

say() { printf 'bench [%3ds]: %s\n' "$SECONDS" "$*" >&2; }

# --- tools -----------------------------------------------------------------------------------------------------------
missing=()
command -v hyperfine >/dev/null 2>&1 || missing+=(hyperfine)
[ -x /usr/bin/time ] || missing+=(time)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
command -v cc >/dev/null 2>&1 || missing+=(gcc)   # the floor program; libcurl's headers come with the build's
if [ "$PROFILE" = 1 ]; then command -v valgrind >/dev/null 2>&1 || missing+=(valgrind); fi
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq "${missing[@]}" >&2 || say "could not install ${missing[*]}"
  fi
fi
for tool in hyperfine /usr/bin/time python3; do
  command -v "$tool" >/dev/null 2>&1 || { say "$tool is missing (Debian packages: hyperfine, time, python3)"; exit 1; }
done
if [ "$PROFILE" = 1 ] && ! command -v valgrind >/dev/null 2>&1; then say "valgrind missing: no profile"; PROFILE=0; fi

# --- build -----------------------------------------------------------------------------------------------------------
say "building release into $SCRATCH"
# The release build as installed (`make install`): Swift runtime linked statically.
# The flags come from the Makefile (static libstdc++ and libgcc, lld with build-support/startup-order.txt).
read -r -a release_flags <<<"$(make -s --no-print-directory print-build-flags SWIFT_BUILD_FLAGS=--static-swift-stdlib)"
build_flags=(-c release --scratch-path "$SCRATCH" "${release_flags[@]}")
swift build "${build_flags[@]}" --product orchestrator-client >&2
swift build "${build_flags[@]}" --product orchestrator-test-server >&2
swift build "${build_flags[@]}" --product library-bench >&2
bin=$(swift build "${build_flags[@]}" --show-bin-path)
client=$bin/orchestrator-client

# The floor: built here, never committed as a binary. A missing compiler skips it (reported), not the run.
tmp_floor_build=$(mktemp -d "${TMPDIR:-/tmp}/orchestrator-floor.XXXXXX")
floor=$tmp_floor_build/floor
if ! cc -O2 -Wall -o "$floor" bench/floor/floor.c 2>"$tmp_floor_build/cc.log"; then
  say "the floor program did not build: $(head -c 600 "$tmp_floor_build/cc.log")"
  floor=""
fi

# --- servers ---------------------------------------------------------------------------------------------------------
tmp=$(mktemp -d "${TMPDIR:-/tmp}/orchestrator-bench.XXXXXX")
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  if [ -n "${KEEP:-}" ]; then say "kept $tmp"; else rm -rf "$tmp"; fi
  rm -rf "$tmp_floor_build"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# start_server NAME SCENARIO [FLAGS...]: the server's standard input is a FIFO this script holds open, so the server
# also stops when this script dies without running its trap; --seconds bounds it in any case.
start_server() {
  local name=$1 scenario=$2 fd pid
  shift 2
  mkfifo "$tmp/$name.stdin"
  : >"$tmp/$name.log"
  "$bin/orchestrator-test-server" --scenario "$scenario" --seconds "$server_seconds" --log "$tmp/$name.log" "$@" \
    <"$tmp/$name.stdin" >"$tmp/$name.api" 2>"$tmp/$name.err" &
  pid=$!
  pids+=("$pid")
  exec {fd}<>"$tmp/$name.stdin"   # read-write: never blocks, even if the server died before opening its end
  for _ in $(seq 1 600); do   # at most 60 s (the big scenario generates its answer first)
    [ -s "$tmp/$name.api" ] && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  say "server $name ($scenario) did not start: $(cat "$tmp/$name.err")"
  exit 1
}

say "starting the loopback servers"
start_server three three-nodes
start_server hung hung-first
start_server single single
start_server big big --write-all-instances "$tmp/all-instances.json"
start_server big100k big --instances 100000 --write-all-instances "$tmp/all-instances-100000.json"

# The client sees only what the benchmark sets: no profile file, no ORCHESTRATOR_* from the caller.
for variable in $(compgen -e | grep '^ORCHESTRATOR_' || true); do unset "$variable"; done
export ORCHESTRATOR_CLIENT_PROFILE=

# --- scenarios -------------------------------------------------------------------------------------------------------
: >"$tmp/results.tsv"
failures=()

# bench ID SERVER EXPECTED_STATUS RUNS WARMUP -- COMMAND...: SERVER is a started server's name, or - for none.
bench() {
  local id=$1 server=$2 expected=$3 runs=$4 warmup=$5 api="" log="" status=0 requests=- peak=0 kib i command
  local plain_runs=1 rss_runs=$RSS_RUNS
  shift 6
  if [ "$server" != - ]; then api=$(cat "$tmp/$server.api"); log=$tmp/$server.log; plain_runs=$count_runs; fi
  [ "$rss_runs" -gt "$runs" ] && rss_runs=$runs
  say "$id: $*"
  # 1. Plain runs: the exit status, and the requests they sent.
  [ -n "$log" ] && : >"$log"
  for ((i = 0; i < plain_runs; i++)); do
    status=0
    ORCHESTRATOR_API=$api "$@" >"$tmp/$id.stdout" 2>"$tmp/$id.stderr" || status=$?
    if [ "$status" != "$expected" ]; then
      say "$id FAILED: exit status $status, expected $expected; stderr: $(head -c 600 "$tmp/$id.stderr")"
      failures+=("$id")
      printf '%s\tfailed\t-\t-\t%s\n' "$id" "$status" >>"$tmp/results.tsv"
      return 0
    fi
  done
  if [ -n "$log" ]; then
    sleep 0.3   # a hung node reads its probe after the client has gone
    requests=$(python3 -c 'import sys; print(round(int(sys.argv[1]) / int(sys.argv[2]), 2))' "$(wc -l <"$log")" "$count_runs")
    cp "$log" "$tmp/$id.requests"
  fi
  # 2. Wall and CPU time.
  command=$(printf '%q ' "$@")
  local flags=(-N --style basic --warmup "$warmup" --runs "$runs" --export-json "$tmp/$id.json" --command-name "$id")
  [ "$expected" != 0 ] && flags+=(-i)
  if ! ORCHESTRATOR_API=$api hyperfine "${flags[@]}" "$command" >"$tmp/$id.hyperfine" 2>&1; then
    say "$id FAILED under hyperfine: $(tail -5 "$tmp/$id.hyperfine")"
    failures+=("$id")
    printf '%s\tfailed\t-\t-\t%s\n' "$id" "$status" >>"$tmp/results.tsv"
    return 0
  fi
  # 3. Peak RSS, the largest of a few runs.
  for ((i = 0; i < rss_runs; i++)); do
    ORCHESTRATOR_API=$api /usr/bin/time -f %M -o "$tmp/$id.rss" "$@" >/dev/null 2>&1 || true
    kib=$(tail -n 1 "$tmp/$id.rss")
    [[ $kib =~ ^[0-9]+$ ]] && [ "$kib" -gt "$peak" ] && peak=$kib
  done
  printf '%s\tok\t%s\t%s\t%s\n' "$id" "$requests" "$peak" "$status" >>"$tmp/results.tsv"
}

# versus ID SERVER -- FLOOR_COMMAND... -- CLIENT_COMMAND...: the floor and the client side by side. Both
# must exit 0 and print the same text. Then VERSUS_ROUNDS hyperfine runs, each holding both commands (VERSUS_RUNS runs
# of each), the floor first in even rounds and the client first in odd ones, so drift in the machine's load falls on
# both; then peak RSS, the floor and the client alternately, RSS_RUNS times each.
: >"$tmp/versus.tsv"
versus() {
  local id=$1 server=$2 api floor_command client_command round status i kib floor_peak=0 client_peak=0
  local -a floor_args=() client_args=()
  shift 3   # ID SERVER --
  while [ "$#" -gt 0 ] && [ "$1" != -- ]; do floor_args+=("$1"); shift; done
  shift
  client_args=("$@")
  api=$(cat "$tmp/$server.api")
  say "$id: floor ${floor_args[*]} | client ${client_args[*]}"
  for side in floor client; do
    status=0
    if [ "$side" = floor ]; then
      ORCHESTRATOR_API=$api "${floor_args[@]}" >"$tmp/$id.$side.stdout" 2>"$tmp/$id.$side.stderr" || status=$?
    else
      ORCHESTRATOR_API=$api "${client_args[@]}" >"$tmp/$id.$side.stdout" 2>"$tmp/$id.$side.stderr" || status=$?
    fi
    if [ "$status" != 0 ]; then
      say "$id FAILED: the $side exited $status; stderr: $(head -c 600 "$tmp/$id.$side.stderr")"
      failures+=("$id")
      printf '%s\tfailed\t%s exited %s\n' "$id" "$side" "$status" >>"$tmp/versus.tsv"
      return 0
    fi
  done
  if ! cmp -s "$tmp/$id.floor.stdout" "$tmp/$id.client.stdout"; then
    say "$id FAILED: the floor and the client printed different texts"
    failures+=("$id")
    printf '%s\tfailed\tdifferent output\n' "$id" >>"$tmp/versus.tsv"
    return 0
  fi
  floor_command=$(printf '%q ' "${floor_args[@]}")
  client_command=$(printf '%q ' "${client_args[@]}")
  for ((round = 0; round < VERSUS_ROUNDS; round++)); do
    local order=(-n floor "$floor_command" -n client "$client_command")
    [ $((round % 2)) = 1 ] && order=(-n client "$client_command" -n floor "$floor_command")
    if ! ORCHESTRATOR_API=$api hyperfine -N --style basic --warmup "$WARMUP" --runs "$VERSUS_RUNS" \
         --export-json "$tmp/$id.round$round.json" "${order[@]}" >"$tmp/$id.round$round.hyperfine" 2>&1; then
      say "$id FAILED under hyperfine: $(tail -5 "$tmp/$id.round$round.hyperfine")"
      failures+=("$id")
      printf '%s\tfailed\thyperfine\n' "$id" >>"$tmp/versus.tsv"
      return 0
    fi
  done
  for ((i = 0; i < RSS_RUNS; i++)); do
    ORCHESTRATOR_API=$api /usr/bin/time -f %M -o "$tmp/$id.rss" "${floor_args[@]}" >/dev/null 2>&1 || true
    kib=$(tail -n 1 "$tmp/$id.rss")
    [[ $kib =~ ^[0-9]+$ ]] && [ "$kib" -gt "$floor_peak" ] && floor_peak=$kib
    ORCHESTRATOR_API=$api /usr/bin/time -f %M -o "$tmp/$id.rss" "${client_args[@]}" >/dev/null 2>&1 || true
    kib=$(tail -n 1 "$tmp/$id.rss")
    [[ $kib =~ ^[0-9]+$ ]] && [ "$kib" -gt "$client_peak" ] && client_peak=$kib
  done
  printf '%s\tok\t%s\t%s\t%s\n' "$id" "$VERSUS_ROUNDS" "$floor_peak" "$client_peak" >>"$tmp/versus.tsv"
}

instance=127.0.0.1:10111
alias_name=mycluster   # the stand-in answers any topology/ALIAS with the recorded topology
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
if [ -n "$floor" ]; then
  versus floor-discover-3 three -- "$floor" discover "$instance" -- "$client" -c discover -i "$instance"
  versus floor-topology-1 single -- "$floor" topology "$alias_name" -- "$client" -c topology -a "$alias_name"
else
  failures+=(floor)
fi
bench discover-3 three 0 "$RUNS" "$WARMUP" -- "$client" -c discover -i "$instance"
bench discover-hung hung 0 "$RUNS" "$WARMUP" -- "$client" -c discover -i "$instance"
bench topology-1 single 0 "$RUNS" "$WARMUP" -- "$client" -c topology -i "$instance"
bench which-api-1 single 0 "$RUNS" "$WARMUP" -- "$client" -c which-api
bench help three 0 "$RUNS" "$WARMUP" -- "$client" --help
bench usage-error three 2 "$RUNS" "$WARMUP" -- "$client" -c discover --bogus
bench dry-run three 0 "$RUNS" "$WARMUP" -- "$client" -c discover -i "$instance" --dry-run
bench all-instances-10k big 0 "$BIG_RUNS" 1 -- "$client" -c all-instances
bench json-tool-10k - 0 "$BIG_RUNS" 0 -- python3 -m json.tool "$tmp/all-instances.json"
bench all-instances-100k big100k 0 "$BIG_RUNS" 1 -- "$client" -c all-instances
# The library: `instance` calls through one client, sequential and concurrent, over http and https.
library_calls=1000
[ "$mode" = quick ] && library_calls=100
say "library: $library_calls calls per scenario"
if ! bash bench/library.sh "$bin/library-bench" "$bin/orchestrator-test-server" "$tmp/library.tsv" "$library_calls"; then
  failures+=(library)
fi
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

# --- profile (full mode) ---------------------------------------------------------------------------------------------
profile=$tmp/profile
mkdir -p "$profile"
if [ "$PROFILE" = 1 ]; then
  say "profiling"
  perf stat -e instructions true >"$profile/perf.txt" 2>&1 || echo "perf stat failed" >>"$profile/perf.txt"
  ldd "$client" >"$profile/ldd.txt" 2>&1 || true
  LD_DEBUG=statistics "$client" --help 2>"$profile/ld-statistics.txt" >/dev/null || true
  run_callgrind() { # NAME SERVER COMMAND...
    local name=$1 api=""
    [ "$2" != - ] && api=$(cat "$tmp/$2.api")
    shift 2
    ORCHESTRATOR_API=$api timeout 600 valgrind --tool=callgrind --callgrind-out-file="$profile/$name.callgrind" \
      "$@" >/dev/null 2>"$profile/$name.valgrind" || say "callgrind $name: $(tail -2 "$profile/$name.valgrind")"
  }
  run_callgrind help - "$client" --help
  run_callgrind discover three "$client" -c discover -i "$instance" --leader-timeout 10s
  run_callgrind all-instances big "$client" -c all-instances
  if [ -n "$floor" ]; then   # the client against the floor, the same requests
    run_callgrind floor-discover three "$floor" discover "$instance"
    run_callgrind floor-topology single "$floor" topology "$alias_name"
    run_callgrind topology single "$client" -c topology -a "$alias_name"
  fi
  # Process start-up alone: an empty C program, the same linked with libcurl, an empty Swift program.
  if command -v cc >/dev/null 2>&1; then
    printf 'int main(void) { return 0; }\n' >"$profile/empty.c"
    if cc -O2 "$profile/empty.c" -o "$profile/empty-c" \
       && cc -O2 "$profile/empty.c" -o "$profile/empty-c-libcurl" -Wl,--no-as-needed -lcurl \
       && printf '' >"$profile/empty.swift" && swiftc -O "$profile/empty.swift" -o "$profile/empty-swift" 2>/dev/null; then
      hyperfine -N --style basic --warmup "$WARMUP" --runs "$RUNS" --export-json "$profile/startup.json" \
        -n empty-c "$profile/empty-c" -n empty-c-libcurl "$profile/empty-c-libcurl" -n empty-swift "$profile/empty-swift" \
        -n client-help "$client --help" >"$profile/startup.txt" 2>&1 || true
      ldd "$profile/empty-c-libcurl" >"$profile/ldd-libcurl.txt" 2>&1 || true
    fi
  fi
fi

# --- report ----------------------------------------------------------------------------------------------------------
python3 bench/report.py --mode "$mode" --dir "$tmp" --out "$OUT" --runs "$RUNS" --big-runs "$BIG_RUNS" \
  --rss-runs "$RSS_RUNS" --load-before "$load_before" --load-after "$load_after" --client "$client" \
  --floor "$floor" --versus-runs "$VERSUS_RUNS" --library-calls "$library_calls" --failures "${failures[*]:-}"
if [ "$mode" = quick ]; then cat "$OUT"; fi
say "report written to $OUT"
if [ "${#failures[@]}" -gt 0 ]; then
  say "scenarios that did not run: ${failures[*]}"
  exit 1
fi
