"""The sweep (bench/sweep.py) over a bounded slice of the standard library."""
from __future__ import annotations

import sys
import sysconfig
from pathlib import Path

from conftest import REPOSITORY

sys.path.insert(0, str(REPOSITORY / "bench"))
import sweep  # noqa: E402

from fastapi_rules.config import Config  # noqa: E402
from fastapi_rules.rules import ALL_RULES  # noqa: E402

STDLIB = Path(sysconfig.get_paths()["stdlib"])
EVERY_RULE = Config(select=tuple(rule.code for rule in ALL_RULES))


def test_stdlib_slice_has_no_internal_error() -> None:
    for package in ("json", "urllib"):
        found = sweep.sweep(STDLIB / package, EVERY_RULE)
        assert found.files and found.lines
        assert found.internal_errors == [] and found.mismatches == set(), package


def test_far001_files_are_the_ones_cpython_rejects(tmp_path: Path) -> None:
    (tmp_path / "broken.py").write_text("def f(:\n")
    (tmp_path / "nul.py").write_bytes(b"x = 1\x00\n")
    (tmp_path / "fine.py").write_text("x = 1\n")
    found = sweep.sweep(tmp_path, EVERY_RULE)
    assert found.rejected == {str((tmp_path / n).resolve()) for n in ("broken.py", "nul.py")}
    assert found.mismatches == set() and found.files == 3


def test_main_reports_totals(tmp_path: Path, capsys) -> None:
    (tmp_path / "fine.py").write_text("x = 1\n")
    assert sweep.main([str(tmp_path)]) == 0
    assert "total: 1 files, 1 lines, FAR000=0, FAR001=0" in capsys.readouterr().out
