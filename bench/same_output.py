"""Check that a change leaves every output byte-identical: the working tree against a
git revision, on every fixture and every benchmark corpus.

    python bench/same_output.py                      # against HEAD
    python bench/same_output.py --against 1a2b3c4    # against another revision
    python bench/same_output.py --only fixtures,lnbits
    python bench/same_output.py --against A --tree B   # two revisions (kept outputs reused)

For each target it runs, once with the revision's package and once with the working
tree's as it was when the script started (a copy: editing on while it runs changes
nothing), each by ``python -m fastapi_rules`` with that copy first on
``PYTHONPATH`` (and the current directory not on it), from the repository's root so that
paths print alike:

* ``scan --no-cache --exit-zero --select FAR`` as text, with its stderr and exit status;
* ``scan --no-cache --exit-zero --select FAR --format json``;
* ``scan --no-cache --exit-zero --select FAR --diff --unsafe-fixes`` (every fix, planned);
* ``routes --no-cache --format json``.

Targets: ``fixtures/`` as one project, ``fixtures/sample_app``, ``fixtures/routes``,
and each corpus that ``../shared/corpora/fetch-corpora`` (or ``bench/run.py``) put in
``$FASTAPI_RULES_CORPORA`` (default ``~/.cache/fastapi-rules-corpora``), at the folder
its header names. A revision's outputs on a corpus are kept under that directory's
``same-output/<commit>/`` and reused; the fixtures are read from the working tree, so
their outputs are worked out afresh on both sides. Exit status 0 when everything is identical,
1 otherwise (the first differing lines of each output are printed).
"""
from __future__ import annotations

import argparse
import difflib
import hashlib
import io
import os
import subprocess
import shutil
import sys
import tarfile
import tempfile
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parent.parent
CORPORA = Path(os.environ.get("FASTAPI_RULES_CORPORA", Path.home() / ".cache" / "fastapi-rules-corpora"))
# corpus -> the folder to scan inside it (the fetch script keeps whole wheels for some)
CORPUS_FOLDERS = {
    "fastapi-docs": ".", "prefect-server": ".", "airflow-api": ".", "lnbits": ".",
    "fastapi-users": ".", "langflow": ".", "open-webui": ".",
    "zenml-server": "zenml/zen_server", "dstack-server": "dstack/_internal/server", "khoj": "khoj",
    "litellm-proxy": "litellm/proxy", "phoenix-server": "phoenix/server",
    "fastapi-utils": ".", "fastapi-restful": ".",
}
SCAN = ["scan", "--no-cache", "--exit-zero", "--select", "FAR"]
COMMANDS = {
    "scan.txt": SCAN,
    "scan.json": [*SCAN, "--format", "json"],
    "fixes.diff": [*SCAN, "--diff", "--unsafe-fixes"],
    "routes.json": ["routes", "--no-cache", "--format", "json"],
}


IN_REPOSITORY = ("fixtures", "sample_app", "routes")  # as the working tree has them: never kept


def targets(only: set[str] | None) -> list[tuple[str, Path]]:
    found = [("fixtures", REPOSITORY / "fixtures"), ("sample_app", REPOSITORY / "fixtures" / "sample_app"),
             ("routes", REPOSITORY / "fixtures" / "routes")]
    for name, folder in CORPUS_FOLDERS.items():
        path = CORPORA / name / folder
        if path.is_dir():
            found.append((name, path))
    return [(n, p) for n, p in found if only is None or n in only]


def commit_of(revision: str) -> str:
    return subprocess.run(["git", "rev-parse", revision], cwd=REPOSITORY, capture_output=True,
                          text=True, check=True).stdout.strip()


