"""``--format sarif``: SARIF 2.1.0, for GitHub code scanning and other viewers.

Every registered rule is described in ``tool.driver.rules``; results point at files
relative to the repository root through the ``%SRCROOT%`` base id and carry the
baseline fingerprint as a partial fingerprint, so a result keeps its identity when
lines above it move. Identical violations share a fingerprint; as in GitHub's own
``primaryLocationLineHash``, ``:n`` numbers them so each stays its own alert. Findings carry a start position only, so regions give a start
line and column and leave the end to SARIF's default (the rest of the line).
https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
"""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi_rules import __version__
from fastapi_rules.fingerprint import relative_path
from fastapi_rules.report import Report, severity
from fastapi_rules.rule_docs import HOMEPAGE, help_uri, render, sections
from fastapi_rules.rules import ALL_RULES, Rule

SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SOURCE_ROOT = "%SRCROOT%"
FINGERPRINT_KEY = "fastapiRulesFingerprint/v1"


def rule_descriptor(rule: type[Rule]) -> dict[str, Any]:
    summary, what, _ = sections(rule)
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": summary},
        "fullDescription": {"text": what or summary},
        "helpUri": help_uri(rule),
        "help": {"text": f"{summary} See {help_uri(rule)}", "markdown": render(rule)},
        "defaultConfiguration": {"level": rule.severity, "enabled": rule.default_enabled},
    }


def render_sarif(report: Report) -> str:
    index = {rule.code: number for number, rule in enumerate(ALL_RULES)}
    occurrences: Counter[str] = Counter()
    results = []
    for finding, fingerprint in zip(report.findings, report.fingerprints, strict=True):
        occurrences[fingerprint] += 1
        relative = relative_path(finding.path, report.root)
        if relative is not None:
            artifact = {"uri": quote(relative), "uriBaseId": SOURCE_ROOT}
        else:  # a file outside the repository: an absolute URI
            artifact = {"uri": Path(finding.path).resolve().as_uri()}
        result: dict[str, Any] = {
            "ruleId": finding.code,
            "level": severity(finding),
            "message": {"text": finding.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": artifact,
                        "region": {"startLine": finding.line, "startColumn": finding.column},
                    }
                }
            ],
            "partialFingerprints": {FINGERPRINT_KEY: f"{fingerprint}:{occurrences[fingerprint]}"},
        }
        if finding.code in index:
            result["ruleIndex"] = index[finding.code]
        results.append(result)
    document = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "fastapi-rules",
                        "version": __version__,
                        "informationUri": HOMEPAGE,
                        "rules": [rule_descriptor(rule) for rule in ALL_RULES],
                    }
                },
                "originalUriBaseIds": {SOURCE_ROOT: {"uri": report.root.as_uri() + "/"}},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
