"""The ``scan --format`` names and their renderers."""
from __future__ import annotations

from fastapi_rules.report import Report
from fastapi_rules.report.github import render_github
from fastapi_rules.report.html import render_html
from fastapi_rules.report.json import render_json
from fastapi_rules.report.sarif import render_sarif
from fastapi_rules.report.text import render_text


def render(report: Report, output_format: str, show_source: bool = False, colour: bool = False) -> str:
    if output_format == "text":
        return render_text(report, show_source, colour)
    renderer = {
        "json": render_json,
        "sarif": render_sarif,
        "github": render_github,
        "html": render_html,
    }[output_format]
    return renderer(report)
