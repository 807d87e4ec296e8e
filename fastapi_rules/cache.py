"""Results kept between runs, under ``.fastapi_rules_cache/`` (as ruff keeps ``.ruff_cache``)
or in the user's cache directory (``cache_home``).

Two kinds of entry, all written atomically and both only ever a hint:

* per file, its analysis (the module summary, the file's own findings, its noqa
  lines), named by the SHA-256 of its bytes plus the name it is shown and imported
  under; a file whose bytes are unchanged is never parsed again;
* per run, the findings of the whole project, named by every file's digest and the
  effective configuration; a run over an unchanged tree parses nothing and builds
  no index. Beside it, the last run over the same files and configuration
  (``incremental.PreviousRun``): when the files that changed keep their module summaries,
  a run parses only them and reuses its findings.

Entries live in a directory named by the analysis key: the tool's version, the
fingerprint of its own source files (a development checkout's edits count as a new
version), the Python and LibCST versions and the options the analysis of one file
reads. A manifest maps each path to its stat data and digest, so a warm run hashes
only files whose size, mtime or inode changed.

A checkout can plant a cache folder, so every entry starts with an HMAC-SHA256 of its
place and its bytes under this user's key, checked before anything is unpickled, and
the unpickler takes only this package's data classes by their exact names: a planted
or foreign entry is a miss and runs nothing. An entry that cannot be read, or does
not hold what it should, is a miss too. Pruning removes only entries named as this
tool names them and signed with the key, inside a directory tagged as its own.
Concurrent runs may each rewrite an entry; the last replace wins and both are
complete.
"""
from __future__ import annotations

import dataclasses
import enum
import errno
import hashlib
import hmac
import importlib.util
import io
import os
import pickle
import re
import sys
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from stat import S_ISDIR
from typing import Any

from fastapi_rules.atomic import write_bytes_atomically
from fastapi_rules.cache_home import (
    CACHE_DIRECTORY_NAME,
    CacheDirError,
    claim,
    project_directory_in_home,
    read_regular_file,
    root_state,
    signing_key,
)

__all__ = ["CACHE_DIRECTORY_NAME", "Cache", "CacheDirError", "default_directory"]

FORMAT_VERSION = "2"  # 2: entries signed
_KEPT_ANALYSIS_KEYS = 4  # directories of other tool versions or options kept
_KEPT_RUNS = 12  # results, their records (incremental.PreviousRun) and the trees' pointers to them
# constructors of plain data, should a value need one (protocol 5 writes none today)
_SAFE_BUILTINS = frozenset(
    {"bool", "bytearray", "bytes", "complex", "dict", "float", "frozenset", "int", "list",
     "set", "slice", "str", "tuple"}
)
# the modules whose classes a cache entry may hold (each class by its own exact name)
_DATA_MODULES = frozenset({
    "fastapi_rules.finding", "fastapi_rules.incremental", "fastapi_rules.model", "fastapi_rules.result",
})
SIGNATURE_BYTES = 32
MANIFEST_NAME = "manifest.pickle"
# the names this tool gives what it writes; pruning removes nothing else
_KEY_DIRECTORY = re.compile(r"[0-9a-f]{20}")
_FILE_ENTRY = re.compile(r"[0-9a-f]{64}-[0-9a-f]{16}\.pickle")
_RUN_ENTRY = re.compile(r"(?:tree-|record-)?[0-9a-f]{64}\.pickle")

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
    """``.fastapi_rules_cache`` beside the configuration file, as ruff does, when that
    is the project's own, writable directory; else the user's cache directory, under
    a name for the project (the configuration's directory, or the current one)."""
    if config_root is not None:
        beside = config_root / CACHE_DIRECTORY_NAME
        if _a_place_of_its_own(config_root, beside):
            return beside
    in_home = project_directory_in_home(config_root or Path.cwd())
    # without a home there is no key either, and so no cache: the place is never used
    return in_home if in_home is not None else (config_root or Path.cwd()) / CACHE_DIRECTORY_NAME


