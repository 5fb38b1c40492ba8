#!/usr/bin/env bash
# Where the client's milliseconds go, against the floor. From the repository root:
#
#   bash bench/profile.sh [OUT_DIR]     (default: $SCRATCH/profile-14; about 3 minutes)
#
# Builds the release client as bench/run.sh does, the floor (bench/floor/floor.c) and a few reference programs,
# starts the loopback stand-ins (three-nodes, single) and measures `discover` through 3 endpoints and `topology`
# through 1, for the client and the floor: syscalls (strace -c, -f: threads, mmap, failed opens), the dynamic loader
# (LD_DEBUG=statistics), page faults and peak RSS (/usr/bin/time), RSS by mapping (/proc/self/smaps at exit, through a
# small LD_PRELOAD library), software counters (perf stat; the hardware ones are not available in this VM),
# instructions by phase (valgrind --tool=callgrind), then wall and CPU time of the reference programs and of three
# relinked variants of the client (static libstdc++ and libgcc; the same plus lld's packed relative relocations; the
# same plus the functions run at start laid out together), interleaved in rounds. It writes raw files and summary.md into OUT_DIR and prints summary.md.
# Nothing here changes Sources/ or the build the benchmark measures: the variants are relinked into OUT_DIR from the
# objects of the release build.
#
# Environment: SCRATCH (build directory, default .build), ROUNDS (interleaved rounds, default 6), RUNS (runs of each
# command per round, default 20).
set -euo pipefail
cd "$(dirname "$0")/.."
SCRATCH=${SCRATCH:-.build}
out=${1:-$SCRATCH/profile-14}
ROUNDS=${ROUNDS:-6} RUNS=${RUNS:-20}
mkdir -p "$out"
out=$(cd "$out" && pwd)
say() { printf 'profile [%3ds]: %s\n' "$SECONDS" "$*" >&2; }

missing=()
for tool in hyperfine valgrind strace perf cc python3; do command -v "$tool" >/dev/null 2>&1 || missing+=("$tool"); done
[ -x /usr/bin/time ] || missing+=(time)
if [ "${#missing[@]}" -gt 0 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  packages=()
  for tool in "${missing[@]}"; do
    case $tool in perf) packages+=(linux-perf) ;; cc) packages+=(gcc) ;; *) packages+=("$tool") ;; esac
  done
  say "installing ${packages[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}" >&2 || true
fi

# --- build -------------------------------------------------------------------------------------------------------------
say "building the release client into $SCRATCH"
# The flags come from the Makefile (static libstdc++ and libgcc, lld with build-support/startup-order.txt).
read -r -a release_flags <<<"$(make -s --no-print-directory print-build-flags SWIFT_BUILD_FLAGS=--static-swift-stdlib)"
build_flags=(-c release --scratch-path "$SCRATCH" "${release_flags[@]}")
swift build "${build_flags[@]}" --product orchestrator-client >&2
swift build "${build_flags[@]}" --product orchestrator-test-server >&2
bin=$(swift build "${build_flags[@]}" --show-bin-path)
client=$bin/orchestrator-client

say "building the floor and the reference programs"
cc -O2 -Wall -o "$out/floor" bench/floor/floor.c
cc -O2 -DFLOOR_LOAD_ONLY -o "$out/floor-load-only" bench/floor/floor.c
# The same, with the client's start-up libraries in the global scope that every symbol lookup of dlopen walks first.
cc -O2 -DFLOOR_LOAD_ONLY -o "$out/floor-load-only-cxx" bench/floor/floor.c -Wl,--no-as-needed -lstdc++ -lm -lgcc_s
printf 'int main(void) { return 0; }\n' >"$out/empty.c"
cc -O2 -o "$out/empty-c" "$out/empty.c"
cc -O2 -o "$out/empty-c-cxx" "$out/empty.c" -Wl,--no-as-needed -lstdc++ -lm -lgcc_s
printf '' >"$out/empty.swift"
swiftc -O -static-stdlib "$out/empty.swift" -o "$out/empty-swift-static" 2>/dev/null || true
cat >"$out/smapsdump.c" <<'EOF'
/* At exit, copies /proc/self/smaps to $SMAPS_OUT: peak RSS by mapping, for bench/profile.sh. */
#include <stdio.h>
#include <stdlib.h>
__attribute__((destructor)) static void dump(void) {
    const char *path = getenv("SMAPS_OUT");
    if (!path) return;
    FILE *in = fopen("/proc/self/smaps", "r"), *copy = fopen(path, "w");
    char buffer[4096];
    size_t count;
    while (in && copy && (count = fread(buffer, 1, sizeof buffer, in)) > 0) fwrite(buffer, 1, count, copy);
    if (in) fclose(in);
    if (copy) fclose(copy);
}
EOF
cc -O2 -shared -fPIC -o "$out/smapsdump.so" "$out/smapsdump.c"

