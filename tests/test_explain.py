"""`fastapi-rules explain` and `rules --format`: documentation from rule metadata."""
from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

from conftest import REPOSITORY
from fastapi_rules.rules import ALL_RULES
from test_cli import run

DOCUMENTED = [rule for rule in ALL_RULES if (REPOSITORY / "fixtures" / rule.code / "bad_example.py").is_file()]


def test_explain_prints_the_docs_page() -> None:
    for rule in (DOCUMENTED[0], DOCUMENTED[-1]):
        result = run("explain", rule.code.lower())
        assert result.returncode == 0, result.stderr
        assert result.stdout == (REPOSITORY / "docs" / "rules" / f"{rule.code}.md").read_text(encoding="utf-8")


def test_explain_unknown_code() -> None:
    result = run("explain", "FAR999")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.splitlines() == ["fastapi-rules: error: unknown rule code 'FAR999' (see `fastapi-rules rules`)"]


def test_explain_from_an_installed_wheel(tmp_path: Path) -> None:
    """Built and unpacked outside the checkout: the page, examples included, comes
    from the package (no docs/ or fixtures/ next to it)."""
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", str(REPOSITORY), "-w", str(tmp_path)],
        capture_output=True, text=True, timeout=300,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = tmp_path.glob("fastapi_rules-*.whl")
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    rule = DOCUMENTED[0]
    script = (
        "import sys; sys.path.insert(0, sys.argv[1]); import fastapi_rules; "
        "assert fastapi_rules.__file__.startswith(sys.argv[1]), fastapi_rules.__file__; "
        "from fastapi_rules.cli import main; main(['explain', sys.argv[2]])"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(site), rule.code],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == (REPOSITORY / "docs" / "rules" / f"{rule.code}.md").read_text(encoding="utf-8")


def test_rules_json() -> None:
    result = run("rules", "--format", "json")
    assert result.returncode == 0
    listed = json.loads(result.stdout)
    assert [item["code"] for item in listed] == [rule.code for rule in ALL_RULES]
    for item, rule in zip(listed, ALL_RULES):
        assert (item["name"], item["summary"], item["default_enabled"], item["severity"]) == (
            rule.name, rule.summary_line(), rule.default_enabled, rule.severity
        )
        assert item["help_uri"].endswith(f"/docs/rules/{rule.code}.md")


def test_rules_markdown_is_the_readme_table() -> None:
    result = run("rules", "--format", "markdown")
    assert result.returncode == 0
    readme = (REPOSITORY / "README.md").read_text(encoding="utf-8")
    rows = result.stdout.splitlines()
    assert rows[:2] == ["| code | name | summary |", "|---|---|---|"]
    assert len(rows) == 2 + len(ALL_RULES)
    for row in rows:
        if not row.startswith("| FAR000 "):  # the engine's own code is explained below the table
            assert row in readme.splitlines(), row


def test_rules_unknown_format() -> None:
    result = run("rules", "--format", "yaml")
    assert result.returncode == 2 and len(result.stderr.splitlines()) == 1
