"""The pre-commit hook, run by the real `pre-commit try-repo` on a throwaway repository:
it fails on a violation and passes once the code is fixed."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES, REPOSITORY

GIT = ["git", "-c", "user.name=fastapi-rules tests", "-c", "user.email=tests@localhost",
       "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"]


def git(cwd: Path, *args: str) -> str:
    return subprocess.run([*GIT, *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def hook_repository(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The working tree as it is (uncommitted and new files too), committed into a
    repository of its own, so that pre-commit installs exactly this version, once."""
    if shutil.which("git") is None:
        pytest.fail("git is required")
    target = tmp_path_factory.mktemp("hook-repository")
    listed = git(REPOSITORY, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    for name in filter(None, listed.split("\0")):
        source = REPOSITORY / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    git(target, "init", "-q")
    git(target, "add", "-A")
    git(target, "commit", "-q", "-m", "snapshot of the working tree")
    return target


def try_repo(hook_repository: Path, project: Path, home: Path) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PRE_COMMIT_HOME": str(home), "PIP_NO_COMPILE": "1"}
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(hook_repository), "fastapi-rules",
         "--all-files", "--color", "never"],
        cwd=project, env=environment, capture_output=True, text=True, timeout=600,
    )


def test_hook_fails_on_a_violation_and_passes_after_the_fix(hook_repository: Path, tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    git(project, "init", "-q")
    module = project / "queries.py"
    shutil.copy(FIXTURES / "FAR301" / "bad_example.py", module)
    git(project, "add", "queries.py")
    home = tmp_path / "pre-commit-home"

    failing = try_repo(hook_repository, project, home)
    assert failing.returncode == 1, failing.stdout + failing.stderr
    assert "fastapi-rules" in failing.stdout and "Failed" in failing.stdout
    assert "queries.py:" in failing.stdout and "FAR301" in failing.stdout

    shutil.copy(FIXTURES / "FAR301" / "good_example.py", module)
    git(project, "add", "queries.py")
    passing = try_repo(hook_repository, project, home)
    assert passing.returncode == 0, passing.stdout + passing.stderr
    assert "Passed" in passing.stdout and "FAR301" not in passing.stdout
