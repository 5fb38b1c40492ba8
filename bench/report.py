#!/usr/bin/env python3
"""Writes the benchmark report (BENCHMARKS.md) from what bench/run.sh measured. Called by bench/run.sh."""
import argparse
import collections
import datetime
import json
import os
import platform
import re
import subprocess
import sys

# id, what is run, the bash client's figure the goals were set against
SCENARIOS = [
    ("discover-3", "`discover`, 3 endpoints, leader listed last", "205 ms wall, 235 ms CPU"),
    ("discover-hung", "`discover`, 3 endpoints, first node hung", ""),
    ("topology-1", "`topology`, 1 endpoint", "160 ms"),
    ("which-api-1", "`which-api`, 1 endpoint", "35 ms"),
    ("help", "`--help`", ""),
    ("usage-error", "usage error `-c discover --bogus` (exit 2)", ""),
    ("dry-run", "`discover --dry-run`, 3 endpoints", ""),
    ("all-instances-10k", "`all-instances`, 10,000 instances", ""),
    ("json-tool-10k", "`python3 -m json.tool`, the same bytes", ""),
    ("all-instances-100k", "`all-instances`, 100,000 instances", ""),
]
RSS_GOAL_MIB = 20.0
NO_RSS_GOAL = {"all-instances-10k", "json-tool-10k", "all-instances-100k"}
# The client runs beside mysqld: peak RSS within twice the answer plus 20 MiB, whatever the answer's size (answer files by scenario).
ANSWER_FILES = {"all-instances-10k": "all-instances.json", "all-instances-100k": "all-instances-100000.json"}


def percentile(values, fraction):
    """Linear interpolation between closest ranks (numpy's default)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    position = (len(ordered) - 1) * fraction
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def load_results(directory):
    results = {}
    with open(os.path.join(directory, "results.tsv")) as handle:
        for line in handle:
            fields = line.rstrip("\n").split("\t")
            if len(fields) < 5:
                continue
            scenario, state, requests, peak_kib, status = fields[:5]
            entry = {"state": state, "status": status}
            if state == "ok":
                with open(os.path.join(directory, scenario + ".json")) as handle_json:
                    data = json.load(handle_json)["results"][0]
                times = [t * 1000 for t in data["times"]]
                entry.update(
                    median=percentile(times, 0.5),
                    p90=percentile(times, 0.9),
                    cpu=(data["user"] + data["system"]) * 1000,
                    runs=len(times),
                    rss=int(peak_kib) / 1024 if peak_kib.isdigit() else None,
                    requests=None if requests == "-" else float(requests),
                )
                answer = os.path.join(directory, ANSWER_FILES.get(scenario, "-"))
                if os.path.exists(answer):
                    entry["answer_mib"] = os.path.getsize(answer) / (1 << 20)
            results[scenario] = entry
    return results


# --- the floor ---------------------------------------------------------------------------------------------------

VERSUS = [
    ("floor-discover-3", "`discover`, 3 endpoints (leader listed last)", "`floor discover HOST:PORT`",
     "`-c discover -i HOST:PORT`"),
    ("floor-topology-1", "`topology`, 1 endpoint", "`floor topology ALIAS`", "`-c topology -a ALIAS`"),
]
VERSUS_TIME_GOAL_MS = 2.0
VERSUS_RSS_GOAL_MIB = 4.0


def load_versus(directory):
    """{id: {state, floor/client: {times, cpu, per_round}, differences, rss}} from versus.tsv and the rounds' JSON."""
    results = {}
    path = os.path.join(directory, "versus.tsv")
    if not os.path.exists(path):
        return results
    with open(path) as handle:
        for line in handle:
            fields = line.rstrip("\n").split("\t")
            if len(fields) < 3:
                continue
            scenario, state = fields[0], fields[1]
            if state != "ok":
                results[scenario] = {"state": state, "reason": fields[2]}
                continue
            rounds, floor_kib, client_kib = int(fields[2]), fields[3], fields[4]
            sides = {"floor": {"times": [], "cpu": [], "per_round": []},
                     "client": {"times": [], "cpu": [], "per_round": []}}
            differences = []
            for number in range(rounds):
                try:
                    with open(os.path.join(directory, f"{scenario}.round{number}.json")) as handle_json:
                        data = json.load(handle_json)["results"]
                except (OSError, ValueError, KeyError):
                    continue
                medians = {}
                for result in data:
                    side = sides.get(result["command"])
                    if side is None:
                        continue
                    times = [t * 1000 for t in result["times"]]
                    side["times"] += times
                    side["cpu"].append((result["user"] + result["system"]) * 1000)
                    medians[result["command"]] = percentile(times, 0.5)
                    side["per_round"].append(medians[result["command"]])
                if len(medians) == 2:
                    differences.append(medians["client"] - medians["floor"])
            entry = {"state": "ok", "rounds": len(differences), "differences": differences,
                     "rss": {"floor": int(floor_kib) / 1024 if floor_kib.isdigit() else None,
                             "client": int(client_kib) / 1024 if client_kib.isdigit() else None}}
            for name, side in sides.items():
                entry[name] = {"median": percentile(side["times"], 0.5), "p90": percentile(side["times"], 0.9),
                               "cpu": sum(side["cpu"]) / len(side["cpu"]) if side["cpu"] else float("nan"),
                               "runs": len(side["times"])}
            results[scenario] = entry
    return results


