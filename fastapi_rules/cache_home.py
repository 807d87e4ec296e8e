"""Where a cache may live, which directories are a cache's, and the key that signs entries.

A scanned checkout is not trusted: it can commit a cache folder full of planted
entries, or name any directory as its ``cache-dir``. So the cache

* deletes only inside a directory that carries its tag (``CACHEDIR.TAG`` naming
  fastapi-rules), which it writes only into a directory it created or found empty;
* reads only entries signed with a key that no checkout holds: 32 random bytes in
  the user's own cache directory (``$XDG_CACHE_HOME/fastapi-rules/key``, mode 0600),
  made on first use;
* lives in the user's cache directory, under a name derived from the project's
  path, when the project has no configuration file or cannot be written.
"""
from __future__ import annotations

import errno
import os
import stat
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Literal

CACHE_DIRECTORY_NAME = ".fastapi_rules_cache"
TAG_NAME = "CACHEDIR.TAG"
TAG_SIGNATURE = b"Signature: 8a477f597d28d172789f06886806bc55"  # https://bford.info/cachedir/
TAG = TAG_SIGNATURE + b"\n# This directory is a cache created by fastapi-rules.\n"
GITIGNORE = b"# Created by fastapi-rules\n*\n"
KEY_NAME = "key"
KEY_BYTES = 32

# a planted link is not followed, a planted FIFO does not block the open
_READ_NO_FOLLOW = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)

RootState = Literal["ours", "absent", "empty", "foreign", "not a directory"]


class CacheDirError(ValueError):
    """The cache directory asked for is something fastapi-rules must not write into."""


def user_cache_home() -> Path | None:
    """``$XDG_CACHE_HOME/fastapi-rules``, else ``~/.cache/fastapi-rules``; None without a home."""
    configured = os.environ.get("XDG_CACHE_HOME", "")
    if os.path.isabs(configured):
        return Path(configured) / "fastapi-rules"
    try:
        return Path.home() / ".cache" / "fastapi-rules"
    except (RuntimeError, KeyError):  # no HOME and no password entry
        return None


def project_directory_in_home(anchor: Path) -> Path | None:
    """The user-level cache of the project at ``anchor``: one directory per project path."""
    import hashlib  # noqa: PLC0415 - only for a project without a place of its own

    home = user_cache_home()
    if home is None:
        return None
    name = hashlib.sha256(os.fsencode(str(anchor.resolve()))).hexdigest()[:16]
    return home / "projects" / name


def root_state(root: Path) -> RootState:
    """Whether ``root`` is a cache this tool tagged, absent, an empty directory, or
    something else (a directory with other content, a file)."""
    try:
        status = root.stat()
    except FileNotFoundError:
        return "absent"
    except OSError:
        return "not a directory"
    if not stat.S_ISDIR(status.st_mode):
        return "not a directory"
    if is_tagged(root):
        return "ours"
    try:
        with os.scandir(root) as entries:
            return "foreign" if next(entries, None) is not None else "empty"
    except OSError:
        return "foreign"


def is_tagged(root: Path) -> bool:
    """A regular file ``CACHEDIR.TAG`` (not a link) with the signature and our name."""
    found = read_regular_file(root / TAG_NAME, 512)
    return found is not None and found[1].startswith(TAG_SIGNATURE) and b"fastapi-rules" in found[1]


def read_regular_file(path: Path, limit: int = -1) -> tuple[os.stat_result, bytes] | None:
    """The status and bytes (``limit`` at most) of ``path`` when it is a regular file;
    None for a link, a FIFO, a device, or nothing there. A scanned checkout can plant
    any of them where the cache reads: a link is not followed, a FIFO does not block."""
    try:
        descriptor = os.open(path, _READ_NO_FOLLOW)
    except OSError:
        return None
    with open(descriptor, "rb") as stream:
        try:
            status = os.fstat(descriptor)
            return (status, stream.read(limit)) if stat.S_ISREG(status.st_mode) else None
        except OSError:
            return None


