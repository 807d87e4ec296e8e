"""Results kept between runs, under ``.fastapi_rules_cache/`` (as ruff keeps ``.ruff_cache``).

Two kinds of entry, all written atomically and both only ever a hint:

* per file, its analysis (the module summary, the file's own findings, its noqa
  lines), named by the SHA-256 of its bytes plus the name it is shown and imported
  under; a file whose bytes are unchanged is never parsed again;
* per run, the findings of the whole project, named by every file's digest and the
  effective configuration; a run over an unchanged tree parses nothing and builds
  no index. Beside it, the last run over the same files and configuration
  (``engine.PreviousRun``): when the files that changed keep their module summaries,
  a run parses only them and reuses its findings.

Entries live in a directory named by the analysis key: the tool's version, the
fingerprint of its own source files (a development checkout's edits count as a new
version), the Python and LibCST versions and the options the analysis of one file
reads. A manifest maps each path to its stat data and digest, so a warm run hashes
only files whose size, mtime or inode changed. An entry that cannot be read, or does
not hold what it should, is a miss; entries are unpickled with an allow-list of this
package's own types, so a planted file cannot run code. Concurrent runs may each
rewrite an entry; the last replace wins and both are complete.
"""
from __future__ import annotations

import hashlib
import importlib.util
import io
import os
import pickle
import shutil
import sys
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi_rules.atomic import write_bytes_atomically

CACHE_DIRECTORY_NAME = ".fastapi_rules_cache"
FORMAT_VERSION = "1"
_KEPT_ANALYSIS_KEYS = 4  # directories of other tool versions or options kept
_KEPT_RUNS = 12  # results, their records (engine.PreviousRun) and the trees' pointers to them
_SAFE_BUILTINS = frozenset(
    {"bool", "bytes", "complex", "dict", "float", "frozenset", "int", "list", "object",
     "set", "slice", "str", "tuple", "type", "NoneType"}
)
_SAFE_NAMES = frozenset(
    {("pathlib", "PosixPath"), ("pathlib", "WindowsPath"), ("pathlib", "PurePosixPath"),
     ("pathlib", "PureWindowsPath"), ("collections", "OrderedDict"), ("collections", "defaultdict"),
     ("collections", "deque"), ("collections", "Counter"), ("copyreg", "_reconstructor"),
     ("re", "_compile"), ("re", "Pattern")}
)

Stat = tuple[int, int, int]  # (mtime_ns, size, inode)


def stat_key(path: Path) -> Stat | None:
    try:
        status = path.stat()
    except OSError:
        return None
    return status.st_mtime_ns, status.st_size, status.st_ino


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@lru_cache(maxsize=1)
def tool_fingerprint() -> str:
    """This package's version and the size and mtime of each of its source files, and
    of LibCST's installed version file (found, not imported: a warm run never parses)."""
    from fastapi_rules import __version__  # noqa: PLC0415

    package = Path(__file__).resolve().parent
    parts = [FORMAT_VERSION, __version__, sys.version]
    libcst = importlib.util.find_spec("libcst")
    if libcst is not None and libcst.origin:
        version_file = Path(libcst.origin).with_name("_version.py")
        if version_file.is_file():
            parts.append(version_file.read_text(encoding="utf-8", errors="replace"))
    for source in sorted(package.rglob("*.py")):
        status = source.stat()
        parts.append(f"{source.relative_to(package)}:{status.st_size}:{status.st_mtime_ns}")
    return digest("\n".join(parts).encode())


def default_directory(config_root: Path | None) -> Path:
    """Beside the configuration file, else in the current directory (as ruff does)."""
    return (config_root or Path.cwd()) / CACHE_DIRECTORY_NAME