def versus_section(versus, runs_per_round):
    if not versus:
        return ""
    out = ["## Against the floor", "",
           "The floor is `bench/floor/floor.c`, built by this run with `cc -O2`: a C program that loads libcurl exactly "
           "as the client does (`dlopen(\"libcurl.so.4\")`, the same 15 functions, `curl_global_init`), sets the same "
           "options on each transfer, probes `leader-check` on every endpoint at once through one multi handle (the "
           "first 200 wins, the others are abandoned), sends the command's request through the same multi handle (a change, "
           "`discover`, on a connection of its own, as the client must: libcurl resends a request whose reused connection "
           "closed unanswered) and "
           "prints what the client prints (the run checks that both print the same text). Goal: the client's median "
           f"within {VERSUS_TIME_GOAL_MS:g} ms of the floor's, its peak RSS within {VERSUS_RSS_GOAL_MIB:g} MiB of the "
           "floor's.", "",
           "| scenario | floor median ms | client median ms | difference ms | per-round difference ms (median, min … max) "
           "| floor CPU ms | client CPU ms | CPU difference ms | floor RSS MiB | client RSS MiB | RSS difference MiB "
           "| met? |",
           "| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    for scenario, label, _, _ in VERSUS:
        entry = versus.get(scenario)
        if entry is None:
            continue
        if entry["state"] != "ok":
            out.append(f"| {label} | FAILED ({entry['reason']}) | | | | | | | | | | |")
            continue
        floor, client = entry["floor"], entry["client"]
        difference = client["median"] - floor["median"]
        per_round = entry["differences"]
        rounds_text = (f"{percentile(per_round, 0.5):.2f} ({min(per_round):.2f} … {max(per_round):.2f}), "
                       f"{len(per_round)} rounds") if per_round else ""
        rss_floor, rss_client = entry["rss"]["floor"], entry["rss"]["client"]
        rss_difference = rss_client - rss_floor if rss_floor is not None and rss_client is not None else None
        missed = []
        if difference > VERSUS_TIME_GOAL_MS:
            missed.append(f"{difference:.2f} ms > {VERSUS_TIME_GOAL_MS:g} ms")
        if rss_difference is not None and rss_difference > VERSUS_RSS_GOAL_MIB:
            missed.append(f"RSS {rss_difference:.1f} MiB > {VERSUS_RSS_GOAL_MIB:g} MiB")
        met = "yes" if not missed else "**no**: " + "; ".join(missed)
        fmt = (lambda value: "" if value is None else f"{value:.1f}")
        out.append(f"| {label} | {floor['median']:.2f} | {client['median']:.2f} | {difference:+.2f} | {rounds_text} "
                   f"| {floor['cpu']:.2f} | {client['cpu']:.2f} | {client['cpu'] - floor['cpu']:+.2f} "
                   f"| {fmt(rss_floor)} | {fmt(rss_client)} "
                   f"| {'' if rss_difference is None else format(rss_difference, '+.1f')} | {met} |")
    out += ["",
            "How it is measured: each round is one `hyperfine -N` run holding both commands "
            f"({runs_per_round} runs of each after warm-up), the floor first in even rounds and the client first in odd "
            "ones, so that a change in the machine's load between rounds falls on both. Medians are over all runs of "
            "all rounds; the per-round differences show how much of the difference is noise. CPU: user + system per "
            "run, mean over the rounds; it is less disturbed by other work on the machine than wall time. The goal is "
            "judged on the medians of wall time. Peak RSS: the largest "
            "`/usr/bin/time -f %M` of the runs, the floor and the client alternately. Where the difference goes: "
            "`bench/profile-notes.md` (and `bash bench/profile.sh` to measure it again).", ""]
    return "\n".join(out)


def load_library(path):
    """{id: row} from a bench/library.sh TSV: wall_ms, failures, threads, rss_kib, connections, full, resumed."""
    rows, note = {}, ""
    if not os.path.exists(path):
        return rows, note
    for line in open(path):
        line = line.rstrip("\n")
        if line.startswith("#"):
            note = line.lstrip("# ")
            continue
        fields = line.split("\t")
        if len(fields) < 8:
            rows[fields[0]] = None
            continue
        rows[fields[0]] = dict(zip(("wall_ms", "failures", "threads", "rss_kib", "connections", "full", "resumed"), fields[1:8]))
    return rows, note


def library_section(directory, calls):
    current, _ = load_library(os.path.join(directory, "library.tsv"))
    if not current:
        return ""
    before, note = load_library(os.path.join(os.path.dirname(os.path.abspath(__file__)), "library-baseline.tsv"))
    names = {"sequential-http": "sequential, http", "concurrent-http": "concurrent, http",
             "sequential-https": "sequential, https", "concurrent-https": "concurrent, https"}
    out = ["## The library", "",
           f"`bench/library.sh`: {calls} `instance` calls through one `OrchestratorClient`, one after another "
           "(sequential) or all at once in a task group (concurrent), against one loopback node: "
           "`orchestrator-test-server --scenario single` (http) and the tests' python3 TLS server (https, keep-alive, "
           "certificate for 127.0.0.1), both answering with the recorded `a009-instance` answer. Measured by "
           "`bench/library-bench` in a process of its own: wall time, peak threads (`/proc/self/status`, sampled every "
           "millisecond, the sampler included), peak RSS (`getrusage`). Connections and TLS handshakes are counted by "
           "the servers. *Before*: the same program built against the library before it reused connections (a thread, a libcurl "
           "multi handle and a connection per call), by `bash bench/library-baseline.sh`"
           + (f" ({note})" if note else "") + ".", "",
           "| scenario | wall ms (before → after) | connections | TLS handshakes full / resumed | peak threads | peak RSS MiB | failures |",
           "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]

    def pair(key, row_before, row, convert=lambda x: x):
        now = convert(row[key]) if row else "failed"
        if row_before is None:
            return f"{now}"
        return f"{convert(row_before[key])} → {now}"

    mib = lambda kib: "%.1f" % (int(kib) / 1024)
    for scenario, title in names.items():
        row = current.get(scenario)
        old = before.get(scenario) if before else None
        if row is None:
            out.append(f"| {title} | failed | | | | | |")
            continue
        handshakes = "–" if row["full"] == "-" else f"{row['full']} / {row['resumed']}"
        if old and old["full"] != "-":
            handshakes = f"{old['full']} / {old['resumed']} → {handshakes}"
        out.append(f"| {title} | {pair('wall_ms', old, row)} | {pair('connections', old, row)} | {handshakes} | "
                   f"{pair('threads', old, row)} | {pair('rss_kib', old, row, mib)} | {pair('failures', old, row)} |")
    if before and str(calls) not in note:
        out += ["", f"(The *before* figures are of {note or 'another number of calls'}; this run made {calls} calls.)"]
    out.append("")
    return "\n".join(out)


def goals(scenario, results):
    """[(description, met or None, detail)] for a scenario."""
    entry = results.get(scenario, {})
    if entry.get("state") != "ok":
        return []
    out = []

    def time_goal(limit, text):
        out.append((text, entry["median"] <= limit, f"median {entry['median']:.1f} ms > {limit:.1f} ms"))

    def requests_goal(expected, text, at_most=False):
        got = entry["requests"]
        ok = got is not None and (got <= expected if at_most else got == expected)
        out.append((text, ok, f"{got:g} requests" if got is not None else "not counted"))

    if scenario == "discover-3":
        time_goal(20, "≤ 20 ms")
        # Followers listed before the leader are waited for briefly, not asked again: the first claimant in configured order wins.
        requests_goal(4, "3 probes + 1 request")
    elif scenario == "discover-hung":
        base = results.get("discover-3", {})
        if base.get("state") == "ok":
            # The hung node is listed before the leader: it is waited for, at least 10 ms, in case it claims
            # leadership too (the choice among claimants must not depend on who answers first).
            time_goal(base["median"] + 12, "≤ 3-node discover + 12 ms")
        requests_goal(4, "3 probes + 1 request")
    elif scenario == "topology-1":
        time_goal(13, "≤ 13 ms")
        requests_goal(1, "1 request")
    elif scenario == "which-api-1":
        requests_goal(1, "≤ 1 request", at_most=True)
    elif scenario in ("help", "usage-error", "dry-run"):
        time_goal(8, "≤ 8 ms")
        requests_goal(0, "no request")
    elif scenario == "all-instances-10k":
        reference = results.get("json-tool-10k", {})
        if reference.get("state") == "ok":
            time_goal(3 * reference["median"], "≤ 3 × json.tool")
        requests_goal(1, "1 request")
    if scenario == "all-instances-100k":
        requests_goal(1, "1 request")
    if entry.get("answer_mib") is not None and entry.get("rss") is not None:
        bound = 2 * entry["answer_mib"] + 20
        out.append((f"RSS ≤ 2 × answer ({entry['answer_mib']:.0f} MiB) + 20 MiB", entry["rss"] <= bound,
                    f"RSS {entry['rss']:.1f} MiB"))
    if scenario not in NO_RSS_GOAL and entry.get("rss") is not None:
        out.append((f"RSS ≤ {RSS_GOAL_MIB:g} MiB", entry["rss"] <= RSS_GOAL_MIB, f"RSS {entry['rss']:.1f} MiB"))
    return out


def table(results):
    lines = [
        "| scenario | median ms | p90 ms | CPU ms | peak RSS MiB | requests/invocation | goal | met? | bash client |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- | --- | --- |",
    ]
    for scenario, label, bash in SCENARIOS:
        entry = results.get(scenario)
        if entry is None:
            continue
        if entry["state"] != "ok":
            lines.append(f"| {label} | FAILED (exit {entry['status']}) | | | | | | | {bash} |")
            continue
        checks = goals(scenario, results)
        goal_text = "; ".join(text for text, _, _ in checks) or "(reference)"
        missed = [detail for _, met, detail in checks if met is False]
        met_text = ("yes" if not missed else "**no**: " + "; ".join(missed)) if checks else ""
        requests = "" if entry["requests"] is None else f"{entry['requests']:g}"
        rss = "" if entry["rss"] is None else f"{entry['rss']:.1f}"
        lines.append(
            f"| {label} | {entry['median']:.1f} | {entry['p90']:.1f} | {entry['cpu']:.1f} | {rss} | {requests} "
            f"| {goal_text} | {met_text} | {bash} |"
        )
    return "\n".join(lines)


def read(path):
    try:
        with open(path, errors="replace") as handle:
            return handle.read()
    except OSError:
        return ""


def command_output(arguments):
    try:
        return subprocess.run(arguments, capture_output=True, text=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return ""


def machine():
    cpuinfo = read("/proc/cpuinfo")
    model = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.M)
    mhz = re.search(r"^cpu MHz\s*:\s*([\d.]+)$", cpuinfo, re.M)
    memory = re.search(r"^MemTotal:\s*(\d+) kB", read("/proc/meminfo"), re.M)
    swift = command_output(["swift", "--version"]).splitlines()
    return {
        "nproc": command_output(["nproc"]).strip(),
        "cpu": model.group(1).strip() if model else platform.processor(),
        "mhz": float(mhz.group(1)) if mhz else None,
        "memory": f"{int(memory.group(1)) / 1024 / 1024:.1f} GiB" if memory else "?",
        "kernel": platform.release(),
        "swift": swift[0].strip() if swift else "?",
    }


# --- callgrind ---------------------------------------------------------------------------------------------------------

def parse_callgrind(path):
    """Exclusive instruction counts per (object, function), and the total."""
    names = {"ob": {}, "fn": {}, "fl": {}}
    kinds = {"ob": "ob", "cob": "ob", "fn": "fn", "cfn": "fn", "fl": "fl", "fi": "fl", "fe": "fl", "cfi": "fl", "cfl": "fl"}
    exclusive = collections.Counter()
    total = 0
    current = {"ob": "?", "fn": "?"}
    skip_next_cost = False
    with open(path, errors="replace") as handle:
        for raw in handle:
            line = raw.rstrip("\n")
            if not line:
                continue
            key, equals, rest = line.partition("=")
            if equals and key in kinds:
                kind = kinds[key]
                match = re.match(r"\((\d+)\)(?: (.*))?$", rest)
                if match:
                    if match.group(2) is not None:
                        names[kind][match.group(1)] = match.group(2)
                    name = names[kind].get(match.group(1), "?")
                else:
                    name = rest
                if key in ("ob", "fn"):
                    current[key] = name
                continue
            if key == "calls" and equals:
                skip_next_cost = True
                continue
            if line[0].isdigit() or line[0] in "+-*":
                parts = line.split()
                if skip_next_cost:  # the inclusive cost of a call, not this function's own
                    skip_next_cost = False
                    continue
                if len(parts) > 1 and parts[1].isdigit():
                    exclusive[(current["ob"], current["fn"])] += int(parts[1])
                continue
            if line.startswith(("summary:", "totals:")):
                total = max(total, int(line.split()[1]))
    if not total:
        total = sum(exclusive.values())
    return exclusive, total


def inclusive_of(path, functions):
    """Inclusive counts of named functions, from callgrind_annotate."""
    text = command_output(["callgrind_annotate", "--inclusive=yes", "--threshold=100", path])
    found = {}
    for line in text.splitlines():
        match = re.match(r"\s*([\d,]+) \(\s*[\d.]+%\)\s+(.*)$", line)
        if not match:
            continue
        count = int(match.group(1).replace(",", ""))
        where = re.sub(r" \[[^\]]*\]$", "", match.group(2))
        function = where.rsplit(":", 1)[-1] if ":" in where else where
        for wanted in functions:
            if function == wanted or function.startswith(wanted + "@"):
                found[wanted] = max(found.get(wanted, 0), count)
    return found


def object_group(obj, client):
    base = os.path.basename(obj)
    if obj == client or base == os.path.basename(client):
        return "our code (orchestrator-client)"
    if base.startswith("ld-linux"):
        return "dynamic loader (ld.so)"
    if base.startswith(("libswift", "libdispatch", "libBlocksRuntime", "libFoundation")):
        return "Swift runtime and standard library"
    if base.startswith(("libc.so", "libm.so", "libpthread", "libstdc++", "libgcc")):
        return "libc, libstdc++"
    if base.startswith("libcurl"):
        return "libcurl"
    if base in ("???", "?"):
        return "other"
    return "libcurl's dependencies (TLS, Kerberos, LDAP, …)"


def demangle(names):
    if not names:
        return {}
    try:
        output = subprocess.run(["swift", "demangle", "--simplified", "--compact"], input="\n".join(names),
                                capture_output=True, text=True, timeout=60).stdout.splitlines()
    except (OSError, subprocess.SubprocessError):
        return {name: name for name in names}
    if len(output) != len(names):
        return {name: name for name in names}
    return dict(zip(names, output))


def callgrind_summary(path, client):
    if not os.path.exists(path):
        return None
    exclusive, total = parse_callgrind(path)
    groups = collections.Counter()
    for (obj, _), count in exclusive.items():
        groups[object_group(obj, client)] += count
    top = exclusive.most_common(12)
    readable = demangle([function for (_, function), _ in top])
    inclusive = inclusive_of(path, ["_dl_start", "_dl_init", "_dl_runtime_resolve_xsavec", "_dl_fixup",
                                    "orchestrator_client_main", "exit", "curl_global_init", "dlopen",
                                    "curl_multi_perform"])
    return {"total": total, "groups": groups, "top": [(obj, readable.get(function, function), count)
                                                      for (obj, function), count in top],
            "inclusive": inclusive}


def floor_binary_name(profile, name):
    """The floor's path as callgrind recorded it (its command line), so its own code is grouped as ours."""
    text = read(os.path.join(profile, name + ".callgrind"))
    match = re.search(r"^cmd: (\S+)", text, re.M)
    return match.group(1) if match else "floor"


def percent(part, whole):
    return f"{100 * part / whole:.1f}%" if whole else "?"


def profile_section(directory, client, mhz, results):
    profile = os.path.join(directory, "profile")
    if not os.path.isdir(profile) or not os.listdir(profile):
        return ""
    out = ["## Where the time goes", ""]
    perf = read(os.path.join(profile, "perf.txt"))
    if "not supported" in perf or "failed" in perf or not perf:
        out.append("`perf stat -e instructions` reports the hardware counters as *not supported* on this machine (a "
                   "virtual machine), so instruction counts come from `valgrind --tool=callgrind` (one run each).")
    else:
        out.append("Hardware counters are available (`perf stat`); instruction counts below still come from callgrind.")
    out.append("")

    # Start-up: empty programs.
    startup = {}
    try:
        with open(os.path.join(profile, "startup.json")) as handle:
            for result in json.load(handle)["results"]:
                startup[result["command"]] = percentile([t * 1000 for t in result["times"]], 0.5)
    except (OSError, ValueError, KeyError):
        pass
    ldd = read(os.path.join(profile, "ldd.txt"))
    libraries = [line.split()[0] for line in ldd.splitlines() if line.strip() and "vdso" not in line]
    swift_libraries = [name for name in libraries if name.startswith(("libswift", "libdispatch", "libBlocksRuntime"))]
    curl_libraries = len([line for line in read(os.path.join(profile, "ldd-libcurl.txt")).splitlines()
                          if line.strip() and "vdso" not in line])
    foundation = any("Foundation" in name for name in libraries)
    statistics = read(os.path.join(profile, "ld-statistics.txt"))
    cycles = re.search(r"total startup time in dynamic loader: (\d+) cycles", statistics)
    relocations = re.search(r"final number of relocations: (\d+)", statistics)
    relative = re.search(r"number of relative relocations: (\d+)", statistics)

    out.append("### Start-up (median of the runs, ms)")
    out.append("")
    if startup:
        out.append("| program | median ms |")
        out.append("| --- | ---: |")
        labels = {"empty-c": "empty C program (`int main(){return 0;}`): process creation, exec, libc",
                  "empty-c-libcurl": f"the same, linked with libcurl ({curl_libraries} libraries by `ldd`)",
                  "empty-swift": "empty Swift program (dynamic Swift runtime)",
                  "client-help": "`orchestrator-client --help`"}
        for name, label in labels.items():
            if name in startup:
                out.append(f"| {label} | {startup[name]:.1f} |")
        out.append("")
    facts = [f"`ldd orchestrator-client`: {len(libraries)} shared libraries, {len(swift_libraries)} of them Swift's "
             f"({', '.join(sorted(swift_libraries))}); Foundation is {'**linked**' if foundation else 'not linked'}."]
    if cycles and relocations:
        ms = f" ≈ {int(cycles.group(1)) / (mhz * 1000):.2f} ms at {mhz:.0f} MHz" if mhz else ""
        facts.append(f"`LD_DEBUG=statistics … --help`: {int(relocations.group(1)):,} symbol relocations"
                     f"{' and ' + format(int(relative.group(1)), ',') + ' relative ones' if relative else ''}, "
                     f"{int(cycles.group(1)):,} cycles in the loader before `main`{ms} (the loader's own clock; "
                     f"page faults and `mmap` of the libraries are counted as system time, not here).")
    out.extend(f"- {fact}" for fact in facts)
    out.append("")

    summaries = {}
    for name, title in (("help", "`--help`"), ("discover", "`discover`, 3 endpoints"),
                        ("all-instances", "`all-instances`, 10,000 instances")):
        summary = callgrind_summary(os.path.join(profile, name + ".callgrind"), client)
        if summary is None:
            continue
        summaries[name] = summary
        out.append(f"### Instructions: {title} ({summary['total']:,} in all)")
        out.append("")
        out.append("| where (exclusive) | instructions | share |")
        out.append("| --- | ---: | ---: |")
        for group, count in summary["groups"].most_common():
            out.append(f"| {group} | {count:,} | {percent(count, summary['total'])} |")
        inclusive = summary["inclusive"]
        out.append("")
        notes = []
        if "_dl_start" in inclusive:
            notes.append(f"loading and relocating the libraries before any constructor (`_dl_start`, inclusive): "
                         f"{percent(inclusive['_dl_start'], summary['total'])}")
        if "_dl_init" in inclusive:
            notes.append(f"library constructors (`_dl_init`: GnuTLS's ASN.1 tables via librtmp, the Swift runtime, "
                         f"…): {percent(inclusive['_dl_init'], summary['total'])}")
        if "orchestrator_client_main" in inclusive:
            notes.append(f"everything from `main` on (`orchestrator_client_main`, inclusive): "
                         f"{percent(inclusive['orchestrator_client_main'], summary['total'])}")
        if notes:
            out.append("Inclusive: " + "; ".join(notes) + ".")
            out.append("")
        out.append("<details><summary>top functions (exclusive)</summary>")
        out.append("")
        out.append("| function | object | share |")
        out.append("| --- | --- | ---: |")
        for obj, function, count in summary["top"]:
            function = function.replace("|", "\\|")
            if len(function) > 110:
                function = function[:107] + "…"
            out.append(f"| `{function}` | {os.path.basename(obj)} | {percent(count, summary['total'])} |")
        out.append("")
        out.append("</details>")
        out.append("")

    # The client against the floor, the same requests.
    pairs = [("discover", "floor-discover", "`discover`, 3 endpoints"), ("topology", "floor-topology", "`topology`, 1 endpoint")]
    rows = []
    for client_name, floor_name, title in pairs:
        client_summary = summaries.get(client_name) or callgrind_summary(os.path.join(profile, client_name + ".callgrind"), client)
        floor_path = os.path.join(profile, floor_name + ".callgrind")
        floor_summary = callgrind_summary(floor_path, floor_binary_name(profile, floor_name)) if os.path.exists(floor_path) else None
        if client_summary and floor_summary:
            rows.append((title, client_summary, floor_summary))
    if rows:
        out.append("### Instructions: the client against the floor")
        out.append("")
        out.append("Inclusive instruction counts (callgrind, one run each) of the phases both programs go through; "
                   "`bench/profile-notes.md` explains the difference item by item.")
        out.append("")
        out.append("| phase (inclusive) | " + " | ".join(f"{title}: floor | client | difference" for title, _, _ in rows) + " |")
        out.append("| --- |" + " ---: | ---: | ---: |" * len(rows))
        phases = [("everything", None),
                  ("loading the executable and its libraries before `main` (`_dl_start`)", "_dl_start"),
                  ("library constructors (`_dl_init`)", "_dl_init"),
                  ("`dlopen` of libcurl and its 31 libraries", "dlopen"),
                  ("`curl_global_init` (OpenSSL, its configuration file)", "curl_global_init"),
                  ("the transfers (`curl_multi_perform`)", "curl_multi_perform"),
                  ("process exit (`exit`: atexit handlers)", "exit")]
        for label, key in phases:
            cells = []
            for _, client_summary, floor_summary in rows:
                if key is None:
                    values = (floor_summary["total"], client_summary["total"])
                else:
                    values = (floor_summary["inclusive"].get(key), client_summary["inclusive"].get(key))
                if None in values:
                    cells.append(" | | ")
                else:
                    cells.append(f"{values[0]:,} | {values[1]:,} | {values[1] - values[0]:+,}")
            out.append(f"| {label} | " + " | ".join(cells) + " |")
        out.append("")

    # Summary in prose, from the numbers above.
    out.append("### In short")
    out.append("")
    short = []
    if {"empty-c", "empty-c-libcurl"} <= startup.keys():
        curl_ms = startup["empty-c-libcurl"] - startup["empty-c"]
        help_ms = startup.get("client-help")
        share = f", {100 * curl_ms / help_ms:.0f}% of `--help`'s {help_ms:.1f} ms" if help_ms else ""
        if any("libcurl" in name for name in libraries):
            short.append(f"**Loading libcurl** and its {curl_libraries - 1} dependencies costs {curl_ms:.1f} ms per "
                         f"process even for an empty program{share}. Every invocation pays it, including `--help`, "
                         f"usage errors and `--dry-run`, which never send a request.")
        else:
            short.append(f"**Loading libcurl** and its {curl_libraries - 1} dependencies costs {curl_ms:.1f} ms per "
                         f"process even for an empty program. The client loads it with `dlopen` on its first request, "
                         f"so `--help`, usage errors and `--dry-run` never pay it; commands that send a request do "
                         f"(most of `discover`'s dynamic-loader instructions below).")
    if {"empty-c", "empty-swift"} <= startup.keys():
        if swift_libraries:
            short.append(f"**The Swift runtime** (dynamically linked: {len(swift_libraries)} libraries, runtime "
                         f"constructors) adds {startup['empty-swift'] - startup['empty-c']:.1f} ms to an empty program.")
        else:
            short.append(f"**The Swift runtime** is linked statically (`--static-swift-stdlib`): no Swift shared library "
                         f"is loaded. An empty program with the runtime linked dynamically takes "
                         f"{startup['empty-swift'] - startup['empty-c']:.1f} ms more than an empty C program.")
    if "help" in summaries:
        help_summary = summaries["help"]
        loader = help_summary["groups"].get("dynamic loader (ld.so)", 0)
        ours = help_summary["inclusive"].get("orchestrator_client_main", 0)
        short.append(f"Of `--help`'s instructions, {percent(loader, help_summary['total'])} are the dynamic loader "
                     f"resolving symbols (each lookup walks the {len(libraries)} libraries' hash tables); our code, "
                     f"from `main` on, is {percent(ours, help_summary['total'])}.")
    if "discover" in summaries:
        discover = summaries["discover"]
        ours = discover["inclusive"].get("orchestrator_client_main", 0)
        short.append(f"`discover` through 3 endpoints: {percent(ours, discover['total'])} of the instructions are "
                     f"from `main` on (probes, request, parse, print), "
                     f"{percent(discover['groups'].get('dynamic loader (ld.so)', 0), discover['total'])} are the "
                     f"dynamic loader. The network wait on loopback is small: compare its median with `--help`'s.")
    if "all-instances" in summaries:
        big = summaries["all-instances"]
        ours = big["groups"].get("our code (orchestrator-client)", 0)
        stdlib = big["groups"].get("Swift runtime and standard library", 0)
        short.append(f"`all-instances` on 10,000 instances (25 MB): {percent(ours, big['total'])} of the "
                     f"instructions are in our code and {percent(stdlib, big['total'])} in the Swift standard "
                     f"library; see the top functions.")
    out.extend(f"- {item}" for item in short)
    out.append("")
    return "\n".join(out)


def main():
    parser = argparse.ArgumentParser()
    for name in ("mode", "dir", "out", "runs", "big-runs", "rss-runs", "load-before", "load-after", "client",
                 "failures", "floor", "versus-runs", "library-calls"):
        parser.add_argument("--" + name, default="")
    arguments = parser.parse_args()
    results = load_results(arguments.dir)
    info = machine()
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    mhz_text = ", %.0f MHz" % info["mhz"] if info["mhz"] else ""
    rerun = "bash bench/run.sh" + (" --quick" if arguments.mode == "quick" else "")
    text = [
        "# Benchmarks" + (" (quick run: few runs, for CI; not the committed figures)" if arguments.mode == "quick" else ""),
        "",
        f"Measured {now} by `{rerun}`. To rerun, from the repository root: "
        "`bash bench/run.sh` (about 2 to 3 minutes; writes this file; "
        "`--quick` for a short run that writes `$SCRATCH/BENCHMARKS-quick.md` instead; `SCRATCH=dir` picks the "
        "build directory, default `.build`).",
        "",
        f"Machine: {info['nproc']} CPUs ({info['cpu']}{mhz_text}), "
        f"{info['memory']} memory, Linux {info['kernel']}, {info['swift']}. Load average (1, 5, 15 min) "
        f"before the runs {arguments.load_before}, after {arguments.load_after}: other work on the machine "
        "shows as noise, mostly in the p90 column.",
        "",
        "## Results",
        "",
        table(results),
        "",
        "How it is measured: the release build, against loopback stand-ins of orchestrator "
        "(`orchestrator-test-server --scenario three-nodes|hung-first|single|big`) that replay answers recorded from a "
        "real orchestrator 3.2.6 (`a041-discover`, `a004-topology`, `a019-all-instances`; the 10,000-instance answer "
        "is the first recorded instance cloned with distinct keys, 25 MB). Wall time: `hyperfine -N` (no shell), "
        f"{arguments.runs} runs after warm-up ({arguments.big_runs} for the 10,000-instance rows); median and p90 "
        "of its per-run times. CPU: user + system, mean per run. Peak RSS: the largest `/usr/bin/time -f %M` of "
        f"{arguments.rss_runs} runs. Requests: counted by the stand-in servers over 3 invocations, divided by 3. "
        f"The RSS goal ({RSS_GOAL_MIB:g} MiB) is not applied to the 10,000-instance rows: the answer alone is 25 MB. "
        "The bash client figures are those the goals were set against (the bash client is not installed here).",
        "",
    ]
    versus = versus_section(load_versus(arguments.dir), arguments.versus_runs or "?")
    if versus:
        text.append(versus)
    library = library_section(arguments.dir, arguments.library_calls or "?")
    if library:
        text.append(library)
    profile = profile_section(arguments.dir, arguments.client, info["mhz"], results)
    if profile:
        text.append(profile)
    notes = os.path.join(os.path.dirname(os.path.abspath(__file__)), "notes.md")
    if arguments.mode != "quick" and os.path.exists(notes):
        text.append(read(notes).rstrip() + "\n")
    if arguments.failures.strip():
        text.append(f"**Scenarios that did not run:** {arguments.failures}\n")
    os.makedirs(os.path.dirname(os.path.abspath(arguments.out)), exist_ok=True)
    with open(arguments.out, "w") as handle:
        handle.write("\n".join(text).rstrip() + "\n")


if __name__ == "__main__":
    sys.exit(main())
