"""What the route-contract rules share: one verdict per handler, at its ``def``."""
from __future__ import annotations

import re
from collections.abc import Iterator

from fastapi_rules.finding import Finding
from fastapi_rules.model import ModuleSummary
from fastapi_rules.project import Endpoint, ProjectIndex
from fastapi_rules.rules.base import Rule


# Responses the handler streams or sends as a file: a download, a chat stream, a
# transport, not a resource's representation (FAR102, FAR103).
STREAMED_RESPONSES = frozenset({"StreamingResponse", "FileResponse", "EventSourceResponse"})
WORDS = re.compile(r"[A-Za-z][a-z]*")  # ``getUsers`` → get, Users; ``add-item`` → add, item


def segment_words(path: str) -> list[list[str]]:
    """Lower-case words of each literal path segment (``{parameters}`` skipped)."""
    return [
        [word.lower() for word in WORDS.findall(segment)]
        for segment in path.split("/")
        if segment and not segment.startswith("{")
    ]


class EndpointRule(Rule):
    """Asks ``problem`` of each route in the module, once per handler location (a
    router served on several mounts is one route to fix)."""

    def check(self, summary: ModuleSummary, project: ProjectIndex) -> Iterator[Finding]:
        seen: set[tuple[int, int]] = set()
        for endpoint in project.routing.declared_in(summary, "http_endpoints"):
            key = (endpoint.location.line, endpoint.location.column)
            if key in seen:
                continue
            fields = self.problem(endpoint, project)
            if fields is not None:
                seen.add(key)
                yield self.finding(
                    summary,
                    endpoint.location,
                    method="/".join(endpoint.route.methods),
                    path=endpoint.full_path or "/",
                    **fields,
                )

    def problem(self, endpoint: Endpoint, project: ProjectIndex) -> dict[str, str] | None:
        """Message fields when this endpoint breaks the rule, else None."""
        raise NotImplementedError