# Relinked variants of the client, from the release build's objects (the same link swift build does, plus flags).
# libstdc++: a linker script named libstdc++.so found first on the search path makes `-lstdc++` (which the static
# Swift runtime's link arguments name) take the static archive; -static-libgcc replaces libgcc_s by libgcc_eh.
mkdir -p "$out/static-libstdc++"
echo 'INPUT(libstdc++.a)' >"$out/static-libstdc++/libstdc++.so"
objects=$(dirname "$(readlink -f "$client")")
link=(swiftc -L "$objects" -module-name orchestrator_client -static-stdlib -emit-executable -Xlinker --gc-sections
      -Xlinker --defsym -Xlinker main=orchestrator_client_main -Xlinker '-rpath=$ORIGIN'
      "@$objects/orchestrator-client.product/Objects.LinkFileList" -g)
variants=()
if "${link[@]}" -o "$out/client-static-cxx" -L "$out/static-libstdc++" -Xclang-linker -static-libgcc 2>"$out/link1.log"; then
  variants+=(client-static-cxx)
else say "relink with static libstdc++ failed: $(tail -3 "$out/link1.log")"; fi
if "${link[@]}" -o "$out/client-static-cxx-relr" -L "$out/static-libstdc++" -Xclang-linker -static-libgcc -use-ld=lld \
     -Xlinker -z -Xlinker pack-relative-relocs 2>"$out/link2.log"; then
  variants+=(client-static-cxx-relr)
else say "relink with lld and RELR failed: $(tail -3 "$out/link2.log")"; fi