def claim(root: Path) -> bool:
    """Make ``root`` this tool's cache: create it (and its parents) when absent, tag it
    when empty; a directory with someone else's content is refused (False)."""
    state = root_state(root)
    if state == "ours":
        return True
    try:
        if state == "absent":
            _create_tagged(root)
        elif state == "empty":
            _mark(root)
    except OSError:
        return False
    return is_tagged(root)


def _create_tagged(root: Path) -> None:
    """The directory made and tagged beside ``root``, then renamed into place: a run
    starting meanwhile sees no directory or a tagged one, never a half-made one."""
    root.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{root.name}.", dir=root.parent))
    try:
        _mark(staging)
        os.rename(staging, root)
    except OSError:
        pass  # another run made it first (or it is no longer ours to make): see below
    finally:
        if staging.exists():
            for name in (".gitignore", TAG_NAME):
                (staging / name).unlink(missing_ok=True)
            staging.rmdir()


def _mark(directory: Path) -> None:
    _write_new(directory / TAG_NAME, TAG)  # tells backup tools what it is
    _write_new(directory / ".gitignore", GITIGNORE)  # as ruff and pytest do: it ignores itself


def _write_new(path: Path, data: bytes, mode: int = 0o666) -> None:
    """Create ``path`` with ``data`` unless something is there already (never follow or
    replace what another process or the checkout put there)."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    except FileExistsError:
        return
    with os.fdopen(descriptor, "wb") as stream:
        stream.write(data)


@lru_cache(maxsize=1)
def signing_key() -> bytes | None:
    """This user's key for cache entries, made on first use; None when the user's cache
    directory cannot hold one safely (then there is no cache)."""
    home = user_cache_home()
    if home is None:
        return None
    try:
        home.mkdir(mode=0o700, parents=True, exist_ok=True)
        status = os.lstat(home)
        if not stat.S_ISDIR(status.st_mode) or not _private_to_this_user(status, writable_only=True):
            return None
        try:
            key = _read_key(home / KEY_NAME)
        except OSError:  # readable by others, or not a key: never trust it, replace it
            return _new_key(home / KEY_NAME, replace=True)
        return key if key is not None else _new_key(home / KEY_NAME)
    except OSError:
        return None


def _private_to_this_user(status: os.stat_result, writable_only: bool = False) -> bool:
    if hasattr(os, "geteuid") and status.st_uid != os.geteuid():
        return False
    others = 0o022 if writable_only else 0o077
    return os.name != "posix" or status.st_mode & others == 0


def _read_key(path: Path) -> bytes | None:
    """The key, None when there is none yet; OSError when what is there is no key of
    this user's alone (a link, a file others may read, the wrong size)."""
    found = read_regular_file(path, KEY_BYTES + 1)
    if found is None:
        if not os.path.lexists(path):
            return None
        raise OSError(errno.EPERM, "the cache key is not a regular file", str(path))
    status, key = found
    if not _private_to_this_user(status):
        raise OSError(errno.EPERM, "the cache key is not this user's alone", str(path))
    if len(key) != KEY_BYTES:
        raise OSError(errno.EINVAL, "the cache key is malformed", str(path))
    return key


def _new_key(path: Path, replace: bool = False) -> bytes:
    """Random bytes in a private temporary file, linked into place: a process that
    races this one keeps whichever key was linked first, and reads it whole."""
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".key.")  # mode 0600
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(os.urandom(KEY_BYTES))
        if replace:
            os.replace(temporary, path)
            return _checked_key(path)
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
    finally:
        if os.path.lexists(temporary):
            os.unlink(temporary)
    return _checked_key(path)


def _checked_key(path: Path) -> bytes:
    key = _read_key(path)
    if key is None:
        raise OSError(errno.ENOENT, "the cache key vanished", str(path))
    return key
