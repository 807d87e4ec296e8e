"""Writing a report or a baseline all at once: a reader never sees half a file."""
from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path


def check_writable(path: Path) -> None:
    """Fail early, before a long scan, when ``path`` cannot be written (OSError)."""
    directory = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, "it is a directory")
    if not directory.is_dir():
        raise FileNotFoundError(errno.ENOENT, f"no such directory {directory}")
    if not os.access(directory, os.W_OK | os.X_OK):
        raise PermissionError(errno.EACCES, f"directory {directory} is not writable")


def write_atomically(path: Path, text: str) -> None:
    """``text`` as UTF-8, with ``write_bytes_atomically``."""
    write_bytes_atomically(path, text.encode("utf-8"))


def write_bytes_atomically(path: Path, data: bytes, durable: bool = True) -> None:
    """A temporary file in the same directory, then ``os.replace`` over ``path``
    (atomic on POSIX and Windows when both are on one file system). An existing
    file's permission bits are kept. ``durable=False`` skips the fsync: for a cache,
    whose lost or torn entries are only misses."""
    directory = path.parent if str(path.parent) else Path(".")
    descriptor, temporary = tempfile.mkstemp(dir=directory, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
            if durable:
                stream.flush()
                os.fsync(stream.fileno())
        if path.exists():
            os.chmod(temporary, path.stat().st_mode & 0o7777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