def export(commit: str, into: Path) -> Path:
    """The revision's files (``git archive``), without touching the working tree."""
    archive = subprocess.run(["git", "archive", commit], cwd=REPOSITORY, capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data") if sys.version_info >= (3, 12) else tar.extractall(into)  # noqa: S202
    return into


def _environment(package_root: Path) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if k != "FASTAPI_RULES_CACHE_DIR"}
    environment["PYTHONPATH"] = str(package_root)
    environment["PYTHONSAFEPATH"] = "1"  # -m must not put the repository (the current directory) first
    environment["NO_COLOR"] = "1"
    return environment


def check_package(package_root: Path) -> None:
    """Fail unless ``python -m fastapi_rules`` imports the package of ``package_root``."""
    found = subprocess.run(
        [sys.executable, "-c", "import fastapi_rules; print(fastapi_rules.__file__)"], cwd=REPOSITORY,
        capture_output=True, text=True, env=_environment(package_root), check=True,
    ).stdout.strip()
    if Path(found).resolve().parent.parent != package_root.resolve():
        sys.exit(f"same_output: imports {found}, not the package under {package_root}")


def run(package_root: Path, args: list[str], target: Path) -> bytes:
    result = subprocess.run(
        [sys.executable, "-m", "fastapi_rules", *args, str(target)], cwd=REPOSITORY,
        capture_output=True, env=_environment(package_root), timeout=1800, check=False,
    )
    return b"exit %d\n--- stdout\n%s--- stderr\n%s" % (result.returncode, result.stdout, result.stderr)


def outputs(package_root: Path, name: str, target: Path, keep: Path | None) -> dict[str, bytes]:
    found = {}
    for kind, args in COMMANDS.items():
        kept = keep / f"{name}.{kind}" if keep is not None else None
        if kept is not None and kept.is_file():
            found[kind] = kept.read_bytes()
            continue
        found[kind] = run(package_root, args, target)
        if kept is not None:
            kept.parent.mkdir(parents=True, exist_ok=True)
            kept.write_bytes(found[kind])
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--against", default="HEAD", help="the git revision to compare with (default HEAD)")
    parser.add_argument("--tree", default=None, help="a git revision to check instead of the working tree")
    parser.add_argument("--only", default=None, help="comma-separated targets (fixtures, sample_app, routes, corpora)")
    args = parser.parse_args()
    commit = commit_of(args.against)
    only = set(args.only.split(",")) if args.only else None
    keep = CORPORA / "same-output" / commit
    tree_keep = CORPORA / "same-output" / commit_of(args.tree) if args.tree else None
    different = 0
    with tempfile.TemporaryDirectory(prefix="same-output-") as scratch:
        base = export(commit, Path(scratch) / "before")
        working = Path(scratch) / "after"
        if args.tree:
            export(commit_of(args.tree), working)
        else:
            shutil.copytree(REPOSITORY / "fastapi_rules", working / "fastapi_rules",
                            ignore=shutil.ignore_patterns("__pycache__"))
        check_package(base)
        check_package(working)
        for name, target in targets(only):
            # the fixtures are read from the working tree, whichever revision runs: their
            # outputs are worked out afresh on both sides
            fresh = name in IN_REPOSITORY
            before = outputs(base, name, target, None if fresh else keep)
            after = outputs(working, name, target, None if fresh else tree_keep)
            for kind in COMMANDS:
                same = before[kind] == after[kind]
                digest = hashlib.sha256(after[kind]).hexdigest()[:12]
                lines = after[kind].count(b"\n")
                print(f"{'same' if same else 'DIFFERENT':9} {name:16} {kind:12} {lines:7} lines  {digest}", flush=True)
                if not same:
                    different += 1
                    diff = difflib.unified_diff(
                        before[kind].decode(errors="replace").splitlines(),
                        after[kind].decode(errors="replace").splitlines(), "before", "after", lineterm="", n=1)
                    print("\n".join(list(diff)[:40]))
    print(f"{different} output(s) differ from {commit[:12]}" if different else f"all identical to {commit[:12]}")
    return 1 if different else 0


if __name__ == "__main__":
    sys.exit(main())
