"""Resource bounds: huge, deep, looping, unreadable and vanishing inputs end in a
finding or a message, in bounded time, never a crash. Inputs that crashed the process
(a segfault in LibCST's native parser) run in a subprocess, so a regression fails one
test instead of killing the run."""
from __future__ import annotations

import ast

import os
import subprocess
import sys
from pathlib import Path

import pytest

from fastapi_rules.config import Config
from fastapi_rules.engine import lint

BLOCKING_ROUTE = (
    "import time\nfrom fastapi import FastAPI\napp = FastAPI()\n"
    "@app.get('/')\nasync def f():\n    time.sleep(1)\n"
)
MEASURE = """
import resource, sys, time
from pathlib import Path
from fastapi_rules.config import Config
from fastapi_rules.engine import lint
start = time.perf_counter()
result = lint([Path(sys.argv[1])], Config(select=("FAR001", "FAR002", "FAR401")))
for finding in result.findings:
    print(finding)
print(f"seconds={time.perf_counter() - start:.1f} rss_mb={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024}", file=sys.stderr)
"""


def lint_in_subprocess(target: Path, timeout: int = 240) -> tuple[list[str], str]:
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, str(target)],
        capture_output=True, text=True, timeout=timeout,
    )
    assert result.returncode == 0, (result.returncode, result.stderr[-2000:])
    assert "Traceback" not in result.stderr
    return result.stdout.splitlines(), result.stderr


def rss_mb(stderr: str) -> int:
    return int(stderr.rsplit("rss_mb=", 1)[1].split()[0])


def test_fifty_thousand_line_file(tmp_path: Path) -> None:
    lines = ["import time", "from fastapi import FastAPI", "app = FastAPI()"]
    while len(lines) < 50_000:
        number = len(lines)
        if number % 1_000 == 3:
            lines += [f"@app.get('/{number}')", f"async def read_{number}():", "    time.sleep(1)"]
        else:
            lines.append(f"value_{number} = {number}")
    (tmp_path / "big.py").write_text("\n".join(lines) + "\n")
    findings, stderr = lint_in_subprocess(tmp_path, timeout=400)
    assert len(lines) == 50_000
    assert sum("FAR401" in line for line in findings) == lines.count("    time.sleep(1)") == 50
    assert rss_mb(stderr) < 2_000, stderr


def test_five_megabyte_string_literal(tmp_path: Path) -> None:
    (tmp_path / "literal.py").write_text('BLOB = "' + "a" * 5_000_000 + '"\n' + BLOCKING_ROUTE)
    findings, stderr = lint_in_subprocess(tmp_path)
    assert [line.split(": ")[1].split()[0] for line in findings] == ["FAR401"]
    assert rss_mb(stderr) < 1_000, stderr


DEEP = {
    "brackets": "x = " + "(" * 10_000 + "1" + ")" * 10_000 + "\n",
    "calls": "x = " + "f(" * 5_000 + ")" * 5_000 + "\n",
    "unary": "x = " + "not " * 10_000 + "1\n",
    "binary chain": "x = (" + " + ".join(["a"] * 20_000) + ")\n",
    "attribute chain": "x = a" + ".b" * 10_000 + "\n",
    "boolean chain": "x = " + " and ".join(["a"] * 20_000) + "\n",
    "lambdas": "x = " + "lambda: " * 10_000 + "1\n",
    "moderately deep sum": "x = " + "+".join(["1"] * 3_000) + "\n",
}


@pytest.mark.parametrize("source", DEEP.values(), ids=DEEP.keys())
def test_deep_nesting_is_a_finding_not_a_crash(tmp_path: Path, source: str) -> None:
    (tmp_path / "deep.py").write_text(source)
    (tmp_path / "fine.py").write_text(BLOCKING_ROUTE)
    findings, _ = lint_in_subprocess(tmp_path, timeout=120)
    assert len(findings) == 2, findings
    # FAR001 exactly when CPython's own parser rejects the file; else valid Python
    # that LibCST cannot follow, FAR002
    try:
        compile(source, "deep.py", "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
        code = "FAR002"
    except (SyntaxError, RecursionError, MemoryError):
        code = "FAR001"
    assert findings[0].split(": ", 1)[0].endswith("deep.py:1:1") and f" {code} " in findings[0]
    assert "FAR401" in findings[1]


def test_directory_symlink_loop(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "bad.py").write_text(BLOCKING_ROUTE)
    (tmp_path / "app" / "loop").symlink_to(tmp_path / "app", target_is_directory=True)
    (tmp_path / "app" / "self.py").symlink_to(tmp_path / "app" / "self.py")  # ELOOP
    result = subprocess.run(
        [sys.executable, "-m", "fastapi_rules", "scan", str(tmp_path)],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stdout.count("FAR401") == 1, result.stdout


def test_fifo_is_skipped_not_read(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.py")  # reading it would block forever
    (tmp_path / "fine.py").write_text("x = 1\n")
    result = subprocess.run(
        [sys.executable, "-m", "fastapi_rules", "scan", str(tmp_path)],
        capture_output=True, text=True, timeout=60,
    )
    assert (result.returncode, result.stdout) == (0, "")
    assert "in 1 files" in result.stderr


def test_unreadable_file(tmp_path: Path) -> None:
    target = tmp_path / "secret.py"
    target.write_text("x = 1\n")
    target.chmod(0)
    try:
        if os.access(target, os.R_OK):
            pytest.skip("running as root: chmod 000 does not stop reading")
        result = lint([tmp_path], Config())
    finally:
        target.chmod(0o644)
    assert [(f.code, f.message) for f in result.findings] == [
        ("FAR001", "cannot parse file: cannot read (Permission denied)")
    ]


def test_file_vanishing_between_discovery_and_reading(tmp_path: Path, monkeypatch) -> None:
    from fastapi_rules import scan

    for name in ("gone.py", "stays.py"):
        (tmp_path / name).write_text(BLOCKING_ROUTE)
    real_discover = scan.discover

    def discover_then_delete(paths, exclude):
        found = real_discover(paths, exclude)
        (tmp_path / "gone.py").unlink()
        return found

    monkeypatch.setattr(scan, "discover", discover_then_delete)
    result = lint([tmp_path], Config(select=("FAR001", "FAR401")))
    assert [(Path(f.path).name, f.code, f.message) for f in result.findings] == [
        ("gone.py", "FAR001", "cannot parse file: cannot read (No such file or directory)"),
        ("stays.py", "FAR401", result.findings[1].message),
    ]
