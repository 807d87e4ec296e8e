"""A finding: what every front end prints."""
from __future__ import annotations

from dataclasses import dataclass
from operator import attrgetter


@dataclass(frozen=True, order=True)
class Finding:
    path: str
    line: int
    column: int  # 1-based
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.code} {self.message}"


# the order ``order=True`` gives, as a key: tuples compare in C, and a report sorts
# every finding of the project (17,000 at 5,000 files)
by_position = attrgetter("path", "line", "column", "code", "message")