# --- servers -----------------------------------------------------------------------------------------------------------
pids=()
cleanup() {
  local pid
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT
start_server() { # NAME SCENARIO
  local fd
  rm -f "$out/$1.stdin"; mkfifo "$out/$1.stdin"
  "$bin/orchestrator-test-server" --scenario "$2" --seconds 900 <"$out/$1.stdin" >"$out/$1.api" 2>"$out/$1.err" &
  pids+=("$!")
  exec {fd}<>"$out/$1.stdin"
  for _ in $(seq 1 100); do [ -s "$out/$1.api" ] && return 0; sleep 0.1; done
  say "server $1 did not start: $(cat "$out/$1.err")"; exit 1
}
say "starting the loopback servers"
start_server three three-nodes
start_server single single
for variable in $(compgen -e | grep '^ORCHESTRATOR_' || true); do unset "$variable"; done
export ORCHESTRATOR_CLIENT_PROFILE=
instance=127.0.0.1:10111
alias_name=mycluster
three=$(cat "$out/three.api") single=$(cat "$out/single.api")

# --- measurements ------------------------------------------------------------------------------------------------------
# each NAME API COMMAND...: every single-run measurement of one program.
each() {
  local name=$1 api=$2
  shift 2
  say "measuring $name"
  ORCHESTRATOR_API=$api "$@" >"$out/$name.stdout" 2>"$out/$name.stderr" || true
  ORCHESTRATOR_API=$api strace -f -c -o "$out/$name.strace-c" "$@" >/dev/null 2>&1 || true
  ORCHESTRATOR_API=$api strace -f -tt -T -o "$out/$name.strace" "$@" >/dev/null 2>&1 || true
  ORCHESTRATOR_API=$api LD_DEBUG=statistics "$@" 2>"$out/$name.ld-statistics" >/dev/null || true
  for _ in 1 2 3 4 5; do
    ORCHESTRATOR_API=$api /usr/bin/time -a -o "$out/$name.time" -f '%M %R' "$@" >/dev/null 2>&1 || true
  done
  ORCHESTRATOR_API=$api SMAPS_OUT="$out/$name.smaps" LD_PRELOAD="$out/smapsdump.so" "$@" >/dev/null 2>&1 || true
  ORCHESTRATOR_API=$api perf stat -r 10 -e task-clock,page-faults,context-switches "$@" \
    >/dev/null 2>"$out/$name.perf" || true
  ORCHESTRATOR_API=$api valgrind --tool=callgrind --callgrind-out-file="$out/$name.callgrind" "$@" \
    >/dev/null 2>"$out/$name.valgrind" || true
}
rm -f "$out"/*.time
each floor-discover "$three" "$out/floor" discover "$instance"
each client-discover "$three" "$client" -c discover -i "$instance"
each floor-topology "$single" "$out/floor" topology "$alias_name"
each client-topology "$single" "$client" -c topology -a "$alias_name"
# The start-up baseline: `--help` loads no libcurl (`--version` does since it names libcurl's version).
each client-help "$three" "$client" --help
each client-dry-run "$three" "$client" -c discover -i "$instance" --dry-run
# A third variant: the second, with the functions run at start laid out together (lld --symbol-ordering-file, from
# callgrind runs of the second variant): fewer pages of the executable mapped.
if [ -x "$out/client-static-cxx-relr" ]; then
  say "writing the start-up function order"
  ORCHESTRATOR_API=$three valgrind --tool=callgrind --demangle=no --callgrind-out-file="$out/order-discover.callgrind" \
    "$out/client-static-cxx-relr" -c discover -i "$instance" >/dev/null 2>&1 || true
  ORCHESTRATOR_API=$single valgrind --tool=callgrind --demangle=no --callgrind-out-file="$out/order-topology.callgrind" \
    "$out/client-static-cxx-relr" -c topology -a "$alias_name" >/dev/null 2>&1 || true
  python3 bench/profile_summary.py --order-file "$out/startup-order.txt" client-static-cxx-relr \
    "$out/order-discover.callgrind" "$out/order-topology.callgrind" || true
  if [ -s "$out/startup-order.txt" ] && "${link[@]}" -o "$out/client-static-cxx-relr-ordered" -L "$out/static-libstdc++" \
       -Xclang-linker -static-libgcc -use-ld=lld -Xlinker -z -Xlinker pack-relative-relocs \
       -Xlinker "--symbol-ordering-file=$out/startup-order.txt" -Xlinker --no-warn-symbol-ordering 2>"$out/link3.log"; then
    variants+=(client-static-cxx-relr-ordered)
  else say "relink with a symbol order failed: $(tail -3 "$out/link3.log")"; fi
fi
for variant in "${variants[@]}"; do
  each "$variant-discover" "$three" "$out/$variant" -c discover -i "$instance"
  each "$variant-topology" "$single" "$out/$variant" -c topology -a "$alias_name"
done
[ -x "$out/empty-swift-static" ] && each empty-swift-static "$three" "$out/empty-swift-static"
each empty-c "$three" "$out/empty-c"

# Interleaved wall and CPU time: rounds of one hyperfine run holding every command, the order rotated each round.
timed() { # FILE-PREFIX API NAME=COMMAND...
  local prefix=$1 api=$2 round k n
  shift 2
  local -a names=() commands=()
  for pair in "$@"; do names+=("${pair%%=*}"); commands+=("${pair#*=}"); done
  n=${#names[@]}
  for ((round = 0; round < ROUNDS; round++)); do
    local -a arguments=()
    for ((k = 0; k < n; k++)); do
      local j=$(((k + round) % n))
      arguments+=(-n "${names[$j]}" "${commands[$j]}")
    done
    ORCHESTRATOR_API=$api hyperfine -N --style none --warmup 3 --runs "$RUNS" \
      --export-json "$out/$prefix.round$round.json" "${arguments[@]}" >/dev/null 2>&1 || say "$prefix round $round failed"
  done
}
say "timing, $ROUNDS interleaved rounds of $RUNS runs"
discover_commands=("floor=$out/floor discover $instance" "client=$client -c discover -i $instance")
topology_commands=("floor=$out/floor topology $alias_name" "client=$client -c topology -a $alias_name")
for variant in "${variants[@]}"; do
  discover_commands+=("$variant=$out/$variant -c discover -i $instance")
  topology_commands+=("$variant=$out/$variant -c topology -a $alias_name")
done
timed discover "$three" "${discover_commands[@]}"
timed topology "$single" "${topology_commands[@]}"
startup=("empty-c=$out/empty-c" "empty-c-with-libstdc++=$out/empty-c-cxx" "client --help=$client --help"
         "client --dry-run=$client -c discover -i $instance --dry-run"
         "floor, libcurl loaded only=$out/floor-load-only discover $instance"
         "floor, libcurl loaded only, libstdc++ in scope=$out/floor-load-only-cxx discover $instance")
[ -x "$out/empty-swift-static" ] && startup+=("empty Swift program, static runtime=$out/empty-swift-static")
for variant in "${variants[@]}"; do startup+=("$variant --help=$out/$variant --help"); done
timed startup "$three" "${startup[@]}"

say "summarising"
python3 bench/profile_summary.py "$out" "$client" >"$out/summary.md"
cat "$out/summary.md"
