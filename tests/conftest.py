from __future__ import annotations

import atexit
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
FIXTURES = REPOSITORY / "fixtures"
# The CLI and the flake8 plugin keep a cache beside the config they find; the tests'
# runs keep theirs out of the checkout (test_cache.py checks the default place), and
# the user's cache directory, which holds the key that signs entries, is the suite's own.
if "FASTAPI_RULES_CACHE_DIR" not in os.environ:
    os.environ["FASTAPI_RULES_CACHE_DIR"] = tempfile.mkdtemp(prefix="fastapi-rules-tests-")
    atexit.register(shutil.rmtree, os.environ["FASTAPI_RULES_CACHE_DIR"], True)
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="fastapi-rules-tests-home-")
atexit.register(shutil.rmtree, os.environ["XDG_CACHE_HOME"], True)


def copy_fixture(source: Path, destination: Path) -> Path:
    """A fixture project copied as it is in the repository: without the cache a scan
    of it in place leaves (the README's first command does) or bytecode."""
    shutil.copytree(source, destination, ignore=shutil.ignore_patterns(".fastapi_rules_cache", "__pycache__"))
    return destination


def environment_without_cache_dir() -> dict[str, str]:
    """This process's environment without the suite's shared cache: for runs that
    test where the cache goes, or that it was not already filled."""
    return {k: v for k, v in os.environ.items() if k != "FASTAPI_RULES_CACHE_DIR"}
MARKER = re.compile(r"#\s*expect:\s*(FAR\d{3}(?:\s*,\s*FAR\d{3})*)")


def expected_markers(case: Path) -> set[tuple[Path, int, str]]:
    """(file, line, code) for every ``# expect:`` marker in a fixture file or directory."""
    files = [case] if case.is_file() else sorted(case.rglob("*.py"))
    found = set()
    for path in files:
        text = path.read_bytes().decode("utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), start=1):
            match = MARKER.search(line)
            if match:
                for code in re.split(r"\s*,\s*", match.group(1)):
                    found.add((path.resolve(), number, code))
    return found


def run_on_terminal(
    args: list[str], cwd: Path, env: dict[str, str] | None = None, stream: str = "stdout"
) -> str:
    """``python -m fastapi_rules ARGS`` with its stdout or stderr on a pseudo-terminal,
    as a user at a shell sees it; the other stream is discarded."""
    import pty

    controller, terminal = pty.openpty()
    outputs = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, stream: terminal}
    process = subprocess.Popen(
        [sys.executable, "-m", "fastapi_rules", *args],
        cwd=cwd, stdout=outputs["stdout"], stderr=outputs["stderr"],
        env={**os.environ, **(env or {})},
    )
    os.close(terminal)
    chunks = []
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the terminal closes when the process exits
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=120)
    os.close(controller)
    return b"".join(chunks).decode()
