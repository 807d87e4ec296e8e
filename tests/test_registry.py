"""The rule registry, fixtures and docs stay in step with the rule modules on disk."""
from __future__ import annotations

import dataclasses
import re

import pytest

from conftest import FIXTURES, REPOSITORY
from fastapi_rules.rule_docs import render
from fastapi_rules.rules import ALL_RULES, Rule

RULE_MODULES = sorted((REPOSITORY / "fastapi_rules" / "rules").glob("far[0-9][0-9][0-9]_*.py"))
ENGINE_CODES = {"FAR000"}  # produced by the engine itself, around rules


def test_registry_matches_modules_on_disk() -> None:
    codes_on_disk = [m.name[:6].upper() for m in RULE_MODULES]
    assert [rule.code for rule in ALL_RULES] == codes_on_disk
    assert len({rule.code for rule in ALL_RULES}) == len(ALL_RULES)
    assert len({rule.name for rule in ALL_RULES}) == len(ALL_RULES)


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.code)
def test_rule_metadata(rule: type[Rule]) -> None:
    assert re.fullmatch(r"FAR\d{3}", rule.code)
    assert re.fullmatch(r"[a-z]+(-[a-z0-9]+)+", rule.name)
    assert rule.__doc__ and "What it does" in rule.__doc__ and "Why is this bad?" in rule.__doc__
    assert rule.seed
    assert rule.severity in ("error", "warning")  # SARIF levels and GitHub annotation kinds
    assert dataclasses.is_dataclass(rule.Options)


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.code)
def test_rule_has_fixtures(rule: type[Rule]) -> None:
    if rule.code in ENGINE_CODES:
        pytest.skip("an engine code: tested in test_engine.py")
    directory = FIXTURES / rule.code
    assert (directory / "bad_example.py").is_file()
    assert (directory / "good_example.py").is_file()
    assert len(list(directory.glob("bad_*"))) >= 3
    assert len(list(directory.glob("good_*"))) >= 3


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.code)
def test_docs_page_in_sync(rule: type[Rule]) -> None:
    page = REPOSITORY / "docs" / "rules" / f"{rule.code}.md"
    assert page.is_file(), "run `python -m fastapi_rules.rule_docs`"
    assert page.read_text(encoding="utf-8") == render(rule), (
        "docs out of date: run `python -m fastapi_rules.rule_docs` and review the diff"
    )


def test_readme_lists_every_rule() -> None:
    readme = (REPOSITORY / "README.md").read_text(encoding="utf-8")
    for rule in ALL_RULES:
        if rule.code not in ENGINE_CODES:
            row = f"| {rule.code} | {rule.name} | {rule.summary_line()}"
            assert row in readme, rule.code
            if not rule.default_enabled:
                assert "Off by default" in readme.split(row, 1)[1].split("\n", 1)[0], rule.code
