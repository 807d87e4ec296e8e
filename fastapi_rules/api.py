"""The one entry every front end calls (the command line, the flake8 plugin, library
users): the configuration, the cache's place, and the three things a run does, each
opening the cache it uses and closing it when done."""
from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi_rules.cache import Cache, default_directory
from fastapi_rules.config import Config, find_config, load_config
from fastapi_rules.constants import CACHE_DIR_VARIABLE
from fastapi_rules.engine import lint
from fastapi_rules.incremental import open_cache
from fastapi_rules.result import LintResult
from fastapi_rules.rules import ALL_RULES
from fastapi_rules.scan import Progress, ScannedProject, scan_project

if TYPE_CHECKING:
    from fastapi_rules.fix import FixReport

KNOWN_CODES = tuple(rule.code for rule in ALL_RULES)


def config_for(paths: Iterable[Path], config_path: Path | None = None) -> Config:
    """The explicit config file, else the one found from the first scanned path."""
    if config_path is None:
        first = next(iter(paths), Path.cwd())
        config_path = find_config(first if first.exists() else Path.cwd())
    return load_config(config_path, KNOWN_CODES)


def lint_paths(
    paths: Iterable[Path | str],
    config: Config | None = None,
    apply_noqa: bool = True,
    progress: Progress | None = None,
    jobs: int = 1,
    cache: bool = False,
    keep_project: bool = True,
    cache_dir: Path | None = None,
    keep_sources: bool = True,
) -> LintResult:
    """Lint files and directories as one project (cross-module facts included).

    ``jobs`` processes parse; ``cache`` keeps results in the configured cache
    directory (``cache-dir``, else ``.fastapi_rules_cache`` beside the config file or
    the user's cache directory). The findings are the same either way. Raises
    ``CacheDirError`` when that directory is not the tool's to write in."""
    path_list = [Path(p) for p in paths]
    if config is None:
        config = config_for(path_list)
    with _opened_cache(config, cache, cache_dir) as opened:
        return lint(
            path_list, config, apply_noqa=apply_noqa, progress=progress, jobs=jobs, cache=opened,
            keep_project=keep_project, keep_sources=keep_sources,
        )


def scan_routes(
    paths: list[Path], config: Config, jobs: int = 1, cache: bool = False, cache_dir: Path | None = None
) -> ScannedProject:
    """Every file analysed and the project index (the application as FastAPI would
    assemble it), without running the rules: what ``routes`` prints."""
    with _opened_cache(config, cache, cache_dir) as opened:
        return scan_project(paths, config, jobs=jobs, cache=opened)


def fix_paths(paths: list[Path], config: Config, unsafe: bool, write: bool) -> FixReport:
    """Lint, rewrite what the selected rules can fix, lint again (``write=False``:
    plan the rewrites only, for ``--diff``)."""
    from fastapi_rules.fix import fix_project  # noqa: PLC0415 - LibCST's codemods load slowly

    return fix_project(paths, config, unsafe, write)


@contextmanager
def _opened_cache(config: Config, wanted: bool, cache_dir: Path | None) -> Iterator[Cache | None]:
    cache = open_cache(cache_directory(config, cache_dir), config) if wanted else None
    try:
        yield cache
    finally:
        if cache is not None:
            cache.close()


def cache_directory(config: Config, explicit: Path | None = None) -> Path:
    """``--cache-dir``, else ``FASTAPI_RULES_CACHE_DIR``, else the config's ``cache-dir``
    (inside the project: the configuration checks it), else beside the config file
    when that place is the project's own, else the user's cache directory: as ruff
    ranks them."""
    if explicit is not None:
        return explicit.resolve()
    from_environment = os.environ.get(CACHE_DIR_VARIABLE)
    if from_environment:
        return Path(from_environment).resolve()
    return config.cache_dir or default_directory(config.root)


def cache_directory_origin(config: Config, explicit: Path | None = None) -> str:
    """Which setting named the cache directory, for an error about it."""
    if explicit is not None:
        return "--cache-dir"
    if os.environ.get(CACHE_DIR_VARIABLE):
        return CACHE_DIR_VARIABLE
    if config.cache_dir is not None:
        return f"{config.path}: `cache-dir`"
    return "the default cache directory"
