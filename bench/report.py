"""Render results written by ``bench.run`` as the markdown table of docs/benchmarks.md.

    uv run python -m bench.report [--skip-failed] bench/results/run-<date>.json [more.json …]

``--skip-failed`` leaves out rows of measurements that failed (e.g. when re-run in a later file).
"""

from __future__ import annotations

import json
import sys

from bench.harness import Result
from bench.run import HEADER, row


def main(paths: list[str]) -> int:
    skip_failed = "--skip-failed" in paths
    paths = [p for p in paths if p != "--skip-failed"]
    many = len(paths) > 1
    if many:  # one more column: which results file the row comes from
        head, rule = HEADER.split("\n")
        print(f"{head} run |\n{rule}---|")
    else:
        print(HEADER)
    for path in paths:
        stem = path.rsplit("/", 1)[-1].removesuffix(".json")
        payload = json.loads(open(path).read())  # noqa: SIM115
        for r in payload["results"]:
            if skip_failed and r.get("error"):
                continue
            known = {"work", "db", "size", "seconds", "floor_seconds", "peak_mb", "ratio"}
            line = row(Result(r["work"], r["db"], r["size"], r["seconds"], r["floor_seconds"], r["peak_mb"],
                              {k: v for k, v in r.items() if k not in known}))  # fmt: skip
            print(f"{line} {stem} |" if many else line)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
