#!/usr/bin/env bash
# Writes build-support/startup-order.txt: the executable's functions that a `discover` through three
# endpoints and a `topology` through one run, in the order callgrind first meets them, for lld's
# --symbol-ordering-file (the Makefile's RELEASE_LINK_FLAGS): start-up then touches fewer pages of the executable.
# From the repository root: `bash bench/startup-order.sh` (a release build and two runs under valgrind, ~2 minutes).
# Rerun after large changes to the start-up path; stale names are ignored by the linker, so an old list still links.
set -euo pipefail
cd "$(dirname "$0")/.."
SCRATCH=${SCRATCH:-.build}
command -v valgrind >/dev/null 2>&1 || { echo "bench/startup-order.sh: valgrind is needed" >&2; exit 1; }
read -r -a flags <<<"$(make -s --no-print-directory print-build-flags SWIFT_BUILD_FLAGS="--static-swift-stdlib")"
build_flags=(-c release --scratch-path "$SCRATCH" "${flags[@]}")
swift build "${build_flags[@]}" --product orchestrator-client >&2
swift build "${build_flags[@]}" --product orchestrator-test-server >&2
bin=$(swift build "${build_flags[@]}" --show-bin-path)
work=$(mktemp -d "${TMPDIR:-/tmp}/startup-order.XXXXXX")
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
start_server() { # NAME SCENARIO
  "$bin/orchestrator-test-server" --scenario "$2" --seconds 600 </dev/null >"$work/$1.api" 2>"$work/$1.err" &
  pids+=("$!")
  for _ in $(seq 1 100); do [ -s "$work/$1.api" ] && return 0; sleep 0.1; done
  echo "server $1 did not start: $(cat "$work/$1.err")" >&2; exit 1
}
start_server three three-nodes
start_server single single
for variable in $(compgen -e | grep '^ORCHESTRATOR_' || true); do unset "$variable"; done
export ORCHESTRATOR_CLIENT_PROFILE=
client=$(readlink -f "$bin/orchestrator-client")
ORCHESTRATOR_API=$(cat "$work/three.api") valgrind --tool=callgrind --demangle=no --callgrind-out-file="$work/discover.out" \
  "$client" -c discover -i 127.0.0.1:10111 >/dev/null 2>&1
ORCHESTRATOR_API=$(cat "$work/single.api") valgrind --tool=callgrind --demangle=no --callgrind-out-file="$work/topology.out" \
  "$client" -c topology -a mycluster >/dev/null 2>&1
python3 - "$client" "$work/discover.out" "$work/topology.out" >build-support/startup-order.txt <<'PY'
import re, sys
client, files = sys.argv[1], sys.argv[2:]
seen, order = set(), []
for path in files:
    objects, functions = {}, {}
    current = called_object = None
    for line in open(path, errors="replace"):
        match = re.match(r"^(c?ob|c?fn)=\((\d+)\)(?: (.*))?$", line.rstrip("\n"))
        if not match:
            continue
        kind, number, name = match.groups()
        table = objects if kind.endswith("ob") else functions
        if name is not None:
            table[number] = name
        if kind == "ob":
            current = objects.get(number)
        elif kind == "cob":
            called_object = objects.get(number)
        elif kind in ("fn", "cfn"):
            owner = current if kind == "fn" else called_object
            symbol = functions.get(number)
            if owner == client and symbol and symbol not in seen and not symbol.startswith("0x"):
                seen.add(symbol)
                order.append(symbol)
            called_object = current   # a call without cob= is to the caller's object
print("\n".join(order))
PY
echo "bench/startup-order.sh: $(wc -l <build-support/startup-order.txt) functions in build-support/startup-order.txt" >&2
