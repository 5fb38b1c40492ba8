#!/usr/bin/env python3
"""Summarises what bench/profile.sh measured: the client against the floor. Prints Markdown.

Usage: profile_summary.py OUT_DIR CLIENT_PATH
       profile_summary.py --order-file ORDER_FILE BINARY CALLGRIND_FILE...
           writes the functions of BINARY that the callgrind runs (made with --demangle=no) executed, in the order
           first seen: a symbol ordering file for lld (--symbol-ordering-file), see bench/profile-notes.md.
"""
import collections
import glob
import json
import os
import re
import statistics
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import report  # noqa: E402  (parse_callgrind, inclusive_of, percentile, demangle)


def read(path):
    try:
        with open(path, errors="replace") as handle:
            return handle.read()
    except OSError:
        return ""


def timing(out, prefix):
    """{name: {median, cpu, differences (per round, against the floor or the first command)}}."""
    times, cpu, per_round = collections.defaultdict(list), collections.defaultdict(list), collections.defaultdict(list)
    order = []
    for path in sorted(glob.glob(os.path.join(out, f"{prefix}.round*.json"))):
        medians = {}
        for result in json.load(open(path))["results"]:
            name = result["command"]
            if name not in order:
                order.append(name)
            values = [t * 1000 for t in result["times"]]
            times[name] += values
            cpu[name].append((result["user"] + result["system"]) * 1000)
            medians[name] = report.percentile(values, 0.5)
        reference = medians.get("floor")
        for name, value in medians.items():
            if reference is not None:
                per_round[name].append(value - reference)
    return order, {name: {"median": report.percentile(times[name], 0.5), "cpu": statistics.mean(cpu[name]),
                          "differences": per_round[name], "runs": len(times[name])} for name in order}


def timing_table(out, prefix, title):
    order, data = timing(out, prefix)
    if not data:
        return []
    floor = data.get("floor")
    lines = [f"### {title}", "",
             "| program | median ms | − floor ms | per-round − floor ms: median (min … max) | CPU ms | CPU − floor ms |",
             "| --- | ---: | ---: | --- | ---: | ---: |"]
    for name in order:
        entry = data[name]
        differences = sorted(entry["differences"])
        if floor and name != "floor":
            delta = f"{entry['median'] - floor['median']:+.2f}"
            rounds = (f"{report.percentile(differences, 0.5):+.2f} ({differences[0]:+.2f} … {differences[-1]:+.2f})"
                      if differences else "")
            cpu_delta = f"{entry['cpu'] - floor['cpu']:+.2f}"
        else:
            delta = rounds = cpu_delta = ""
        lines.append(f"| {name} | {entry['median']:.2f} | {delta} | {rounds} | {entry['cpu']:.2f} | {cpu_delta} |")
    lines.append("")
    return lines


def strace_counts(path):
    calls, errors = collections.Counter(), collections.Counter()
    for line in read(path).splitlines():
        fields = line.split()
        if len(fields) >= 5 and fields[0][0].isdigit() and not fields[-1].startswith("total"):
            name = fields[-1]
            calls[name] = int(fields[3])
            if len(fields) == 6:
                errors[name] = int(fields[4])
    return calls, errors


def callgrind_phases(path, binary):
    if not os.path.exists(path):
        return None
    _, total = report.parse_callgrind(path)
    inclusive = report.inclusive_of(path, ["_dl_start", "_dl_init", "dlopen", "curl_global_init", "curl_multi_perform",
                                           "orchestrator_client_main", "main", "exit", "swift_getTypeByMangledName",
                                           "swift_conformsToProtocolWithExecutionContext"])
    return {"total": total, **inclusive}


PROGRAMS = [("floor-discover", "floor, discover"), ("client-discover", "client, discover"),
            ("client-static-cxx-discover", "client, static libstdc++, discover"),
            ("client-static-cxx-relr-discover", "client, static libstdc++ + RELR, discover"),
            ("client-static-cxx-relr-ordered-discover", "client, static libstdc++ + RELR + function order, discover"),
            ("floor-topology", "floor, topology"), ("client-topology", "client, topology"),
            ("client-static-cxx-topology", "client, static libstdc++, topology"),
            ("client-static-cxx-relr-topology", "client, static libstdc++ + RELR, topology"),
            ("client-static-cxx-relr-ordered-topology", "client, static libstdc++ + RELR + function order, topology"),
            ("client-help", "client --help"), ("client-dry-run", "client discover --dry-run"),
            ("empty-swift-static", "empty Swift program, static runtime"), ("empty-c", "empty C program")]


