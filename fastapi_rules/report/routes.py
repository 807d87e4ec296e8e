"""The API surface, endpoint by endpoint, with who may call it (``fastapi-rules routes``)."""
from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from dataclasses import asdict, dataclass, field

from fastapi_rules.model import DependencyRef
from fastapi_rules.project import ProjectIndex

COLUMNS = ("methods", "path", "handler", "auth", "response_model", "status_code")
_QUALIFIED = re.compile(r"[\w.]+\.(\w+)")
# ``Access.kind`` as ``routes --format json`` names it
VERDICTS = {
    "authenticated": "authenticated", "global": "middleware", "public": "public",
    "unknown": "unknown", "open": "none",
}


@dataclass(frozen=True, order=True)
class RouteRow:
    path: str
    methods: str
    handler: str  # file:line
    auth: str  # "yes: <why>", "public path", "global: <why>", "unknown: <why>" or "NO"
    response_model: str
    status_code: str
    access: str = field(default="open", compare=False)  # ``Access.kind``
    # the same endpoint in parts, for ``--format json``
    details: dict[str, object] = field(default_factory=dict, compare=False, hash=False)

    @property
    def unauthenticated(self) -> bool:
        """``NO``, or ``unknown``: no dependency found that authenticates it."""
        return self.access in ("open", "unknown")


def summary_line(rows: list[RouteRow]) -> str:
    counts = Counter(row.access for row in rows)
    return (
        f"{len(rows)} endpoints: {counts['authenticated']} authenticated, "
        f"{counts['global']} by middleware or auth.global, {counts['public']} public paths, "
        f"{counts['unknown']} unknown, {counts['open']} without authentication."
    )


def route_rows(project: ProjectIndex) -> list[RouteRow]:
    """One row per endpoint as served (a router mounted twice gives two rows)."""
    rows: set[RouteRow] = set()
    for endpoint in project.routing.endpoints:
        route = endpoint.route
        access = project.auth.access(endpoint)
        auth = {
            "public": "public path",
            "global": f"global: {access.reason}",
            "authenticated": f"yes: {access.reason}",
            "unknown": f"unknown: {access.reason}",
        }.get(access.kind, "NO")
        response_model = route.response_model or (
            endpoint.handler.return_annotation if endpoint.handler else None
        )
        shown_model = _QUALIFIED.sub(r"\1", response_model or "")
        rows.add(
            RouteRow(
                path=endpoint.full_path or "/",
                methods=",".join(route.methods),
                handler=f"{endpoint.summary.path}:{endpoint.location.line}",
                auth=auth,
                response_model=shown_model,
                status_code=str(route.status_code) if route.status_code else "",
                access=access.kind,
                details={
                    "methods": list(route.methods),
                    "path": endpoint.full_path or "/",
                    "file": endpoint.summary.path,
                    "line": endpoint.location.line,
                    "handler": endpoint.handler.qualname if endpoint.handler else project.names.resolve(route.handler),
                    "verdict": VERDICTS[access.kind],
                    "reason": access.cause,
                    "via": access.via,
                    "dependencies": [_dependency_name(d.ref, project) for d in endpoint.declared],
                    "response_model": shown_model or None,
                    "status_code": route.status_code,
                    "app": endpoint.app,
                },
            )
        )
    return sorted(rows)


def _dependency_name(ref: DependencyRef, project: ProjectIndex) -> str:
    """The qualified name of what FastAPI calls, as far as the source says."""
    if ref.target is None:
        return "Security(...)" if ref.kind == "security" else "Depends(...)"
    return project.names.resolve(ref.target) or ref.target


def render_json(rows: list[RouteRow]) -> str:
    """One object per endpoint, with the verdict and its parts as fields a script can
    filter on (the table's columns are for people)."""
    return json.dumps([row.details for row in rows], indent=2, ensure_ascii=False)


def render_csv(rows: list[RouteRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([asdict(row)[key] for key in COLUMNS])
    return out.getvalue().rstrip("\n")


def render_markdown(rows: list[RouteRow]) -> str:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for row in rows:
        cells = [asdict(row)[key].replace("|", "\\|") for key in COLUMNS]
        lines.append("| " + " | ".join(f"`{c}`" if c and i < 3 else c for i, c in enumerate(cells)) + " |")
    return "\n".join(lines)


def render_table(rows: list[RouteRow], color: bool) -> str:
    table = [COLUMNS] + [tuple(asdict(row)[key] for key in COLUMNS) for row in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(COLUMNS))]
    out = []
    highlight = {"open": "1;31", "unknown": "33"}  # bold red NO, yellow unknown
    for number, line in enumerate(table):
        cells = [cell.ljust(width) for cell, width in zip(line, widths, strict=True)]
        style = highlight.get(rows[number - 1].access) if number else None
        if color and style:
            cells[3] = f"\x1b[{style}m{cells[3]}\x1b[0m"
        out.append("  ".join(cells).rstrip())
    return "\n".join(out)