def _a_place_of_its_own(project: Path, directory: Path) -> bool:
    """A cache this tool made (or nothing yet) inside ``project``, not a link out of it,
    and writable."""
    state = root_state(directory)
    if state not in ("ours", "absent", "empty"):
        return False
    try:
        inside = directory.resolve().is_relative_to(project.resolve())
    except OSError:
        return False
    writable = directory if state != "absent" else project
    return inside and os.access(writable, os.W_OK | os.X_OK)


class _OwnTypes(pickle.Unpickler):
    """Only the types a cache entry holds, each by its exact module and name: builtins
    constructors of plain data, and the dataclasses and enums defined in our modules
    of data types.
    A dotted name is refused (``fastapi_rules.cache`` + ``os.system`` reaches a
    function through an import), and so is anything a module merely imported."""

    def find_class(self, module: str, name: str) -> Any:
        if "." not in name:
            if module == "builtins" and name in _SAFE_BUILTINS:
                return super().find_class(module, name)
            if module in _DATA_MODULES:
                found = super().find_class(module, name)
                if _is_data_type(found) and found.__module__ == module and found.__qualname__ == name:
                    return found
        raise pickle.UnpicklingError(f"{module}.{name} is not a cached type")


def _is_data_type(found: object) -> bool:
    return isinstance(found, type) and (dataclasses.is_dataclass(found) or issubclass(found, enum.Enum))


