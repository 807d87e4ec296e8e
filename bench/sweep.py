"""Sweep real code with every rule: no internal error, FAR001 exactly where CPython fails.

FAR002 (valid Python that LibCST cannot parse) is counted apart: those files are
ones CPython accepts.

    python bench/sweep.py [PATHS...]

Default: the standard library's own sources and the corpora that
``shared/corpora/fetch-corpora`` prints (downloaded there, never committed). Each
path is linted as one project with every code selected, off-by-default ones too.
Files CPython rejects are found with ``compile(..., PyCF_ONLY_AST)``, which parses
and never executes. Exit status 1 when a FAR000 appears or the FAR001 files differ
from the rejected ones.
"""
from __future__ import annotations

import ast
import subprocess
import sys
import sysconfig
import time
from dataclasses import dataclass, field
from pathlib import Path

from fastapi_rules.config import Config
from fastapi_rules.discovery import discover
from fastapi_rules.engine import lint
from fastapi_rules.source import INTERNAL_ERROR, UNANALYSABLE, UNPARSEABLE, read_source
from fastapi_rules.rules import ALL_RULES

FETCH_CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "fetch-corpora"


@dataclass
class Sweep:
    files: int = 0
    lines: int = 0
    internal_errors: list[str] = field(default_factory=list)
    unparseable: set[str] = field(default_factory=set)
    unanalysable: set[str] = field(default_factory=set)
    rejected: set[str] = field(default_factory=set)

    @property
    def mismatches(self) -> set[str]:
        return self.unparseable ^ self.rejected


def rejected_by_cpython(path: Path) -> bool:
    data = path.read_bytes()
    text, problem, _ = read_source(data)
    if text is None:
        return True
    try:
        compile(text, str(path), "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return True
    return False


def sweep(path: Path, config: Config) -> Sweep:
    result = lint([path], config)
    files, _ = discover([path], config.exclude)
    found = Sweep(files=result.files)
    for file, _ in files:
        found.lines += file.read_bytes().count(b"\n")
        if rejected_by_cpython(file):
            found.rejected.add(str(file.resolve()))
    for finding in result.findings:
        if finding.code == INTERNAL_ERROR:
            found.internal_errors.append(str(finding))
        elif finding.code == UNPARSEABLE:
            found.unparseable.add(str(Path(finding.path).resolve()))
        elif finding.code == UNANALYSABLE:
            found.unanalysable.add(str(Path(finding.path).resolve()))
    return found


def default_paths() -> list[Path]:
    paths = [Path(sysconfig.get_paths()["stdlib"])]
    if FETCH_CORPORA.is_file():
        listing = subprocess.run(
            ["bash", str(FETCH_CORPORA)], capture_output=True, text=True, timeout=1800
        )
        paths += [Path(line.split("\t")[1]) for line in listing.stdout.splitlines() if "\t" in line]
    return paths


def main(argv: list[str]) -> int:
    paths = [Path(arg) for arg in argv] or default_paths()
    # the standard library's own sources: what pip installed beside them is not
    config = Config(
        select=tuple(rule.code for rule in ALL_RULES), exclude=("site-packages", "dist-packages")
    )
    total = Sweep()
    for path in paths:
        start = time.perf_counter()
        found = sweep(path, config)
        print(
            f"{path}: {found.files} files, {found.lines} lines, "
            f"FAR000={len(found.internal_errors)}, FAR001={len(found.unparseable)}, "
            f"rejected by CPython={len(found.rejected)}, FAR002={len(found.unanalysable)}, "
            f"{time.perf_counter() - start:.1f} s",
            flush=True,
        )
        for line in found.internal_errors:
            print(f"  {line}")
        for path_not_analysed in sorted(found.unanalysable):
            print(f"  FAR002 (valid Python LibCST cannot parse): {path_not_analysed}")
        for mismatch in sorted(found.mismatches):
            side = "FAR001 only" if mismatch in found.unparseable else "CPython rejects only"
            print(f"  mismatch ({side}): {mismatch}")
        total.files += found.files
        total.lines += found.lines
        total.internal_errors += found.internal_errors
        total.unparseable |= found.unparseable
        total.unanalysable |= found.unanalysable
        total.rejected |= found.rejected
    print(
        f"total: {total.files} files, {total.lines} lines, FAR000={len(total.internal_errors)}, "
        f"FAR001={len(total.unparseable)}, rejected by CPython={len(total.rejected)}, "
        f"mismatches={len(total.mismatches)}, FAR002={len(total.unanalysable)}"
    )
    return 1 if total.internal_errors or total.mismatches else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
