"""``--fix`` and ``--diff``: fixture pairs checked exactly, and the guarantees around them."""
from __future__ import annotations

import dataclasses
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES
from fastapi_rules.config import Config
from fastapi_rules.engine import lint
from fastapi_rules.fix import fix_project
from fastapi_rules.rules import ALL_RULES, RULES_BY_CODE

FIX_CASES = sorted(FIXTURES.glob("FAR*/fix_*.py"))
NO_FIX_CASES = sorted(FIXTURES.glob("FAR*/nofix_*.py"))  # flagged, but no exact rewrite


def _config(code: str) -> Config:
    return dataclasses.replace(Config(), select=(code,))


def _fixed_copy(case: Path, tmp_path: Path) -> tuple[Path, Config, bool]:
    target = tmp_path / case.name
    shutil.copyfile(case, target)
    code = case.parent.name
    return target, _config(code), RULES_BY_CODE[code].fix_safety == "unsafe"


@pytest.mark.parametrize("case", FIX_CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fix_fixture(case: Path, tmp_path: Path) -> None:
    target, config, unsafe = _fixed_copy(case, tmp_path)
    before = lint([target], config).findings
    assert before, f"{case} has nothing to fix"
    report = fix_project([target], config, unsafe, write=True)
    expected = case.with_name(case.name + ".expected").read_bytes()
    assert target.read_bytes() == expected
    compile(expected, str(target), "exec", dont_inherit=True, flags=0x400)  # parses
    assert lint([target], config).findings == [] and report.fixed == len(before)
    again = fix_project([target], config, unsafe, write=True)
    assert again.fixes == [] and target.read_bytes() == expected  # idempotent


@pytest.mark.parametrize("case", NO_FIX_CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_fix_fixture_is_reported_and_left_alone(case: Path, tmp_path: Path) -> None:
    target, config, unsafe = _fixed_copy(case, tmp_path)
    assert lint([target], config).findings
    report = fix_project([target], config, unsafe=True, write=True)
    assert report.fixes == [] and target.read_bytes() == case.read_bytes()


def test_every_fixable_rule_has_a_fix_fixture() -> None:
    fixable = {rule.code for rule in ALL_RULES if rule.fix_safety is not None}
    assert fixable == {case.parent.name for case in FIX_CASES}
    assert {case.parent.name for case in NO_FIX_CASES} <= fixable
    for case in FIX_CASES:
        assert case.with_name(case.name + ".expected").is_file(), case


def test_unsafe_fixes_need_the_flag(tmp_path: Path) -> None:
    unsafe = [rule.code for rule in ALL_RULES if rule.fix_safety == "unsafe"]
    if not unsafe:
        pytest.skip("no unsafe fixes")
    case = next(c for c in FIX_CASES if c.parent.name == unsafe[0])
    target, config, _ = _fixed_copy(case, tmp_path)
    original = target.read_bytes()
    assert fix_project([target], config, unsafe=False, write=True).fixes == []
    assert target.read_bytes() == original


def test_fix_keeps_encoding_and_newlines(tmp_path: Path) -> None:
    source = (
        "# -*- coding: latin-1 -*-\r\n"
        "from pydantic import BaseModel\r\n\r\n\r\n"
        "class Caf\u00e9(BaseModel):\r\n"
        "    name: str = '\u00e9t\u00e9'\r\n\r\n"
        "    class Config:\r\n"
        "        orm_mode = True\r\n"
    )
    target = tmp_path / "latin.py"
    target.write_bytes(source.encode("latin-1"))
    fix_project([target], _config("FAR601"), unsafe=False, write=True)
    data = target.read_bytes()
    text = data.decode("latin-1")
    assert "model_config = ConfigDict(from_attributes=True)\r\n" in text
    assert "\u00e9t\u00e9" in text and "\n" not in text.replace("\r\n", "")


def test_fix_never_crosses_noqa(tmp_path: Path) -> None:
    target = tmp_path / "models.py"
    target.write_text(
        "from pydantic import BaseModel\n\n\nclass User(BaseModel):\n    name: str\n\n\n"
        "def dump(raw: dict) -> dict:\n"
        "    user = User.parse_obj(raw)  # noqa: FAR603\n"
        "    return user.dict()\n",
        encoding="utf-8",
    )
    fix_project([target], _config("FAR603"), unsafe=False, write=True)
    text = target.read_text(encoding="utf-8")
    assert "User.parse_obj(raw)  # noqa: FAR603" in text
    assert "return user.model_dump()" in text


def test_a_fix_that_would_not_parse_is_not_written(tmp_path: Path, monkeypatch) -> None:
    import libcst as cst

    from fastapi_rules.rules.far603_pydantic_v1_model_api import PydanticV1ModelApi

    def broken(self, original, updated, context, finding):
        return updated.with_changes(func=cst.Name("lambda"))  # ``lambda(...)`` is no Python

    monkeypatch.setattr(PydanticV1ModelApi, "rewrite", broken)
    target, config, unsafe = _fixed_copy(FIXTURES / "FAR603" / "fix_model_methods.py", tmp_path)
    original = target.read_bytes()
    assert fix_project([target], config, unsafe, write=True).fixes == []
    assert target.read_bytes() == original


def test_cli_diff_changes_nothing_and_fix_reports_what_is_left(tmp_path: Path) -> None:
    target, _config_unused, _ = _fixed_copy(FIXTURES / "FAR601" / "fix_config_class.py", tmp_path)
    original = target.read_bytes()
    command = [sys.executable, "-m", "fastapi_rules", "scan", "--select", "FAR601"]
    diff = subprocess.run([*command, "--diff", str(target)], capture_output=True, text=True, cwd=tmp_path)
    assert diff.returncode == 1, diff.stderr
    assert "+    model_config = ConfigDict(from_attributes=True" in diff.stdout
    assert "Would fix 4 findings in 1 files." in diff.stderr
    assert target.read_bytes() == original
    shutil.copyfile(FIXTURES / "FAR601" / "nofix_commented_config.py", tmp_path / "left.py")
    fixed = subprocess.run([*command, "--fix", "."], capture_output=True, text=True, cwd=tmp_path)
    assert fixed.returncode == 1  # the commented Config is left
    assert fixed.stdout.count("FAR601") == 1 and "Fixed 4, Found 1 finding" in fixed.stderr
    assert target.read_bytes() == (FIXTURES / "FAR601" / "fix_config_class.py.expected").read_bytes()
    both = subprocess.run([*command, "--fix", "--diff", str(target)], capture_output=True, text=True)
    assert both.returncode == 2 and "Traceback" not in both.stderr


def test_a_fault_before_the_rename_leaves_the_file_whole(tmp_path: Path, monkeypatch) -> None:
    import os

    target, config, unsafe = _fixed_copy(FIXTURES / "FAR603" / "fix_model_methods.py", tmp_path)
    original = target.read_bytes()

    def crash(source, destination):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    report = fix_project([target], config, unsafe, write=True)
    assert [(p.resolve(), why) for p, why in report.failed] == [(target, "disk full")]
    assert report.fixes == []
    assert target.read_bytes() == original
    assert [p.name for p in tmp_path.iterdir()] == [target.name]  # no temp file left