def program_table(out):
    lines = ["### Each program, one run each (callgrind, strace, LD_DEBUG) or several (/usr/bin/time, perf stat)", "",
             "| program | instructions | before main (`_dl_start`) | `dlopen` libcurl | `curl_global_init` | main, less "
             "`dlopen` and `curl_global_init` | syscalls | failed | threads (clone) | mmap | page faults | peak RSS MiB "
             "| loader cycles at start | relocations at start (symbol / relative) | perf task-clock ms |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |"]
    for name, label in PROGRAMS:
        if not os.path.exists(os.path.join(out, name + ".callgrind")):
            continue
        phases = callgrind_phases(os.path.join(out, name + ".callgrind"), name)
        calls, errors = strace_counts(os.path.join(out, name + ".strace-c"))
        time_lines = [line.split() for line in read(os.path.join(out, name + ".time")).splitlines()
                      if re.match(r"^\d+ \d+$", line)]
        rss = max((int(fields[0]) for fields in time_lines), default=0) / 1024
        faults = statistics.median([int(fields[1]) for fields in time_lines]) if time_lines else 0
        statistics_text = read(os.path.join(out, name + ".ld-statistics"))
        cycles = re.search(r"total startup time in dynamic loader: (\d+) cycles", statistics_text)
        relocations = re.search(r"number of relocations: (\d+)", statistics_text)
        relative = re.search(r"number of relative relocations: (\d+)", statistics_text)
        perf = re.search(r"([\d.]+) msec task-clock", read(os.path.join(out, name + ".perf")))
        main = phases.get("orchestrator_client_main") or phases.get("main") or 0
        rest = main - phases.get("dlopen", 0) - phases.get("curl_global_init", 0)
        cycles_text = f"{int(cycles.group(1)):,}" if cycles else "?"
        relocation_text = f"{relocations.group(1) if relocations else '?'} / {relative.group(1) if relative else '?'}"
        lines.append(
            f"| {label} | {phases['total']:,} | {phases.get('_dl_start', 0):,} | {phases.get('dlopen', 0):,} "
            f"| {phases.get('curl_global_init', 0):,} | {rest:,} | {sum(calls.values())} | {sum(errors.values())} "
            f"| {calls.get('clone', 0) + calls.get('clone3', 0)} | {calls.get('mmap', 0)} | {faults:g} | {rss:.1f} "
            f"| {cycles_text} | {relocation_text} | {perf.group(1) if perf else '?'} |")
    lines.append("")
    return lines


def smaps(path):
    rss = collections.Counter()
    name = None
    for line in read(path).splitlines():
        match = re.match(r"^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$", line)
        if match:
            name = os.path.basename(match.group(1)) or "anonymous"
            continue
        match = re.match(r"^Rss:\s+(\d+) kB", line)
        if match and name:
            rss[name] += int(match.group(1))
    return rss


def smaps_table(out, left, right):
    a, b = smaps(os.path.join(out, left + ".smaps")), smaps(os.path.join(out, right + ".smaps"))
    if not a or not b:
        return []
    lines = [f"### RSS at exit by mapping: {left} against {right} (KiB, /proc/self/smaps)", "",
             f"| mapping | {left} | {right} | difference |", "| --- | ---: | ---: | ---: |"]
    names = sorted(set(a) | set(b), key=lambda key: -abs(b[key] - a[key]))
    for key in names:
        if abs(b[key] - a[key]) >= 40:
            label = f"the executable ({key})" if os.path.exists(os.path.join(out, key)) or key == os.path.basename(CLIENT) else key
            lines.append(f"| {label} | {a[key]:,} | {b[key]:,} | {b[key] - a[key]:+,} |")
    lines.append(f"| **all** | {sum(a.values()):,} | {sum(b.values()):,} | {sum(b.values()) - sum(a.values()):+,} |")
    lines.append("")
    return lines


