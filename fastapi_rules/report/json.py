"""``--format json``: an array of findings (documented in ``docs/formats.md``)."""
from __future__ import annotations

import json

from fastapi_rules.report import Report, rule_of, severity


def render_json(report: Report) -> str:
    items = []
    for finding, fingerprint in zip(report.findings, report.fingerprints, strict=True):
        rule = rule_of(finding)
        items.append(
            {
                "path": finding.path,
                "line": finding.line,
                "column": finding.column,
                # findings carry a start only: the end is the start (docs/formats.md)
                "end_line": finding.line,
                "end_column": finding.column,
                "code": finding.code,
                "name": rule.name if rule else "",
                "message": finding.message,
                "severity": severity(finding),
                "fingerprint": fingerprint,
            }
        )
    return json.dumps(items, indent=2, ensure_ascii=False) + "\n"
