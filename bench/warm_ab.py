"""Warm runs of two builds of fastapi-rules, interleaved (A/B): no change, one file
touched, a comment appended, a code edit.

    python bench/warm_ab.py before=/tmp/old/.venv/bin/fastapi-rules,after=.venv/bin/fastapi-rules \\
        synthetic-5000,lnbits,langflow 3

Each build scans its own copy of each target (under ``/tmp/ab-work``) with its own
``--cache-dir``, so one build's edits never reach the other's files; the rounds run
every job of every build once. Targets are ``synthetic-N`` (``bench/generate.py``) or
a corpus folder of the corpora cache. Prints every sample, then the medians.
"""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run as bench  # noqa: E402  (bench/ is not a package)

WORK = Path("/tmp/ab-work")


def main() -> None:
    builds = dict(item.split("=", 1) for item in sys.argv[1].split(","))
    targets = sys.argv[2].split(",")
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    root = bench.cache_dir()
    for target in targets:
        source = (bench.synthetic_path(int(target.split("-")[1]), 0, root)
                  if target.startswith("synthetic-") else root / target)
        jobs, touchers = [], []
        for name, executable in builds.items():
            copy = WORK / f"{target}-{name}"
            if not copy.exists():
                shutil.copytree(source, copy)
            scan = [executable, "scan", "--exit-zero", "--cache-dir", str(WORK / f"cache-{target}-{name}"), str(copy)]
            bench.run_once(scan, WORK)  # fill the cache, from where the runs are made (paths as shown)
            files = bench.python_files([copy])
            largest = max(files, key=lambda p: p.stat().st_size)
            touched, commented = bench.Toucher(largest, edit=False), bench.Toucher(largest, edit=True)
            edited = bench.code_edit_toucher(files)
            touchers += [touched, commented, edited]
            jobs += [bench.Job(f"{name}-warm", scan), bench.Job(f"{name}-touched", scan, before=touched),
                     bench.Job(f"{name}-comment", scan, before=commented),
                     bench.Job(f"{name}-code-edit", scan, before=edited)]
        try:
            series = bench.measure(jobs, runs, WORK, float("inf"))
        finally:
            for toucher in touchers:
                if toucher is not None:
                    toucher.restore()
        print(f"## {target}: medians of {runs}, wall s / cpu s / peak RSS MB")
        for job in jobs:
            found = series[job.name]
            print(f"{job.name:28} {found.median('wall'):.3f} {found.median('cpu'):.3f} {found.median('rss_mb'):.0f}")


if __name__ == "__main__":
    main()
