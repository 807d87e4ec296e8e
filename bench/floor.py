"""The floor: parse the same files with LibCST in one process, and nothing else.

    python bench/floor.py PATHS... [--mode parse|position|ast]

``parse`` is ``libcst.parse_module`` of each file's bytes (the engine's one parse);
``visit`` adds a walk with a visitor that does nothing (LibCST's own traversal cost,
which the model builder's one traversal cannot go below); ``position`` adds
``MetadataWrapper(...).resolve(PositionProvider)`` instead; ``ast`` is the
stdlib ``ast.parse``, for reference. Prints one JSON line: files, lines, seconds and CPU seconds
(the parse loop alone, without the interpreter's start-up and imports).
"""
from __future__ import annotations

import argparse
import ast
import json
import os
import sys
import time
from pathlib import Path

SKIPPED = {".git", ".venv", "venv", "node_modules", "__pycache__", "build", "dist"}


def python_files(paths: list[Path]) -> list[Path]:
    found: list[Path] = []
    for path in paths:
        if path.is_file():
            found.append(path)
            continue
        for directory, subdirectories, files in os.walk(path):
            subdirectories[:] = sorted(d for d in subdirectories if d not in SKIPPED)
            found.extend(Path(directory) / name for name in files if name.endswith(".py"))
    return sorted(found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--mode", choices=("parse", "visit", "position", "ast"), default="parse")
    args = parser.parse_args()
    import libcst as cst
    from libcst.metadata import MetadataWrapper, PositionProvider

    files = python_files(args.paths)
    lines = failed = 0
    started, started_cpu = time.perf_counter(), time.process_time()
    for path in files:
        data = path.read_bytes()
        lines += data.count(b"\n")
        try:
            if args.mode == "ast":
                ast.parse(data)
                continue
            module = cst.parse_module(data)
            if args.mode == "visit":
                module.visit(cst.CSTVisitor())
            elif args.mode == "position":
                MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
        except (SyntaxError, ValueError, RecursionError, cst.ParserSyntaxError):
            failed += 1
    seconds, cpu = time.perf_counter() - started, time.process_time() - started_cpu
    json.dump({"mode": args.mode, "files": len(files), "lines": lines, "failed": failed,
               "seconds": seconds, "cpu": cpu}, sys.stdout)
    print()


if __name__ == "__main__":
    main()
