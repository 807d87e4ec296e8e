"""``fastapi-rules rules``: the registry as text, JSON or the README's Markdown table."""
from __future__ import annotations

import json

from fastapi_rules.rule_docs import help_uri
from fastapi_rules.rules import ALL_RULES

OFF_BY_DEFAULT = "Off by default: select it."


def render_rules_text() -> str:
    lines = []
    for rule in ALL_RULES:
        state = "" if rule.default_enabled else " (off by default)"
        lines.append(f"{rule.code}  {rule.name:<30} {rule.summary_line()}{state}\n")
    return "".join(lines)


def render_rules_json() -> str:
    return json.dumps(
        [
            {
                "code": rule.code,
                "name": rule.name,
                "summary": rule.summary_line(),
                "default_enabled": rule.default_enabled,
                "severity": rule.severity,
                "options_section": rule.options_section,
                "seed": rule.seed,
                "help_uri": help_uri(rule),
            }
            for rule in ALL_RULES
        ],
        indent=2,
        ensure_ascii=False,
    ) + "\n"


def render_rules_markdown() -> str:
    lines = ["| code | name | summary |", "|---|---|---|"]
    for rule in ALL_RULES:
        summary = rule.summary_line() + ("" if rule.default_enabled else f" {OFF_BY_DEFAULT}")
        escaped = summary.replace("|", "\\|")
        lines.append(f"| {rule.code} | {rule.name} | {escaped} |")
    return "\n".join(lines) + "\n"
