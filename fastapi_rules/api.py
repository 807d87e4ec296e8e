"""The one entry both front ends call."""
from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from fastapi_rules.cache import default_directory
from fastapi_rules.config import Config, find_config, load_config
from fastapi_rules.constants import CACHE_DIR_VARIABLE
from fastapi_rules.engine import LintResult, Progress, lint, open_cache
from fastapi_rules.rules import ALL_RULES

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
) -> LintResult:
    """Lint files and directories as one project (cross-module facts included).

    ``jobs`` processes parse; ``cache`` keeps results in the configured cache
    directory (``cache-dir``, else ``.fastapi_rules_cache`` beside the config file or
    in the current directory). The findings are the same either way."""
    path_list = [Path(p) for p in paths]
    if config is None:
        config = config_for(path_list)
    return lint(
        path_list, config, apply_noqa=apply_noqa, progress=progress, jobs=jobs,
        cache=open_cache(cache_directory(config, cache_dir), config) if cache else None,
        keep_project=keep_project,
    )


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
