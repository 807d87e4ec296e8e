"""``path:line:col: CODE message``, as flake8 prints it; ``--show-source`` adds the
line and a caret under the column, ``--statistics`` a count per code."""
from __future__ import annotations

import os
from collections import Counter
from collections.abc import Sequence
from typing import TextIO

import click

from fastapi_rules.finding import Finding
from fastapi_rules.report import Report, severity
from fastapi_rules.rules import RULES_BY_CODE


def use_colour(stream: TextIO) -> bool:
    """Colour only on a terminal, and never when ``NO_COLOR`` is set (no-color.org)."""
    return stream.isatty() and not os.environ.get("NO_COLOR")


def render_text(report: Report, show_source: bool = False, colour: bool = False) -> str:
    lines = []
    for finding in report.findings:
        if colour:
            code_colour = "red" if severity(finding) == "error" else "yellow"
            lines.append(
                f"{click.style(finding.path, bold=True)}:{finding.line}:{finding.column}: "
                f"{click.style(finding.code, fg=code_colour, bold=True)} {finding.message}"
            )
        else:
            lines.append(str(finding))
        source = report.source_line(finding) if show_source else None
        if source is not None:
            # keep the line's tabs so the caret lines up under the column
            padding = "".join(c if c.isspace() else " " for c in source[: finding.column - 1])
            lines += [source, padding + (click.style("^", fg="red", bold=True) if colour else "^")]
    return "".join(f"{line}\n" for line in lines)


def render_statistics(findings: Sequence[Finding]) -> str:
    """``count  CODE name`` per code, most frequent first, as ``ruff --statistics``."""
    counts = Counter(finding.code for finding in findings)
    width = len(str(max(counts.values(), default=0)))
    lines = []
    for code, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        rule = RULES_BY_CODE.get(code)
        lines.append(f"{count:>{width}}  {code}  {rule.name if rule else ''}".rstrip())
    return "".join(f"{line}\n" for line in lines)
