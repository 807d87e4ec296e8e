"""The installed command, run as a subprocess, as users run it."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import FIXTURES, REPOSITORY
from fastapi_rules.rules import ALL_RULES

SAMPLE_APP = FIXTURES / "sample_app"


def run(*args: str, cwd: Path = REPOSITORY) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fastapi_rules", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_sample_app_reports_every_headline_rule() -> None:
    result = run("scan", "fixtures/sample_app")
    assert result.returncode == 1, result.stderr
    codes = {line.split(": ")[1].split()[0] for line in result.stdout.splitlines()}
    assert {"FAR101", "FAR201", "FAR202", "FAR301", "FAR302", "FAR401", "FAR501"} <= codes
    for line in result.stdout.splitlines():
        path, line_number, column, _ = line.split(":", 3)
        assert path.startswith("fixtures/sample_app/") and int(line_number) and int(column)
    assert "Traceback" not in result.stderr
    assert "findings in" in result.stderr


def test_clean_tree_exits_zero() -> None:
    result = run("scan", "fixtures/FAR101/good_example.py")
    assert (result.returncode, result.stdout) == (0, "")


def test_select_and_ignore() -> None:
    only_auth = run("scan", "--select", "FAR2", "fixtures/sample_app")
    codes = {line.split(": ")[1][:6] for line in only_auth.stdout.splitlines()}
    assert codes and all(code.startswith("FAR2") for code in codes)
    without_auth = run("scan", "--ignore", "FAR2", "fixtures/sample_app")
    codes = {line.split(": ")[1][:6] for line in without_auth.stdout.splitlines()}
    assert codes and not any(code.startswith("FAR2") for code in codes)


def test_unknown_select_code_is_a_usage_error() -> None:
    result = run("scan", "--select", "FAR999", "fixtures/sample_app")
    assert result.returncode == 2
    assert "FAR999" in result.stderr and "Traceback" not in result.stderr


def test_missing_path_is_reported_and_the_rest_scanned() -> None:
    result = run("scan", "no/such/dir", "fixtures/FAR301/bad_example.py")
    assert result.returncode == 2
    assert "no/such/dir: no such file or directory" in result.stderr
    assert "FAR301" in result.stdout


def test_directory_without_python_files(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    result = run("scan", str(tmp_path))
    assert result.returncode == 0
    assert "no Python files found" in result.stderr


def test_noqa(tmp_path: Path) -> None:
    source = (FIXTURES / "FAR301" / "bad_example.py").read_text()
    target = tmp_path / "module.py"
    target.write_text(source)
    flagged = run("scan", str(target))
    assert flagged.returncode == 1
    line = int(flagged.stdout.split(":")[1])
    lines = source.splitlines()
    for suffix in ("  # noqa", "  # noqa: FAR301", "  # noqa:FAR3"):
        patched = list(lines)
        patched[line - 1] = patched[line - 1].split("  # expect")[0] + suffix
        target.write_text("\n".join(patched) + "\n")
        assert run("scan", str(target)).returncode == 0, suffix
    patched = list(lines)
    patched[line - 1] = patched[line - 1].split("  # expect")[0] + "  # noqa: FAR201"
    target.write_text("\n".join(patched) + "\n")
    assert run("scan", str(target)).returncode == 1


def test_rules_lists_every_code() -> None:
    result = run("rules")
    assert result.returncode == 0
    listed = [line.split()[0] for line in result.stdout.splitlines()]
    assert listed == [rule.code for rule in ALL_RULES]


def test_help_explains_exit_status() -> None:
    result = run("--help")
    assert result.returncode == 0 and "Exit status" in result.stdout
    assert "noqa" in run("scan", "--help").stdout


def test_exclude_globs(tmp_path: Path) -> None:
    for directory in ("tests", "scripts", "app"):
        (tmp_path / directory).mkdir()
        (tmp_path / directory / "bad.py").write_text((FIXTURES / "FAR301" / "bad_example.py").read_text())
    (tmp_path / "pyproject.toml").write_text(
        "[tool.fastapi-rules]\nexclude = ['tests/', 'scripts/*']\n"
    )
    result = run("scan", str(tmp_path))
    assert result.returncode == 1
    assert {Path(line.split(":")[0]).parent.name for line in result.stdout.splitlines()} == {"app"}


def test_config_options_change_results(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text((FIXTURES / "FAR201" / "bad_example.py").read_text())
    assert run("scan", "--select", "FAR201", str(tmp_path)).returncode == 1
    (tmp_path / ".fastapi-rules.yaml").write_text("auth:\n  global: true\n")
    assert run("scan", "--select", "FAR201", str(tmp_path)).returncode == 0


def test_blocking_max_depth_reaches_further(tmp_path: Path) -> None:
    source = (FIXTURES / "FAR403" / "good_beyond_max_depth.py").read_text()
    (tmp_path / "jobs.py").write_text(source)
    assert run("scan", "--select", "FAR403", str(tmp_path)).returncode == 0
    (tmp_path / ".fastapi-rules.yaml").write_text("blocking:\n  max_depth: 4\n")
    result = run("scan", "--select", "FAR403", str(tmp_path))
    assert result.returncode == 1
    assert "start_job → step_one → step_two → step_three → step_four → time.sleep" in result.stdout
