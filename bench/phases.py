"""Where a cold scan's time goes, phase by phase, measured from outside the package.

    python bench/phases.py [--corpora langflow] [--synthetic 600] [--results bench/RESULTS.md]

Runs ``fastapi_rules.engine.lint`` in this process with timers wrapped around the
engine's steps (monkeypatched here: nothing in ``fastapi_rules/`` changes): reading,
decoding, noqa comments, the LibCST parse, the model builder's traversal, LibCST's
positions (``model/positions.py``; how many files need them), the project index (its construction
and every query the rules make of it), each rule, and ``located_summary`` (the second
parse of a file whose findings need positions the first pass did not resolve).
Times are exclusive CPU seconds (``time.process_time``): a phase's own time, without
the phases it calls, so the rows add up to the whole scan.
"""
from __future__ import annotations

import argparse
import functools
import inspect
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from functools import cached_property
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from run import cache_dir, corpus_path, synthetic_path, write_results  # noqa: E402


class PhaseClock:
    """Exclusive time per phase: a phase's clock stops while a nested phase runs."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self.stack: list[list] = []  # [name, started, nested seconds]

    def wrap(self, name: str, function: Callable, consume: bool = False) -> Callable:
        clock = self

        @functools.wraps(function)
        def timed(*args, **kwargs):
            # inside the second parse, the same steps count apart from the first pass
            label = name
            if any(frame[0] == "located_summary" for frame in clock.stack) and name != "located_summary":
                label = f"located_summary: {name}"
            frame = [label, time.process_time(), 0.0]
            clock.stack.append(frame)
            try:
                result = function(*args, **kwargs)
                return list(result) if consume else result
            finally:
                clock.stack.pop()
                elapsed = time.process_time() - frame[1]
                clock.seconds[label] += elapsed - frame[2]
                clock.calls[label] += 1
                if clock.stack:
                    clock.stack[-1][2] += elapsed
        return timed


def instrument(clock: PhaseClock) -> dict[str, int]:
    """Wrap the engine's steps; returns how many files resolve positions (each
    builder resolves it at most once), in the first pass and in ``located_summary``."""
    import libcst

    from fastapi_rules import project, scan, source
    from fastapi_rules.model import builder
    from fastapi_rules.rules import ALL_RULES

    positioned: dict[str, int] = defaultdict(int)
    Path.read_bytes = clock.wrap("read", Path.read_bytes)  # type: ignore[method-assign]
    source.read_source = clock.wrap("decode", source.read_source)
    source.noqa_lines = clock.wrap("noqa comments", source.noqa_lines)
    scan.discover = clock.wrap("discover files", scan.discover)
    scan.module_names = clock.wrap("module names", scan.module_names)
    libcst.parse_module = clock.wrap("LibCST parse", libcst.parse_module)
    # the index imports it from the builder when a file is reported
    builder.located_summary = clock.wrap("located_summary", builder.located_summary)
    original_build = builder.ModuleModelBuilder.build

    def build(self):  # the traversal, minus the positions it resolves
        return original_build(self)

    builder.ModuleModelBuilder.build = clock.wrap("model builder traversal", build)
    original_starts = builder.node_starts

    def node_starts(module):  # the builder's positions (model/positions.py)
        where = "located_summary" if any(f[0] == "located_summary" for f in clock.stack) else "first pass"
        positioned[where] += 1
        return original_starts(module)

    builder.node_starts = clock.wrap("positions", node_starts)
    index = project.ProjectIndex
    index.__init__ = clock.wrap("project index: construction", index.__init__)
    # the index's rooms (project/): what the rules ask, each room's cached tables apart
    for room in (project.Names, project.Classes, project.Routing, project.Dependencies,
                 project.Auth, project.Calls, project.Errors, project.Locations):
        for name, member in list(vars(room).items()):
            if name.startswith("__"):
                continue
            if isinstance(member, cached_property):
                wrapped = cached_property(clock.wrap(f"project index: {name}", member.func))
                wrapped.__set_name__(room, name)
                setattr(room, name, wrapped)
            elif inspect.isfunction(member):
                setattr(room, name, clock.wrap("project index: queries", member))
    for rule in ALL_RULES:
        if "check" in vars(rule):
            rule.check = clock.wrap(f"rule {rule.code}", rule.check, consume=True)
    return positioned


def profile(target: Path, clock: PhaseClock, positioned: dict[str, int]) -> list[str]:
    clock.seconds.clear()
    clock.calls.clear()
    positioned.clear()
    from fastapi_rules.api import config_for
    from fastapi_rules.engine import lint

    started, started_wall = time.process_time(), time.perf_counter()
    result = clock.wrap("lint (rest: filtering, noqa, sorting)", lint)([target], config_for([target]))
    total, wall = time.process_time() - started, time.perf_counter() - started_wall
    rows = [
        f"CPU {total:.2f} s (wall {wall:.2f} s) for {result.files} files, {len(result.findings)} findings, "
        f"in one process with the timers on. Positions resolved for "
        f"{positioned['first pass']} of {result.files} files in the first pass; "
        f"`located_summary` built {clock.calls.get('located_summary', 0)} files again "
        f"({positioned['located_summary']} with positions).",
        "",
        "| phase | CPU s | share | calls |",
        "|---|---|---|---|",
    ]
    groups: dict[str, float] = defaultdict(float)
    for name, seconds in clock.seconds.items():
        groups["rules (all)" if name.startswith("rule ") else
               "project index (all)" if name.startswith("project index") else
               "located_summary (all)" if name.startswith("located_summary") else name] += seconds
    order = sorted(clock.seconds.items(), key=lambda item: -item[1])
    rule_rows = [(n, s) for n, s in order if n.startswith("rule ")]
    shown = [(n, s) for n, s in order if not n.startswith("rule ")] + rule_rows[:8]
    for name, seconds in sorted(shown, key=lambda item: -item[1]):
        if seconds < 0.005:
            continue
        rows.append(f"| {name} | {seconds:.2f} | {seconds / total:.0%} | {clock.calls[name]} |")
    rows.append(
        f"| … the other {max(len(rule_rows) - 8, 0)} rules | "
        f"{sum(s for _, s in rule_rows[8:]):.2f} | {sum(s for _, s in rule_rows[8:]) / total:.0%} | |"
    )
    rows += ["", "Grouped: " + ", ".join(
        f"{name} {seconds:.2f} s ({seconds / total:.0%})"
        for name, seconds in sorted(groups.items(), key=lambda item: -item[1]) if seconds >= 0.005
    ) + ".", ""]
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", default="langflow")
    parser.add_argument("--synthetic", type=int, default=600, help="0: none")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--results", type=Path, default=BENCH / "RESULTS.md")
    args = parser.parse_args()
    root = cache_dir()
    targets = [(name, corpus_path(name, root)) for name in args.corpora.split(",") if name and name != "none"]
    if args.synthetic:
        targets.append((f"synthetic-{args.synthetic}", synthetic_path(args.synthetic, args.seed, root)))
    clock = PhaseClock()
    positioned = instrument(clock)
    body = ["## Profile of a cold scan", ""]
    for name, target in targets:
        print(f"profiling {name} ({target})", flush=True)
        body += [f"### {name}", "", *profile(target, clock, positioned)]
        print("\n".join(body[-12:]), flush=True)
    write_results(args.results, body, "profile")
    print("\n".join(body))


if __name__ == "__main__":
    main()
