"""The real flake8, as a subprocess, reports what the CLI reports."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES, REPOSITORY, copy_fixture
from fastapi_rules.api import lint_paths


def flake8(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "FAR", *args],
        cwd=cwd, capture_output=True, text=True, timeout=300,
    )


def triples(output: str, base: Path) -> set[tuple[str, int, str]]:
    found = set()
    for line in output.splitlines():
        path, number, _column, rest = line.split(":", 3)
        found.add((str((base / path).resolve()), int(number), rest.split()[0]))
    return found


def cli_triples(target: Path) -> set[tuple[str, int, str]]:
    return {
        (str(Path(f.path).resolve()), f.line, f.code)
        for f in lint_paths([target], apply_noqa=True).findings
    }


def test_plugin_is_registered() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "flake8", "--version"], capture_output=True, text=True
    )
    assert "fastapi-rules" in result.stdout


def test_sample_app_parity() -> None:
    result = flake8("fixtures/sample_app", cwd=REPOSITORY)
    from_flake8 = triples(result.stdout, REPOSITORY)
    assert from_flake8, result.stderr
    assert from_flake8 == cli_triples(FIXTURES / "sample_app")


@pytest.mark.parametrize(
    "case",
    sorted(
        p
        for p in [*FIXTURES.glob("FAR2*/*_*"), *FIXTURES.glob("FAR30[3-5]/*_*"), *FIXTURES.glob("routes/*")]
        if p.is_dir()
    ),
    ids=lambda p: str(p.relative_to(FIXTURES)),
)
def test_cross_module_parity(tmp_path: Path, case: Path) -> None:
    project = tmp_path / "project"
    copy_fixture(case, project)
    (project / "setup.cfg").write_text("[metadata]\nname = fixture\n")  # marks the root
    from_flake8 = triples(flake8(".", cwd=project).stdout, project)
    assert from_flake8 == cli_triples(project)


def test_flake8_noqa(tmp_path: Path) -> None:
    source = (FIXTURES / "FAR401" / "bad_example.py").read_text()
    (tmp_path / "setup.cfg").write_text("[metadata]\nname = fixture\n")
    target = tmp_path / "handlers.py"
    target.write_text(source)
    first = flake8("handlers.py", cwd=tmp_path)
    assert "FAR401" in first.stdout
    line = int(first.stdout.split(":")[1])
    lines = source.splitlines()
    lines[line - 1] = lines[line - 1].split("  # expect")[0] + "  # noqa: FAR401"
    target.write_text("\n".join(lines) + "\n")
    assert "FAR401" not in flake8("handlers.py", cwd=tmp_path).stdout
