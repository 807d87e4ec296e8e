from __future__ import annotations

import re
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
FIXTURES = REPOSITORY / "fixtures"
MARKER = re.compile(r"#\s*expect:\s*(FAR\d{3}(?:\s*,\s*FAR\d{3})*)")


def expected_markers(case: Path) -> set[tuple[Path, int, str]]:
    """(file, line, code) for every ``# expect:`` marker in a fixture file or directory."""
    files = [case] if case.is_file() else sorted(case.rglob("*.py"))
    found = set()
    for path in files:
        text = path.read_bytes().decode("utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), start=1):
            match = MARKER.search(line)
            if match:
                for code in re.split(r"\s*,\s*", match.group(1)):
                    found.add((path.resolve(), number, code))
    return found