class Cache:
    """One run's view of the cache directory; ``close`` writes the manifest and prunes.

    Raises ``CacheDirError`` for a root that exists and is not this tool's to write in
    (a file, a directory with other content and no fastapi-rules tag)."""

    def __init__(self, root: Path, analysis_options: str) -> None:
        self.root = root
        state = root_state(root)
        if state in ("foreign", "not a directory"):
            raise CacheDirError(
                f"{root}: not a fastapi-rules cache ("
                + ("not a directory" if state == "not a directory"
                   else "a directory with other content and no fastapi-rules CACHEDIR.TAG")
                + "); name a new or empty directory"
            )
        key = digest(f"{tool_fingerprint()}\n{analysis_options}".encode())[:20]
        self.directory = root / key
        self._files = self.directory / "files"
        self._runs = self.directory / "runs"
        self._signing_key = signing_key()
        self.usable = self._signing_key is not None  # no key, no cache: nothing is trusted
        self._prepared = False
        manifest = self._load(self.directory / MANIFEST_NAME)
        self._manifest: dict[str, tuple[Stat, str]] = manifest if isinstance(manifest, dict) else {}
        self._changed = False
        self._also_kept: set[str] = set()  # file digests pruning spares beyond the manifest's

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
        the run compared with (``incremental.PreviousRun``) names them, and after an undo it
        is the one compared with again."""
        self._also_kept.update(file_digests)

    # -- entries ---------------------------------------------------------------------
    def _file_entry(self, file_digest: str, identity: Iterable[object]) -> Path:
        named = digest(repr(tuple(identity)).encode())[:16]
        return self._files / f"{file_digest}-{named}.pickle"

    def load_file(self, file_digest: str, identity: Iterable[object], expected: type) -> Any:
        value = self._load(self._file_entry(file_digest, identity))
        return value if isinstance(value, expected) else None

    def store_file(self, file_digest: str, identity: Iterable[object], value: object) -> None:
        self._store(self._file_entry(file_digest, identity), value)
        self._changed = True

    def load_run(self, run_key: str, expected: type) -> Any:
        value = self._load(self._runs / f"{run_key}.pickle")
        return value if isinstance(value, expected) else None

    def store_run(self, run_key: str, value: object) -> None:
        self._store(self._runs / f"{run_key}.pickle", value)
        self._changed = True

    def _signature(self, path: Path, payload: bytes | memoryview) -> bytes:
        """HMAC-SHA256 of the entry's place under the root and its pickle: an entry
        is trusted only if this user's run wrote it there."""
        assert self._signing_key is not None
        signer = hmac.new(self._signing_key, digestmod="sha256")
        signer.update(path.relative_to(self.root).as_posix().encode() + b"\0")
        signer.update(payload)
        return signer.digest()

    def _verified(self, path: Path) -> bytes | None:
        """The entry's bytes when they carry this user's signature for this place."""
        if self._signing_key is None:
            return None
        found = read_regular_file(path)
        data = found[1] if found is not None else None
        if data is None or len(data) < SIGNATURE_BYTES:
            return None
        signature = self._signature(path, memoryview(data)[SIGNATURE_BYTES:])
        return data if hmac.compare_digest(signature, data[:SIGNATURE_BYTES]) else None

    def _load(self, path: Path) -> Any:
        data = self._verified(path)
        if data is None:
            return None  # missing, torn, foreign, planted or stale: a miss
        stream = io.BytesIO(data)
        stream.seek(SIGNATURE_BYTES)
        try:
            return _OwnTypes(stream).load()
        except Exception:  # noqa: BLE001 - signed by an older build of this tool: a miss
            return None

    def _store(self, path: Path, value: object) -> None:
        if not self.usable:
            return
        try:
            self._prepare()
            payload = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
            write_bytes_atomically(path, self._signature(path, payload) + payload, durable=False)
        except (OSError, pickle.PicklingError, RecursionError, TypeError, AttributeError):
            self.usable = False  # a read-only checkout, a full disk: run without a cache

    def _prepare(self) -> None:
        """The tagged root, and below it real directories (a planted link is refused)."""
        if self._prepared:
            return
        if not claim(self.root):
            raise OSError(errno.EACCES, "not a fastapi-rules cache", str(self.root))
        for directory in (self.directory, self._files, self._runs):
            try:
                os.mkdir(directory)
            except FileExistsError:
                pass
            if not S_ISDIR(os.lstat(directory).st_mode):
                raise OSError(errno.ENOTDIR, "not a directory of the cache", str(directory))
        self._prepared = True

    # -- the end of a run ------------------------------------------------------------
    def __enter__(self) -> Cache:
        return self

    def __exit__(self, *exception: object) -> None:
        self.close()

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
        """Remove this tool's stale entries, each by its own name and signature: files
        no scanned file has, runs past the newest, directories of other versions."""
        digests = {file_digest for _, file_digest in manifest.values()} | self._also_kept
        try:
            for entry in _own_entries(self._files, _FILE_ENTRY):
                if entry.name.split("-", 1)[0] not in digests:
                    self._remove(Path(entry.path))
            runs = _own_entries(self._runs, _RUN_ENTRY)
            runs.sort(key=lambda e: e.stat(follow_symlinks=False).st_mtime_ns, reverse=True)
            for entry in runs[_KEPT_RUNS:]:
                self._remove(Path(entry.path))
            keys = [e for e in _own_entries(self.root, _KEY_DIRECTORY, directories=True)
                    if e.path != str(self.directory)]
            keys.sort(key=lambda e: e.stat(follow_symlinks=False).st_mtime_ns, reverse=True)
            for entry in keys[_KEPT_ANALYSIS_KEYS - 1:]:
                self._remove_analysis_directory(Path(entry.path))
        except OSError:
            pass  # another run pruned first

    def _remove_analysis_directory(self, directory: Path) -> None:
        """Its signed entries, then the directories if nothing else is left in them."""
        for folder, pattern in ((directory / "files", _FILE_ENTRY), (directory / "runs", _RUN_ENTRY)):
            for entry in _own_entries(folder, pattern):
                self._remove(Path(entry.path))
            _remove_empty_directory(folder)
        self._remove(directory / MANIFEST_NAME)
        _remove_empty_directory(directory)

    def _remove(self, path: Path) -> None:
        """Delete ``path`` only if this user's run wrote it (its signature checks)."""
        if self._verified(path) is None:
            return
        try:
            path.unlink()
        except OSError:
            pass


def _own_entries(folder: Path, pattern: re.Pattern[str], directories: bool = False) -> list[os.DirEntry[str]]:
    """The entries of ``folder`` named as this tool names them, regular files (or real
    directories), never links."""
    try:
        with os.scandir(folder) as entries:
            return [
                e for e in entries
                if pattern.fullmatch(e.name)
                and (e.is_dir(follow_symlinks=False) if directories else e.is_file(follow_symlinks=False))
            ]
    except OSError:
        return []


def _remove_empty_directory(path: Path) -> None:
    try:
        os.rmdir(path)
    except OSError:
        pass  # not empty: something this tool did not write is in it, and stays
