"""Which files a run reads, the module name each is imported as, and the path it is
shown under."""
from __future__ import annotations

import fnmatch
import os
import stat
from collections.abc import Iterable
from pathlib import Path

SKIPPED_DIRECTORIES = frozenset(
    {".git", ".hg", ".svn", ".venv", "venv", "node_modules", "__pycache__", "build", "dist",
     ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".fastapi_rules_cache"}
)


def discover(
    paths: Iterable[Path], exclude: tuple[str, ...]
) -> tuple[list[tuple[Path, Path]], list[str]]:
    """(file, the scanned root it was found under) for Python files under ``paths``
    (explicit files always count), sorted; and the paths that do not exist."""
    found: dict[Path, Path] = {}
    missing: list[str] = []
    for path in paths:
        if path.is_file():
            found.setdefault(path, path)
        elif path.is_dir():
            _walk(path, path, exclude, found)
        else:
            missing.append(str(path))
    return sorted(found.items(), key=lambda item: item[0].parts), missing  # as Paths sort


def _walk(directory: Path, root: Path, exclude: tuple[str, ...], found: dict[Path, Path]) -> None:
    """``os.walk``'s order and rules (symlinked directories listed, not entered), with
    ``scandir`` entries: a regular file is known as one without a ``stat`` each."""
    try:
        with os.scandir(directory) as listing:
            entries = list(listing)
    except OSError:
        return  # unreadable: os.walk skips it too
    subdirectories = []
    for entry in entries:
        try:
            is_directory = entry.is_dir()
        except OSError:
            is_directory = False
        if is_directory:
            if entry.name not in SKIPPED_DIRECTORIES and not entry.is_symlink():
                subdirectories.append(entry.name)
            continue
        if not entry.name.endswith(".py"):
            continue
        candidate = directory / entry.name
        try:
            # not a FIFO (reading one would block), socket, broken link or link loop
            regular = entry.is_file()
        except OSError:
            regular = False
        if regular and not excluded(candidate, root, exclude):
            found.setdefault(candidate, root)
    for name in sorted(subdirectories):
        if not excluded(directory / name, root, exclude):
            _walk(directory / name, root, exclude, found)


def excluded(path: Path, root: Path, exclude: tuple[str, ...]) -> bool:
    """``exclude`` globs match a name, or a path relative to the scanned root
    (``tests/``, ``scripts/*``, ``*_pb2.py``), as in ruff and flake8."""
    if not exclude:
        return False
    relative = path.relative_to(root).as_posix() if root in path.parents else path.as_posix()
    for pattern in exclude:
        bare = pattern.rstrip("/")
        if (
            fnmatch.fnmatch(path.name, bare)
            or fnmatch.fnmatch(relative, bare)
            or fnmatch.fnmatch(relative, f"*/{bare}")
        ):
            return True
    return False


def module_name(
    path: Path,
    src_roots: tuple[Path, ...],
    scanned_root: Path | None = None,
    _memo: dict[object, object] | None = None,
) -> tuple[str, bool]:
    """The dotted module name Python would import ``path`` as, and whether it is a package.

    The ``__init__.py`` chain decides, as for Python. A directory without one that
    sits below the scanned root inside a package (a PEP 420 namespace package, common
    in wheels: ``open_webui/utils/``) counts too; ``backend/`` above ``backend/app/``
    does not, so the full-stack template's ``app.main`` keeps its import name. A file
    in no regular package is named by its path below the scanned root, which Python
    has on ``sys.path`` when the app runs from there: ``api/v1/routes/payment.py`` is
    ``api.v1.routes.payment`` when no folder has an ``__init__.py``.
    ``_memo`` keeps what each directory resolves to and its package parts for one scan.
    """
    memo = _memo if _memo is not None else {}
    absolute = _resolved(path, memo)
    is_package = absolute.name == "__init__.py"
    directory = absolute.parent
    # what the directory contributes is the same for all its files: worked out once
    key = ("directory parts", directory, scanned_root, src_roots)
    directory_parts = memo.get(key)
    if directory_parts is None:
        directory_parts = memo[key] = _directory_parts(directory, src_roots, scanned_root, memo)
    parts = [*directory_parts, absolute.stem]  # type: ignore[misc]
    if is_package:
        parts = parts[:-1]
    return ".".join(parts) or directory.name, is_package


