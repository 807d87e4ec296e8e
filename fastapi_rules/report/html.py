"""``--format html``: one self-contained page (inline CSS, no scripts, no external
assets) to read a scan in a browser or attach to a CI run.

It shows the counts, a summary by rule and by file, every finding with its source
line, and the application's endpoints as ``routes`` lists them, the ones nothing
authenticates first.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict
from html import escape

from fastapi_rules import __version__
from fastapi_rules.report import Report, severity
from fastapi_rules.report.routes import COLUMNS, RouteRow, route_rows, summary_line
from fastapi_rules.rules import RULES_BY_CODE

STYLE = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em; color: #1f2328; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #d0d7de; }
table { border-collapse: collapse; margin: 0.5em 0; }
th, td { text-align: left; padding: 0.25em 0.7em; border-bottom: 1px solid #eaeef2; vertical-align: top; }
th { background: #f6f8fa; }
td.count { text-align: right; font-variant-numeric: tabular-nums; }
code, pre { font: 12px/1.4 ui-monospace, monospace; }
pre { margin: 0; white-space: pre-wrap; }
.error { color: #cf222e; font-weight: 600; }
.warning { color: #9a6700; font-weight: 600; }
tr.open td.auth { color: #cf222e; font-weight: 700; }
tr.unknown td.auth { color: #9a6700; }
.summary { font-size: 1.1em; }
"""


def _table(table_id: str, headers: Iterable[str], rows: Iterable[str]) -> str:
    head = "".join(f"<th>{escape(header)}</th>" for header in headers)
    body = "\n".join(rows)
    return f'<table id="{table_id}">\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>'


def _by_rule(report: Report) -> str:
    counts = Counter(finding.code for finding in report.findings)
    rows = []
    for code, count in sorted(counts.items()):
        rule = RULES_BY_CODE.get(code)
        rows.append(
            f'<tr data-code="{escape(code)}"><td><code>{escape(code)}</code></td>'
            f"<td>{escape(rule.name if rule else '')}</td><td class=\"count\">{count}</td></tr>"
        )
    return _table("by-rule", ("code", "name", "findings"), rows)


def _by_file(report: Report) -> str:
    counts = Counter(finding.path for finding in report.findings)
    rows = [
        f'<tr data-path="{escape(path)}"><td><code>{escape(path)}</code></td><td class="count">{count}</td></tr>'
        for path, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    ]
    return _table("by-file", ("file", "findings"), rows)


def _findings(report: Report) -> str:
    rows = []
    for finding in report.findings:
        source = report.source_line(finding)
        kind = severity(finding)
        rows.append(
            f'<tr class="finding" data-code="{escape(finding.code)}">'
            f"<td><code>{escape(f'{finding.path}:{finding.line}:{finding.column}')}</code></td>"
            f'<td class="{kind}"><code>{escape(finding.code)}</code></td>'
            f"<td>{escape(finding.message)}</td>"
            f"<td><pre class=\"source\">{escape(source.strip()) if source is not None else ''}</pre></td></tr>"
        )
    return _table("findings", ("location", "code", "message", "source"), rows)


def _endpoints(rows: list[RouteRow]) -> str:
    ordered = sorted(rows, key=lambda row: (not row.unauthenticated, row))
    cells = []
    for row in ordered:
        values = asdict(row)
        tds = "".join(f'<td class="{column}">{escape(values[column])}</td>' for column in COLUMNS)
        cells.append(f'<tr class="endpoint {escape(row.access)}">{tds}</tr>')
    return _table("endpoints", COLUMNS, cells)


def render_html(report: Report) -> str:
    count = len(report.findings)
    files_with_findings = len({finding.path for finding in report.findings})
    rows = route_rows(report.project) if report.project is not None else []
    open_count = sum(row.unauthenticated for row in rows)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>fastapi-rules report</title>",
        f"<style>{STYLE}</style>",
        "</head>",
        "<body>",
        "<h1>fastapi-rules report</h1>",
        f'<p class="summary" id="finding-summary"><span id="finding-count">{count}</span> '
        f"{'finding' if count == 1 else 'findings'} in "
        f'<span id="files-with-findings">{files_with_findings}</span> of '
        f'<span id="files-scanned">{report.files}</span> files scanned.</p>',
        f'<p class="summary" id="endpoint-summary"><span id="endpoint-count">{len(rows)}</span> endpoints, '
        f'<span id="unauthenticated-count">{open_count}</span> without authentication '
        f"(<code>NO</code> or <code>unknown</code>).</p>",
        "<h2>By rule</h2>",
        _by_rule(report),
        "<h2>By file</h2>",
        _by_file(report),
        "<h2>Findings</h2>",
        _findings(report),
        "<h2>Endpoints</h2>",
        f"<p>{escape(summary_line(rows))} Unauthenticated endpoints are listed first.</p>",
        _endpoints(rows),
        f"<footer><p>fastapi-rules {escape(__version__)}</p></footer>",
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"
