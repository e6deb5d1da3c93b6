#!/usr/bin/env python3
"""Summarises a wapiti JSON report and gates it against wapiti-accepted.txt.

Usage: summarize.py REPORT.json ACCEPTED.txt HITS_FILE
Prints the findings by category and severity, writes nothing, and exits 1 when a finding of
high or critical severity (wapiti level >= 3) is not matched by an accepted entry, or when the
loopback endpoint recorded a request (the server fetched an attacker-chosen URL).

ACCEPTED.txt: one entry a line, `category | path | parameter | reason`. category is wapiti's
category name; path and parameter are shell-style patterns (`*` matches anything); the
reason must not be empty. Lines starting with # are comments.
"""
import fnmatch
import json
import sys
from collections import Counter

LEVELS = {0: "info", 1: "low", 2: "medium", 3: "high", 4: "critical"}
HIGH = 3


def load_accepted(path):
    entries = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            parts = [p.strip() for p in line.split("|", 3)]
            if len(parts) != 4 or not all(parts):
                sys.exit(f"{path}:{n}: expected `category | path | parameter | reason`")
            entries.append({"line": n, "category": parts[0], "path": parts[1],
                            "parameter": parts[2], "reason": parts[3], "used": 0})
    return entries


def findings(report):
    for kind in ("vulnerabilities", "anomalies", "additionals"):
        for category, items in (report.get(kind) or {}).items():
            for item in items:
                path = item.get("path") or ""
                yield {"kind": kind, "category": category, "level": int(item.get("level", 0)),
                       "method": item.get("method", ""), "path": path,
                       "parameter": item.get("parameter") or "", "info": item.get("info", "")}


def accepted_by(entries, f):
    for e in entries:
        if (e["category"] == f["category"] and fnmatch.fnmatchcase(f["path"], e["path"])
                and fnmatch.fnmatchcase(f["parameter"], e["parameter"])):
            e["used"] += 1
            return e
    return None


def main():
    report_path, accepted_path, hits_path = sys.argv[1:4]
    with open(report_path, encoding="utf-8") as f:
        report = json.load(f)
    entries = load_accepted(accepted_path)
    all_findings = list(findings(report))

    print("wapiti findings by category (kind, highest level, count):")
    by_cat = Counter((f["kind"], f["category"]) for f in all_findings)
    top = {}
    for f in all_findings:
        key = (f["kind"], f["category"])
        top[key] = max(top.get(key, 0), f["level"])
    if not by_cat:
        print("  none")
    for (kind, category), count in sorted(by_cat.items(), key=lambda kv: (-top[kv[0]], kv[0])):
        print(f"  {LEVELS.get(top[(kind, category)], '?'):8} {kind:15} {category}: {count}")

    failures = []
    print("\nfindings:")
    for f in sorted(all_findings, key=lambda f: (-f["level"], f["category"], f["path"])):
        acc = accepted_by(entries, f) if f["level"] >= HIGH else None
        mark = "ACCEPTED" if acc else ("NEW" if f["level"] >= HIGH else "")
        info = " ".join(f["info"].split())[:160]
        print(f"  [{LEVELS.get(f['level'], '?')}] {mark:8} {f['category']} {f['method']} "
              f"{f['path']} param={f['parameter'] or '-'}: {info}")
        if f["level"] >= HIGH and not acc:
            failures.append(f)

    try:
        with open(hits_path, encoding="utf-8") as f:
            hits = [json.loads(line) for line in f if line.strip()]
    except FileNotFoundError:
        hits = []
    for h in hits:
        print(f"  [high] NEW      Server-side request to the loopback endpoint: "
              f"{h['method']} {h['path']}")
        failures.append(h)

    for e in entries:
        if not e["used"]:
            print(f"note: accepted entry line {e['line']} ({e['category']}) matched nothing")
    print(f"\n{len(all_findings)} findings, {len(failures)} high/critical not accepted")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