def _directory_parts(
    directory: Path, src_roots: tuple[Path, ...], scanned_root: Path | None, memo: dict[object, object]
) -> list[str]:
    """The module name's parts above a file of ``directory``: below the longest
    ``src`` root holding it, else its package chain."""
    for src in sorted(src_roots, key=lambda p: len(p.parts), reverse=True):
        if src == directory or src in directory.parents:
            return list(directory.relative_to(src).parts)
    root = _resolved(scanned_root, memo) if scanned_root is not None else None
    parts = _package_parts(directory, root, memo)
    if parts or root is None or root not in directory.parents:
        return parts
    # in no regular package: the scanned root is on ``sys.path``, as when the app runs
    # from it (``uvicorn main:app``), and each folder below it is a namespace package
    return [part.replace("-", "_") for part in directory.relative_to(root).parts]


def _resolved(path: Path, memo: dict[object, object]) -> Path:
    # a file that is no symlink resolves as its directory does: one realpath per directory
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        mode = 0
    if stat.S_ISLNK(mode) or stat.S_ISDIR(mode):
        whole = ("resolved", path)
        if whole not in memo:
            memo[whole] = path.resolve()
        return memo[whole]  # type: ignore[return-value]
    parent = ("resolved parent", path.parent)
    directory = memo.get(parent)
    if directory is None:
        directory = memo[parent] = path.parent.absolute().resolve()
    return directory / path.name  # type: ignore[operator]


def _package_parts(
    directory: Path, root: Path | None, memo: dict[object, object]
) -> list[str]:
    """The package names from the top package down to ``directory`` ([] outside one)."""
    key = (directory, root)
    if key not in memo:
        if directory.parent != directory and (
            (directory / "__init__.py").is_file()
            or (root is not None and root in directory.parents and _package_above(directory, root))
        ):
            # ``open-webui/`` is imported as ``open_webui`` (its distribution name, as pip
            # normalises it): no import could name a package with a ``-``
            memo[key] = [*_package_parts(directory.parent, root, memo), directory.name.replace("-", "_")]
        else:
            memo[key] = []
    return memo[key]  # type: ignore[return-value]


def _package_above(directory: Path, root: Path) -> bool:
    for parent in directory.parents:
        if (parent / "__init__.py").is_file():
            return True
        if parent == root:
            return False
    return False


def module_names(
    files: list[tuple[Path, Path]], src_roots: tuple[Path, ...]
) -> dict[Path, tuple[str, bool]]:
    """Module names for all scanned files; files that would share one (every
    ``tutorial001.py`` of a docs tree, two services' ``main.py``) are named by their
    path below the scanned root instead, so their facts never merge."""
    memo: dict[object, object] = {}
    names = {path: module_name(path, src_roots, root, memo) for path, root in files}
    count: dict[str, int] = {}
    for name, _ in names.values():
        count[name] = count.get(name, 0) + 1
    roots = dict(files)
    for path, (name, is_package) in list(names.items()):
        if count[name] > 1:
            root = roots[path].resolve()
            base = root if root.is_dir() else root.parent.parent
            relative = path.resolve().relative_to(base).with_suffix("").parts
            if is_package:
                relative = relative[:-1]
            names[path] = (".".join(relative), is_package)
    return names


def display_path(path: Path, cwd: str | None = None) -> str:
    """Relative to the current directory when below it, as flake8 and ruff print
    (``cwd``: the current directory, when the caller names many paths)."""
    cwd = cwd or os.getcwd()
    absolute = os.path.normpath(os.path.join(cwd, path))  # os.path.abspath, with this cwd
    if absolute.startswith(cwd + os.sep):
        return absolute[len(cwd) + 1:]  # below it: what relpath gives, without its work
    try:
        return os.path.relpath(path, cwd)
    except ValueError:  # another drive on Windows
        return str(path)
