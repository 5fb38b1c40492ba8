#!/usr/bin/env bash
# What linking for glibc 2.28 costs: the shipped release link (Debian 11 sysroot, no packed relative relocations)
# against the link it replaced (this machine's glibc, with `-z pack-relative-relocs` where that glibc is 2.36 or
# later), on `discover` through three endpoints (the raft leader listed last), the cron job every host runs.
#
#   bash bench/link-compat.sh            ROUNDS=10 RUNS=20 by default; prints a Markdown table for BENCHMARKS.md
#
# Each round is one hyperfine run holding both binaries, the order swapped every round; peak RSS is the largest
# /usr/bin/time %M over RSS_RUNS runs of each, alternately. Needs hyperfine and /usr/bin/time (scripts/packages.txt).
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-10} RUNS=${RUNS:-20} WARMUP=${WARMUP:-5} RSS_RUNS=${RSS_RUNS:-20}
say() { printf 'link-compat [%3ds]: %s\n' "$SECONDS" "$*" >&2; }

read -r -a shipped <<<"$(make -s --no-print-directory print-build-flags SWIFT_BUILD_FLAGS=--static-swift-stdlib)"
relr=()
if getconf GNU_LIBC_VERSION | awk '{ split($2, v, "."); exit !(v[1] > 2 || (v[1] == 2 && v[2] >= 36)) }'; then
    relr=(-Xlinker -z -Xlinker pack-relative-relocs)
fi
read -r -a former <<<"$(make -s --no-print-directory print-build-flags SWIFT_BUILD_FLAGS=--static-swift-stdlib SYSROOT=)"
former+=("${relr[@]}")

build() {   # build SCRATCH FLAGS...: prints the binary's path
    local scratch=$1
    shift
    swift build -c release --product orchestrator-client --scratch-path "$scratch" "$@" >&2
    echo "$(swift build -c release --scratch-path "$scratch" "$@" --show-bin-path)/orchestrator-client"
}
say "building the shipped link (.build-bench-glibc228) and the former one (.build-bench-host)"
new=$(build .build-bench-glibc228 "${shipped[@]}")
old=$(build .build-bench-host "${former[@]}")
swift build -c release --product orchestrator-test-server --scratch-path .build-bench-glibc228 "${shipped[@]}" >&2
server_bin=$(dirname "$new")/orchestrator-test-server

tmp=$(mktemp -d)
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
mkfifo "$tmp/stdin"
"$server_bin" --scenario three-nodes --seconds 1800 <"$tmp/stdin" >"$tmp/api" 2>"$tmp/err" &
server_pid=$!
exec 7<>"$tmp/stdin"
for _ in $(seq 1 100); do [ -s "$tmp/api" ] && break; sleep 0.1; done
export ORCHESTRATOR_API
ORCHESTRATOR_API=$(cat "$tmp/api")
export ORCHESTRATOR_CLIENT_PROFILE=
for binary in "$new" "$old"; do
    "$binary" -c discover -i db1:3306 >/dev/null || { say "$binary -c discover failed"; exit 1; }
done

cmd_new=$(printf '%q ' "$new" -c discover -i db1:3306)
cmd_old=$(printf '%q ' "$old" -c discover -i db1:3306)
for ((round = 0; round < ROUNDS; round++)); do
    order=(-n glibc228 "$cmd_new" -n former "$cmd_old")
    [ $((round % 2)) = 1 ] && order=(-n former "$cmd_old" -n glibc228 "$cmd_new")
    hyperfine -N --style none --warmup "$WARMUP" --runs "$RUNS" --export-json "$tmp/round$round.json" "${order[@]}" >/dev/null
done
peak_new=0 peak_old=0
for ((i = 0; i < RSS_RUNS; i++)); do
    /usr/bin/time -f %M -o "$tmp/rss" "$new" -c discover -i db1:3306 >/dev/null
    kib=$(tail -n 1 "$tmp/rss"); [ "$kib" -gt "$peak_new" ] && peak_new=$kib
    /usr/bin/time -f %M -o "$tmp/rss" "$old" -c discover -i db1:3306 >/dev/null
    kib=$(tail -n 1 "$tmp/rss"); [ "$kib" -gt "$peak_old" ] && peak_old=$kib
done
python3 - "$tmp" "$ROUNDS" "$peak_new" "$peak_old" "$new" "$old" <<'EOF'
import json, os, re, statistics, subprocess, sys
tmp, rounds, peak_new, peak_old, new, old = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6]
times = {"glibc228": [], "former": []}
cpu = {"glibc228": [], "former": []}
for r in range(rounds):
    for result in json.load(open(os.path.join(tmp, f"round{r}.json")))["results"]:
        times[result["command"]] += [t * 1000 for t in result["times"]]
        cpu[result["command"]].append((result["user"] + result["system"]) * 1000)
def newest(binary):
    out = subprocess.run(["objdump", "-T", binary], capture_output=True, text=True).stdout
    versions = sorted(set(re.findall(r"GLIBC_(2\.[0-9.]+)", out)), key=lambda v: [int(x) for x in v.split(".")])
    relr = "GLIBC_ABI_DT_RELR" in subprocess.run(["readelf", "-V", binary], capture_output=True, text=True).stdout
    return versions[-1] + (", DT_RELR (2.36)" if relr else "")
rows = [("shipped: Debian 11 sysroot, no DT_RELR", "glibc228", peak_new, new),
        ("former: this machine's glibc, DT_RELR", "former", peak_old, old)]
print("| link | newest glibc needed | median ms | CPU ms | peak RSS MiB | size MiB |")
print("| --- | --- | --- | --- | --- | --- |")
for label, key, peak, binary in rows:
    print(f"| {label} | {newest(binary)} | {statistics.median(times[key]):.2f} | {statistics.mean(cpu[key]):.2f} | "
          f"{peak / 1024:.1f} | {os.path.getsize(binary) / 1048576:.1f} |")
d_ms = statistics.median(times["glibc228"]) - statistics.median(times["former"])
print(f"\nDifference (shipped − former): median {d_ms:+.2f} ms, CPU {statistics.mean(cpu['glibc228']) - statistics.mean(cpu['former']):+.2f} ms, "
      f"peak RSS {(peak_new - peak_old) / 1024:+.1f} MiB, over {rounds} rounds × {len(times['former']) // rounds} runs of each.")
EOF
