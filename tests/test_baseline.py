"""Baselines: record today's findings, then report only new ones."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import FIXTURES, copy_fixture
from fastapi_rules.fingerprint import enclosing_definition
from test_cli import run
from test_formats import text_findings

NEW_ROUTE = '''

@router.get("/by-name")
def find_by_name(name: str, session: SessionDep, user: CurrentUser):
    rows = session.execute(text(f"SELECT id FROM items WHERE name = '{name}'"))
    return [dict(r) for r in rows]
'''


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    copy_fixture(FIXTURES / "sample_app", tmp_path / "app_project")
    return tmp_path / "app_project"


def scan(project: Path, *args: str):
    return run("scan", *args, ".", cwd=project)


def test_round_trip_reports_only_the_new_violation(project: Path) -> None:
    before = scan(project)
    assert before.returncode == 1
    old = text_findings(before.stdout)
    written = scan(project, "--write-baseline", "baseline.json")
    assert (written.returncode, written.stdout) == (0, ""), written.stderr
    assert json.loads((project / "baseline.json").read_text())["tool"] == "fastapi-rules"

    # an unrelated edit above the old findings moves every one of them down ...
    routes = project / "app" / "routes" / "items.py"
    above = "# Item routes: listing, search and details.\nimport logging\n\nlog = logging.getLogger(__name__)\n"
    body = above + routes.read_text()
    first_new_line = body.count("\n") + 3
    routes.write_text(body + NEW_ROUTE)
    in_routes = [f for f in text_findings(scan(project).stdout) if f["path"] == "app/routes/items.py"]
    moved = {(f["code"], f["line"]) for f in in_routes if f["line"] < first_new_line}
    assert moved == {(o["code"], o["line"] + 4) for o in old if o["path"] == "app/routes/items.py"} != set()
    new = [f for f in in_routes if f["line"] >= first_new_line]
    assert "FAR301" in {f["code"] for f in new}

    # ... and with the baseline only the violations in the new route are reported
    result = scan(project, "--baseline", "baseline.json")
    assert result.returncode == 1
    assert text_findings(result.stdout) == new
    assert f"({len(old)} suppressed by the baseline)" in result.stderr


def test_a_fixed_violation_is_dropped_from_the_count(project: Path) -> None:
    old = text_findings(scan(project).stdout)
    scan(project, "--write-baseline", "baseline.json")
    fixed = next(f for f in old if f["code"] == "FAR302")
    path = project / str(fixed["path"])
    lines = path.read_text().splitlines(keepends=True)
    del lines[int(fixed["line"]) - 1]  # a statement on its own line
    path.write_text("".join(lines))
    result = scan(project, "--baseline", "baseline.json")
    assert (result.returncode, result.stdout) == (0, ""), result.stdout
    assert f"({len(old) - 1} suppressed by the baseline)" in result.stderr


def test_a_second_identical_violation_is_new(tmp_path: Path) -> None:
    handler = (
        "import time\nfrom fastapi import APIRouter\n\nrouter = APIRouter()\n\n\n"
        '@router.get("/jobs")\nasync def run_jobs():\n    time.sleep(1)\n{more}    return []\n'
    )
    module = tmp_path / "jobs.py"
    module.write_text(handler.format(more=""))
    assert scan(tmp_path, "--select", "FAR401", "--write-baseline", "b.json").returncode == 0
    assert scan(tmp_path, "--select", "FAR401", "--baseline", "b.json").returncode == 0
    module.write_text(handler.format(more="    time.sleep(1)\n"))
    result = scan(tmp_path, "--select", "FAR401", "--baseline", "b.json")
    assert result.returncode == 1
    (reported,) = text_findings(result.stdout)
    assert reported["line"] == 10  # the later one of the two identical lines
    assert "(1 suppressed by the baseline)" in result.stderr


@pytest.mark.parametrize(
    "content,message",
    [
        ("{not json", "not a fastapi-rules baseline: invalid JSON"),
        ('{"version": "2.1.0", "runs": []}', "not a fastapi-rules baseline"),
        ('[1, 2]', "not a fastapi-rules baseline"),
        ('{"tool": "fastapi-rules", "version": 99, "findings": []}', "baseline version 99 is not supported"),
        ('{"tool": "fastapi-rules", "version": 1, "findings": {}}', "`findings` must be a list"),
        ('{"tool": "fastapi-rules", "version": 1, "findings": [{"count": 1}]}', "entry 1 needs a string `fingerprint`"),
        ('{"tool": "fastapi-rules", "version": 1, "findings": [{"fingerprint": "ab", "count": 0}]}', "positive whole `count`"),
    ],
)
def test_corrupt_or_foreign_baseline(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "app.py").write_text("x = 1\n")
    (tmp_path / "baseline.json").write_text(content)
    result = scan(tmp_path, "--baseline", "baseline.json")
    assert result.returncode == 2 and result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith("fastapi-rules: error: baseline.json: ") and message in line, line


def test_missing_baseline_and_unwritable_target(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("x = 1\n")
    missing = scan(tmp_path, "--baseline", "nope.json")
    assert missing.returncode == 2 and "baseline file not found" in missing.stderr
    unwritable = scan(tmp_path, "--write-baseline", "no/dir/b.json")
    assert unwritable.returncode == 2 and len(unwritable.stderr.splitlines()) == 1
    assert not (tmp_path / "no").exists()
    partial = run("scan", "--write-baseline", "b.json", ".", "no/such/dir", cwd=tmp_path)
    assert partial.returncode == 2 and "baseline not written" in partial.stderr
    assert not (tmp_path / "b.json").exists()


def test_enclosing_definition_by_indentation() -> None:
    lines = [
        "class Service:",  # 1
        "    def handle(self):",  # 2
        "        if ready:",  # 3
        "            call()",  # 4
        "",  # 5
        "        # a comment",  # 6
        "        call()",  # 7
        "async def job():",  # 8
        "    def inner():",  # 9
        "        pass",  # 10
        "    call()",  # 11
        "if main:",  # 12
        "    call()",  # 13
        "def sig(",  # 14
        "    a: int,",  # 15
        "):",  # 16
    ]
    assert enclosing_definition(lines, 4) == "def handle(self):"
    assert enclosing_definition(lines, 7) == "def handle(self):"
    assert enclosing_definition(lines, 2) == "class Service:"
    assert enclosing_definition(lines, 11) == "async def job():"
    assert enclosing_definition(lines, 13) == ""  # module level, below a def
    assert enclosing_definition(lines, 8) == ""
    assert enclosing_definition(lines, 15) == "def sig("
