"""The repository stands on its own: the README's two commands work in either order
in one clone, and the tests read nothing outside it."""
from __future__ import annotations

import re
from pathlib import Path

from conftest import FIXTURES, REPOSITORY, copy_fixture


def test_the_readme_gives_two_commands_and_ci_runs_both_in_order() -> None:
    readme = (REPOSITORY / "README.md").read_text(encoding="utf-8")
    try_it = readme.split("## Try it", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```sh\n(.*?)\n```", try_it, re.S)
    assert len(commands) == 2
    assert commands[0].endswith("fastapi-rules scan fixtures/sample_app")
    assert commands[1].endswith("-m pytest -q")
    ci = [line.removesuffix(" || status=$?") for line in (REPOSITORY / ".ci" / "run").read_text().splitlines()]
    assert commands[0] in ci and commands[1] in ci
    assert ci.index(commands[0]) < ci.index(commands[1])  # the scan first, then the tests


def test_no_test_reads_outside_the_repository() -> None:
    outside = ("REPOSITORY" + ".parent", "/work/" + "shared", "../" + "shared")
    for test in sorted((REPOSITORY / "tests").glob("*.py")):
        text = test.read_text(encoding="utf-8")
        assert not any(reference in text for reference in outside), test.name


def test_a_fixture_is_copied_without_the_cache_a_scan_left_in_it(tmp_path: Path) -> None:
    source = tmp_path / "sample_app"
    copy_fixture(FIXTURES / "sample_app", source)
    (source / ".fastapi_rules_cache" / "abc").mkdir(parents=True)
    copied = copy_fixture(source, tmp_path / "copy")
    assert not (copied / ".fastapi_rules_cache").exists()
    assert (copied / "pyproject.toml").is_file()