SWIFT_WORK = ["CommandLineTool.run(", "ClientEnvironment.current", "CommandTable.byName", "CommandSpec.allNames",
              "ArgumentParser.parse", "CommandLineTool.configuration", "ClientConfiguration.fromEnvironment",
              "ValueResolver.resolve", "OrchestratorSession.interpret", "JSONParser.parse", "OutputFormatter.render",
              "CurlTransport.send", "swift_getTypeByMangledName", "swift_conformsToProtocolWithExecutionContext",
              "swift_once"]


def swift_work_table(out, name):
    path = os.path.join(out, name + ".callgrind")
    if not os.path.exists(path):
        return []
    text = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--threshold=100", "--auto=no", path],
                          capture_output=True, text=True).stdout
    rows = []
    for line in text.splitlines():
        # "COUNT (PERCENT)  FILE:FUNCTION [OBJECT]", the client's functions only
        match = re.match(r"\s*([\d,]+) \(\s*[\d.]+%\)\s+\S*?:(\S+) \[([^\]]*)\]$", line)
        if match and os.path.basename(match.group(3)) == os.path.basename(CLIENT):
            rows.append((int(match.group(1).replace(",", "")), match.group(2)))
    readable = report.demangle([function for _, function in rows])
    best = {}
    for count, function in rows:
        text_name = readable.get(function, function)
        for wanted in SWIFT_WORK:
            if wanted in text_name and count > best.get(wanted, (0, ""))[0]:
                best[wanted] = (count, text_name)
    lines = [f"### The client's own work in `{name}` (inclusive instructions, callgrind)", "",
             "| function | instructions |", "| --- | ---: |"]
    for wanted in SWIFT_WORK:
        if wanted in best:
            lines.append(f"| `{best[wanted][1][:100]}` | {best[wanted][0]:,} |")
    lines.append("")
    return lines


def order_file(path, binary, profiles):
    """The mangled names of `binary`'s functions that ran, first seen first, one a line."""
    names, seen = [], set()
    for profile in profiles:
        objects, functions, current = {}, {}, None
        for line in read(profile).splitlines():
            match = re.match(r"^(c?ob)=\((\d+)\)(?: (.*))?$", line)
            if match:
                if match.group(3):
                    objects[match.group(2)] = match.group(3)
                if match.group(1) == "ob":
                    current = objects.get(match.group(2))
                continue
            match = re.match(r"^(c?fn)=\((\d+)\)(?: (.*))?$", line)
            if match:
                if match.group(3):
                    functions[match.group(2)] = match.group(3)
                name = functions.get(match.group(2))
                if (match.group(1) == "fn" and current and os.path.basename(current) == os.path.basename(binary)
                        and name and not name.startswith("0x")):
                    name = name.split("'")[0]   # callgrind's recursion marks
                    if name not in seen:
                        seen.add(name)
                        names.append(name)
    with open(path, "w") as handle:
        handle.write("\n".join(names) + "\n")
    return len(names)


def main():
    global CLIENT
    if sys.argv[1] == "--order-file":
        count = order_file(sys.argv[2], sys.argv[3], sys.argv[4:])
        print(f"{count} functions", file=sys.stderr)
        return
    out, CLIENT = sys.argv[1], sys.argv[2]
    lines = ["# Profile: orchestrator-client against the floor", "",
             f"Raw files: `{out}`. Produced by `bash bench/profile.sh`.", ""]
    lines += timing_table(out, "discover", "Wall and CPU time: `discover`, 3 endpoints (interleaved rounds)")
    lines += timing_table(out, "topology", "Wall and CPU time: `topology`, 1 endpoint (interleaved rounds)")
    lines += timing_table(out, "startup", "Wall and CPU time: start-up and library loading (interleaved rounds)")
    lines += program_table(out)
    lines += smaps_table(out, "floor-discover", "client-discover")
    lines += smaps_table(out, "floor-discover", "client-static-cxx-relr-discover")
    lines += smaps_table(out, "floor-discover", "client-static-cxx-relr-ordered-discover")
    lines += swift_work_table(out, "client-discover")
    print("\n".join(lines))


CLIENT = ""
if __name__ == "__main__":
    main()