class _OwnTypes(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (
            (module == "builtins" and name in _SAFE_BUILTINS)
            or (module, name) in _SAFE_NAMES
            or (module.startswith("fastapi_rules.") and not name.startswith("_"))
        ):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not a cached type")


def _load(path: Path) -> Any:
    try:
        return _OwnTypes(io.BytesIO(path.read_bytes())).load()
    except Exception:  # noqa: BLE001 - missing, torn, foreign or stale: a miss
        return None


class Cache:
    """One run's view of the cache directory; ``close`` writes the manifest and prunes."""

    def __init__(self, root: Path, analysis_options: str) -> None:
        self.root = root
        key = digest(f"{tool_fingerprint()}\n{analysis_options}".encode())[:20]
        self.directory = root / key
        self._files = self.directory / "files"
        self._runs = self.directory / "runs"
        manifest = _load(self.directory / "manifest.pickle")
        self._manifest: dict[str, tuple[Stat, str]] = manifest if isinstance(manifest, dict) else {}
        self._changed = False
        self._also_kept: set[str] = set()  # file digests pruning spares beyond the manifest's
        self.usable = True

    # -- the manifest ----------------------------------------------------------------
    def known_digest(self, path: Path, stat: Stat | None) -> str | None:
        """The digest recorded for ``path`` when its stat data has not changed."""
        entry = self._manifest.get(str(path))
        if entry is None or stat is None or entry[0] != stat:
            return None
        return entry[1]

    def record(self, path: Path, stat: Stat | None, file_digest: str) -> None:
        if stat is not None and self._manifest.get(str(path)) != (stat, file_digest):
            self._manifest[str(path)] = (stat, file_digest)
            self._changed = True

    def keep_files(self, file_digests: Iterable[str]) -> None:
        """Spare these files' entries when pruning, though no file has those bytes now:
        the run compared with (``engine.PreviousRun``) names them, and after an undo it
        is the one compared with again."""
        self._also_kept.update(file_digests)

    # -- entries ---------------------------------------------------------------------
    def _file_entry(self, file_digest: str, identity: Iterable[object]) -> Path:
        named = digest(repr(tuple(identity)).encode())[:16]
        return self._files / f"{file_digest}-{named}.pickle"

    def load_file(self, file_digest: str, identity: Iterable[object], expected: type) -> Any:
        value = _load(self._file_entry(file_digest, identity))
        return value if isinstance(value, expected) else None

    def store_file(self, file_digest: str, identity: Iterable[object], value: object) -> None:
        self._store(self._file_entry(file_digest, identity), value)
        self._changed = True

    def load_run(self, run_key: str, expected: type) -> Any:
        value = _load(self._runs / f"{run_key}.pickle")
        return value if isinstance(value, expected) else None

    def store_run(self, run_key: str, value: object) -> None:
        self._store(self._runs / f"{run_key}.pickle", value)
        self._changed = True

    def _store(self, path: Path, value: object) -> None:
        if not self.usable:
            return
        try:
            self._prepare()
            path.parent.mkdir(parents=True, exist_ok=True)
            write_bytes_atomically(path, pickle.dumps(value, pickle.HIGHEST_PROTOCOL), durable=False)
        except (OSError, pickle.PicklingError, RecursionError, TypeError, AttributeError):
            self.usable = False  # a read-only checkout, a full disk: run without a cache

    def _prepare(self) -> None:
        if (self.root / ".gitignore").is_file():
            return
        self.root.mkdir(parents=True, exist_ok=True)
        # as ruff and pytest do: the directory ignores itself and tells backup tools
        write_bytes_atomically(self.root / ".gitignore", b"# Created by fastapi-rules\n*\n", durable=False)
        write_bytes_atomically(
            self.root / "CACHEDIR.TAG",
            b"Signature: 8a477f597d28d172789f06886806bc55\n# Created by fastapi-rules\n",
            durable=False,
        )

    # -- the end of a run ------------------------------------------------------------
    def close(self) -> None:
        """Write the manifest and prune, when this run added anything."""
        if not self._changed or not self.usable:
            return
        live = {}
        for path, entry in self._manifest.items():
            if os.path.exists(path):
                live[path] = entry
        self._manifest = live
        self._store(self.directory / "manifest.pickle", live)
        if self.usable:
            self._prune(live)

    def _prune(self, manifest: dict[str, tuple[Stat, str]]) -> None:
        digests = {file_digest for _, file_digest in manifest.values()} | self._also_kept
        try:
            for entry in os.scandir(self._files):
                if entry.name.split("-", 1)[0] not in digests:
                    _remove(Path(entry.path))
            runs = sorted(os.scandir(self._runs), key=lambda e: e.stat().st_mtime_ns, reverse=True)
            for entry in runs[_KEPT_RUNS:]:
                _remove(Path(entry.path))
            keys = [e for e in os.scandir(self.root) if e.is_dir() and e.path != str(self.directory)]
            keys.sort(key=lambda e: e.stat().st_mtime_ns, reverse=True)
            for entry in keys[_KEPT_ANALYSIS_KEYS - 1:]:
                shutil.rmtree(entry.path, ignore_errors=True)
        except OSError:
            pass  # another run pruned first


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass
