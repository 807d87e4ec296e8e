"""The flake8 adapter: the same engine, the same project-wide findings.

flake8 calls the plugin once per file, but FAR2xx needs the whole application
(dependencies and include_router calls live in other modules). The first call in a
process lints the project the file belongs to, once, and later calls read from it.
"""
from __future__ import annotations

import ast
import functools
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

from fastapi_rules import __version__
from fastapi_rules.api import config_for, lint_paths
from fastapi_rules.cache import CacheDirError
from fastapi_rules.discovery import display_path
from fastapi_rules.finding import Finding
from fastapi_rules.rules import RULES_BY_CODE
from fastapi_rules.scan import default_jobs

PROJECT_MARKERS = (".fastapi-rules.yaml", "pyproject.toml", "setup.cfg", "tox.ini", ".flake8", ".git")


def project_root(path: Path) -> Path:
    """The nearest directory above ``path`` that looks like a project's root."""
    start = path.resolve().parent
    for directory in (start, *start.parents):
        if any((directory / marker).exists() for marker in PROJECT_MARKERS):
            return directory
    return start


def _selected(options: object) -> bool:
    """Whether flake8 reports any FAR code with these options (``--select E`` does not)."""
    try:
        from flake8.style_guide import Decision, DecisionEngine

        engine = DecisionEngine(options)  # type: ignore[arg-type]
        return any(
            engine.decision_for(code) is Decision.Selected for code in RULES_BY_CODE
        )
    except Exception:  # noqa: BLE001 - flake8 internals moved: run as if selected
        return True


class Plugin:
    name = "fastapi-rules"
    version = __version__
    # project root -> the findings by path as the engine shows it (relative to the
    # current directory), and by resolved path for a file named another way
    _projects: ClassVar[dict[Path, dict[str, list[Finding]]]] = {}
    _resolved: ClassVar[dict[Path, dict[Path, list[Finding]]]] = {}
    _enabled: ClassVar[bool] = True

    def __init__(self, tree: ast.AST, filename: str) -> None:
        self.filename = filename

    @classmethod
    def parse_options(cls, option_manager: object, options: object, filenames: list[str]) -> None:
        """Lint the projects of the paths flake8 was given once, in the main process,
        before it forks its ``--jobs`` workers: they inherit the findings instead of
        each linting the whole project again."""
        cls._enabled = _selected(options)
        if not cls._enabled:
            return  # flake8 runs every plugin whatever is selected: skip the work
        for name in filenames or ["."]:
            path = Path(name)
            if path.is_dir():
                cls._findings_by_file(project_root(path / "__init__.py"))
            elif path.is_file() and path.suffix == ".py":
                cls._findings_by_file(project_root(path))

    @classmethod
    def _findings_by_file(cls, root: Path) -> dict[str, list[Finding]]:
        if root not in cls._projects:
            config = config_for([root])
            # flake8 applies noqa itself and prints no source lines; the CLI's cache
            # serves an unchanged project without a parse, and one edited file with one
            run = functools.partial(
                lint_paths, [root], config, apply_noqa=False, jobs=default_jobs(), keep_project=False,
                keep_sources=False,
            )
            try:
                result = run(cache=True)
            except CacheDirError:  # refused before any work; the CLI says why
                result = run(cache=False)
            by_path: dict[str, list[Finding]] = {}
            for finding in result.findings:
                by_path.setdefault(finding.path, []).append(finding)
            cls._projects[root] = by_path
        return cls._projects[root]

    @classmethod
    def _findings_for(cls, path: Path) -> list[Finding]:
        root = project_root(path)
        by_path = cls._findings_by_file(root)
        found = by_path.get(display_path(path))
        if found is not None:
            return found
        # named through a symlink or otherwise: resolve every reported path, once
        if root not in cls._resolved:
            cls._resolved[root] = {Path(p).resolve(): f for p, f in by_path.items()}
        return cls._resolved[root].get(path.resolve(), [])

    def run(self) -> Iterator[tuple[int, int, str, type]]:
        path = Path(self.filename)
        if not self._enabled or not path.is_file():
            return  # stdin: there is no project to resolve against
        for finding in self._findings_for(path):
            # flake8 columns are 0-based and it adds 1 when printing
            yield finding.line, finding.column - 1, f"{finding.code} {finding.message}", type(self)
