"""Every fixture checked exactly: the findings are the markers, no more, no less."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from conftest import FIXTURES, expected_markers
from fastapi_rules.api import config_for
from fastapi_rules.engine import lint
from fastapi_rules.rules import ALL_RULES, RULES_BY_CODE


def fixture_cases() -> list[Path]:
    cases = []
    for rule_directory in sorted(FIXTURES.glob("FAR*")):
        for case in sorted(rule_directory.iterdir()):
            if case.name.startswith(("bad_", "good_")) and (case.suffix == ".py" or case.is_dir()):
                cases.append(case)
    route_projects = sorted(path.parent for path in (FIXTURES / "routes").glob("*/routes.json"))
    return cases + route_projects + [FIXTURES / "sample_app"]


@pytest.mark.parametrize(
    "case", fixture_cases(), ids=lambda p: str(p.relative_to(FIXTURES))
)
def test_fixture(case: Path) -> None:
    expected = expected_markers(case)
    if case.name.startswith("bad_") or case.name == "sample_app":
        assert expected, f"{case} is a bad case without any `# expect:` marker"
    config = config_for([case])
    rule = RULES_BY_CODE.get(case.parent.name)
    if rule is not None and not rule.default_enabled:
        # an opt-in rule's fixtures run with it selected, next to every default rule
        defaults = tuple(r.code for r in ALL_RULES if r.default_enabled)
        config = dataclasses.replace(config, select=(*defaults, rule.code))
    result = lint([case], config)
    found = {(Path(f.path).resolve(), f.line, f.code) for f in result.findings}
    missing = sorted(expected - found)
    extra = sorted(
        (str(f), ) for f in result.findings if (Path(f.path).resolve(), f.line, f.code) not in expected
    )
    assert not missing and not extra, f"missing: {missing}\nextra: {extra}"
