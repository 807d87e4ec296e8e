"""`scan --format html`, loaded in real headless Chromium: the page the browser builds
shows the counts, the summaries, the findings and the endpoint table."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import FIXTURES, copy_fixture
from test_cli import run

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# Special characters in a source line the page must show as text, not as markup.
MARKUP_ROUTE = '''

@router.get("/markup")
def markup(item_id: int, session: SessionDep, user: CurrentUser) -> list[int]:
    """Markup."""
    return session.execute(text(f"SELECT '<b>&amp;' FROM items WHERE id = {item_id} -- </pre></td>"))
'''


class Page(HTMLParser):
    """Text by element id, and each table's body rows as lists of cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.by_id: dict[str, str] = {}
        self.tables: dict[str, list[list[str]]] = {}
        self.open_ids: list[tuple[str, str]] = []  # (tag, id)
        self.stack: list[str] = []
        self.table: str | None = None
        self.in_body = False
        self.row: list[str] | None = None
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if attributes.get("id"):
            self.by_id[attributes["id"]] = ""
            self.open_ids.append((tag, attributes["id"]))
        if tag == "table":
            self.table = attributes.get("id")
            self.tables[self.table or ""] = []
        elif tag == "tbody":
            self.in_body = True
        elif tag == "tr" and self.in_body:
            self.row = []
        elif tag == "td" and self.row is not None:
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if self.open_ids and self.open_ids[-1][0] == tag:
            self.open_ids.pop()
        if tag == "td" and self.cell is not None and self.row is not None:
            self.row.append("".join(self.cell))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.tables[self.table or ""].append(self.row)
            self.row = None
        elif tag == "tbody":
            self.in_body = False

    def handle_data(self, data: str) -> None:
        for _, element_id in self.open_ids:
            self.by_id[element_id] += data
        if self.cell is not None:
            self.cell.append(data)


def dump_dom(page: Path, profile: Path) -> str:
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed (.ci/run installs it with apt-get)")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    result = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={profile}", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0 and "</html>" in result.stdout, result.stderr[-2000:]
    return result.stdout


def test_html_report_in_chromium(tmp_path: Path) -> None:
    project = tmp_path / "project"
    copy_fixture(FIXTURES / "sample_app", project)
    items = project / "app" / "routes" / "items.py"
    items.write_text(items.read_text() + MARKUP_ROUTE)
    page = tmp_path / "report.html"
    result = run("scan", "--format", "html", "--output", str(page), ".", cwd=project)
    assert result.returncode == 1, result.stderr
    raw = page.read_text(encoding="utf-8")
    assert not re.search(r"\b(src|href)\s*=|@import|url\(", raw)  # self-contained

    findings = json.loads(run("scan", "--format", "json", ".", cwd=project).stdout)
    files = int(re.search(r"in (\d+) files", result.stderr)[1])
    endpoints = json.loads(run("routes", "--format", "json", ".", cwd=project).stdout)

    dom = Page()
    dom.feed(dump_dom(page, tmp_path / "profile"))
    assert dom.by_id["finding-count"] == str(len(findings))
    assert dom.by_id["files-scanned"] == str(files)
    assert dom.by_id["files-with-findings"] == str(len({f["path"] for f in findings}))
    by_rule = {row[0]: int(row[2]) for row in dom.tables["by-rule"]}
    assert by_rule == Counter(f["code"] for f in findings)
    assert {row[0]: int(row[1]) for row in dom.tables["by-file"]} == Counter(f["path"] for f in findings)

    rows = dom.tables["findings"]
    assert [row[0] for row in rows] == [f"{f['path']}:{f['line']}:{f['column']}" for f in findings]
    assert [row[1] for row in rows] == [f["code"] for f in findings]
    sources = [(project / f["path"]).read_text().splitlines()[f["line"] - 1].strip() for f in findings]
    assert [row[3] for row in rows] == sources
    assert any("</pre></td>" in row[3] and "<b>&amp;" in row[3] for row in rows)

    open_endpoints = [e for e in endpoints if e["verdict"] in ("none", "unknown")]
    assert open_endpoints and dom.by_id["unauthenticated-count"] == str(len(open_endpoints))
    assert dom.by_id["endpoint-count"] == str(len(endpoints))
    shown = dom.tables["endpoints"]
    assert len(shown) == len(endpoints)
    first = shown[: len(open_endpoints)]
    assert sorted((row[0], row[1]) for row in first) == sorted((",".join(e["methods"]), e["path"]) for e in open_endpoints)
    assert all(row[3] == "NO" or row[3].startswith("unknown") for row in first)
