"""Rule documentation pages, generated from rule metadata and the fixture example pair.

``python -m fastapi_rules.rule_docs`` rewrites ``docs/rules/``; a test fails when a
page is out of date.
"""
from __future__ import annotations

import dataclasses
import inspect
import sys
from pathlib import Path

from fastapi_rules.rules import ALL_RULES, Rule

REPOSITORY = Path(__file__).resolve().parent.parent
# The project's public home; the generated pages under it are each rule's SARIF ``helpUri``.
HOMEPAGE = "https://github.com/fastapi-rules/fastapi-rules"
DOCS_URL = HOMEPAGE + "/blob/main/docs/rules/{code}.md"


def help_uri(rule: type[Rule]) -> str:
    return DOCS_URL.format(code=rule.code)


def sections(rule: type[Rule]) -> tuple[str, str, str]:
    """(summary, what it does, why is this bad?) from the rule's docstring."""
    doc = inspect.cleandoc(rule.__doc__ or "")
    summary, _, rest = doc.partition("\n")
    what, _, why = rest.partition("Why is this bad?")
    what = what.replace("What it does:", "").strip()
    return summary.strip(), " ".join(what.split()), " ".join(why.split())


# A checkout has the example pairs in fixtures/; a wheel carries copies (see setup.py).
PACKAGED_EXAMPLES = Path(__file__).resolve().parent / "examples"


def _example(rule: type[Rule], name: str) -> str | None:
    for directory in (REPOSITORY / "fixtures", PACKAGED_EXAMPLES):
        path = directory / rule.code / name
        if path.is_file():
            return path.read_text(encoding="utf-8").rstrip("\n")
    return None


def render(rule: type[Rule]) -> str:
    summary, what, why = sections(rule)
    state = "on by default" if rule.default_enabled else "off by default: enable it with `select`"
    lines = [
        f"# {rule.code} `{rule.name}`",
        "",
        f"{summary} ({state})",
        "",
        "## What it does",
        "",
        what,
        "",
        "## Why is this bad?",
        "",
        why,
        "",
    ]
    bad, good = _example(rule, "bad_example.py"), _example(rule, "good_example.py")
    if bad is not None:
        lines += ["## Example", "", "```python", bad, "```", ""]
    if good is not None:
        lines += ["## Use instead", "", "```python", good, "```", ""]
    lines += ["## Options", ""]
    fields = dataclasses.fields(rule.Options)
    if fields:
        lines += ["| option | default | meaning |", "|---|---|---|"]
        for field in fields:
            key = f"{rule.options_section}.{field.name.rstrip('_')}"
            default = field.default
            shown = ", ".join(f"`{v}`" for v in default) if isinstance(default, tuple) else f"`{default}`"
            lines.append(f"| `{key}` | {shown or '(none)'} | {field.metadata.get('help', '')} |")
    else:
        lines.append("None.")
    lines += ["", "## References", "", f"- Seed rules: {rule.seed} (see `shared/seeds/`)", ""]
    return "\n".join(lines)


def write_all(directory: Path = REPOSITORY / "docs" / "rules") -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for rule in ALL_RULES:
        page = directory / f"{rule.code}.md"
        page.write_text(render(rule), encoding="utf-8")
        written.append(page)
    return written


if __name__ == "__main__":
    for page in write_all():
        sys.stdout.write(f"{page}\n")
