#!/usr/bin/env bash
# The "before" figures of the library's benchmark: builds bench/library-bench against the library of an
# older commit (default 5904c7b, before connections were reused: a thread and a connection per call) and runs bench/library.sh with
# it, writing bench/library-baseline.tsv, which bench/report.py shows beside the current figures.
#
#   bash bench/library-baseline.sh [COMMIT] [CALLS]
set -euo pipefail
cd "$(dirname "$0")/.."
commit=${1:-5904c7b} calls=${2:-1000}
SCRATCH=${SCRATCH:-.build}
work=$(mktemp -d "${TMPDIR:-/tmp}/orchestrator-baseline.XXXXXX")
trap 'rm -rf "$work"' EXIT
git archive "$commit" | tar -x -C "$work"
mkdir -p "$work/bench/library-bench"
cp bench/library-bench/main.swift "$work/bench/library-bench/"
python3 - "$work/Package.swift" <<'PY'
import sys
path = sys.argv[1]
text = open(path).read()
target = '''        .executableTarget(name: "library-bench", dependencies: ["OrchestratorClientKit"], path: "bench/library-bench",
                          swiftSettings: [.swiftLanguageMode(.v6), .define("LIBRARY_BENCH_BASELINE")]),
        .testTarget('''
open(path, "w").write(text.replace("        .testTarget(", target, 1))
PY
(cd "$work" && swift build -c release --static-swift-stdlib --product library-bench >&2)
# The server as bench/run.sh builds it (the same flags, so that the two share one build).
read -r -a release_flags <<<"$(make -s --no-print-directory print-build-flags SWIFT_BUILD_FLAGS=--static-swift-stdlib)"
build_flags=(-c release --scratch-path "$SCRATCH" "${release_flags[@]}")
swift build "${build_flags[@]}" --product orchestrator-test-server >&2
bash bench/library.sh "$work/.build/release/library-bench" "$(swift build "${build_flags[@]}" --show-bin-path)/orchestrator-test-server" \
  bench/library-baseline.tsv "$calls"
printf '# measured %s on commit %s, %s calls\n' "$(date -u '+%Y-%m-%d %H:%M UTC')" "$(git rev-parse --short "$commit")" "$calls" >>bench/library-baseline.tsv
cat bench/library-baseline.tsv
