"""``--format github``: GitHub Actions workflow commands, one annotation per finding.

https://docs.github.com/en/actions/reference/workflow-commands-for-github-actions
Escaping follows @actions/core (``command.ts``): ``%``, CR and LF in the message;
those and ``:`` and ``,`` in property values.
"""
from __future__ import annotations

from fastapi_rules.fingerprint import relative_path
from fastapi_rules.report import Report, severity


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render_github(report: Report) -> str:
    lines = []
    for finding in report.findings:
        # annotations name files relative to the repository root
        path = relative_path(finding.path, report.root) or finding.path
        properties = ",".join(
            f"{key}={escape_property(str(value))}"
            for key, value in (
                ("file", path), ("line", finding.line), ("col", finding.column), ("title", finding.code)
            )
        )
        lines.append(f"::{severity(finding)} {properties}::{escape_data(finding.message)}\n")
    return "".join(lines)
