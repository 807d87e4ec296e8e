"""flake8-compatible ``# noqa`` for the CLI path (flake8 applies its own)."""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fastapi_rules.finding import Finding

# The same pattern flake8 uses (flake8/defaults.py NOQA_INLINE_REGEXP).
NOQA_INLINE = re.compile(
    r"# noqa"
    r"(?::[\s]?(?P<codes>([A-Z]+[0-9]+(?:[,\s]+)?)+))?",
    re.IGNORECASE,
)
_CODE = re.compile(r"[A-Z]+[0-9]+", re.IGNORECASE)


def noqa_lines(text: str) -> dict[int, frozenset[str] | None]:
    """Line number -> codes silenced there (None: every code)."""
    found: dict[int, frozenset[str] | None] = {}
    if "noqa" not in text.lower():
        return found
    for number, line in enumerate(text.splitlines(), start=1):
        match = NOQA_INLINE.search(line)
        if match is None:
            continue
        codes = match.group("codes")
        found[number] = (
            None if codes is None else frozenset(c.upper() for c in _CODE.findall(codes))
        )
    return found


def is_suppressed(code: str, line: int, noqa: dict[int, frozenset[str] | None]) -> bool:
    if line not in noqa:
        return False
    codes = noqa[line]
    return codes is None or any(code.startswith(c) for c in codes)


def kept_by_noqa(
    found: list[Finding], noqa: dict[int, frozenset[str] | None], apply_noqa: bool
) -> tuple[list[Finding], int]:
    """A file's findings its noqa comments leave, and how many they silence."""
    if not apply_noqa:
        return found, 0
    kept = [f for f in found if not is_suppressed(f.code, f.line, noqa)]
    return kept, len(found) - len(kept)
