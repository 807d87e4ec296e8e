"""Every invalid configuration: exit status 2 and one line naming the file, the key
(or line:col) and what is expected. Most rows run the click app in-process; a few run
the installed command as a subprocess."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from fastapi_rules.cli import main

P, Y = "pyproject.toml", ".fastapi-rules.yaml"
# (file, content, where: the key or line:col, the fix: what is expected)
INVALID_CONFIGS = [
    (P, "[tool.fastapi-rules]\nslect = ['FAR2']\n", "unknown key `slect`", "expected one of `select`"),
    (Y, "slect: [FAR2]\n", "unknown key `slect`", "expected one of `select`"),
    (P, "[tool.fastapi-rules]\nselect = 'FAR2'\n", "`select`", "expected a list of strings"),
    (Y, "select:\n", "`select`", "expected a list of strings, got nothing (null)"),
    (P, "[tool.fastapi-rules]\nexclude = [1]\n", "`exclude`", "expected a list of strings"),
    (P, "[tool.fastapi-rules]\nselect = ['FAR9']\n", "`select`: unknown rule code 'FAR9'", "expected a code or prefix"),
    (P, "[tool.fastapi-rules]\nignore = ['E501']\n", "`ignore`: unknown rule code 'E501'", "expected a code or prefix"),
    (P, "[tool.fastapi-rules]\nselect = ['']\n", "`select`: unknown rule code ''", "expected a code or prefix"),
    (P, "[tool.fastapi-rules]\nexclude = ['']\n", "`exclude`", "expected non-empty names or glob patterns"),
    (Y, "exclude: ['/']\n", "`exclude`", "expected non-empty names or glob patterns"),
    (Y, "auth:\n  patterns: ['get_user', ' ']\n", "`auth.patterns`", "expected non-empty names or glob patterns"),
    (P, "[tool.fastapi-rules.auth]\nglobal = 'yes'\n", "`auth.global`", "expected true or false"),
    (P, "[tool.fastapi-rules.auth]\npatern = []\n", "unknown key `auth.patern`", "expected one of `auth.patterns`"),
    (P, "[tool.fastapi-rules]\nauth = ['x']\n", "`auth`", "expected a table of options"),
    (P, "[tool.fastapi-rules.errors]\npreset = 'rfc7807'\n", "`errors.preset`", "expected one of"),
    (Y, "errors:\n  preset: [seeds]\n", "`errors.preset`", "expected a string"),
    (Y, "blocking:\n  extra: mylib.fetch\n", "`blocking.extra`", "expected a list of strings"),
    (Y, "blocking:\n  max_depth: 0\n", "`blocking.max_depth`", "expected a whole number"),
    (P, "[tool.fastapi-rules.blocking]\nmax-depth = '3'\n", "`blocking.max-depth`", "expected a whole number"),
    (Y, "blocking:\n  max_depth: 2.5\n", "`blocking.max_depth`", "expected a whole number"),
    (Y, "versioning:\n  pattern: '/api/v(\\d+'\n", "`versioning.pattern`", "expected a regular expression"),
    (P, "[tool.fastapi-rules\nselect = [\n", f"{P}:1:20: invalid TOML", "Expected ']'"),
    (P, "[tool.fastapi-rules]\nselect = [\n", f"{P}: invalid TOML", "Invalid value (at end of document)"),
    (Y, "select: [FAR2\n", f"{Y}:2:1: invalid YAML", "expected ',' or ']'"),
    (Y, "auth:\n  global: true\n bad: 1\n", f"{Y}:3:2: invalid YAML", ""),
    (Y, "", "the file is empty", "expected a table of settings"),
    (Y, "# nothing yet\n", "no settings in the file", "expected a table of settings"),
    (P, "", "the file is empty", "expected a table of settings"),
    (Y, "- FAR2\n", "the top level is a list", "expected a table of settings"),
    (Y, "just text\n", "the top level is a string", "expected a table of settings"),
    (P, "tool = 'fastapi-rules'\n", "`tool`", "expected a table"),
    (P, "[tool]\nfastapi-rules = ['FAR2']\n", "`tool.fastapi-rules`", "expected a table of settings"),
]


def assert_one_error_line(stderr: str, config: Path, where: str, fix: str) -> None:
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith(f"fastapi-rules: error: {config}"), stderr
    assert where in lines[0] and fix in lines[0], stderr
    assert "Traceback" not in stderr


@pytest.mark.parametrize("name,content,where,fix", INVALID_CONFIGS)
def test_invalid_config_exits_2_naming_file_and_key(
    tmp_path: Path, name: str, content: str, where: str, fix: str
) -> None:
    config = tmp_path / name
    config.write_text(content)
    (tmp_path / "app.py").write_text("x = 1\n")
    result = CliRunner().invoke(main, ["scan", "--config", str(config), str(tmp_path)])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert_one_error_line(result.stderr, config, where, fix)


@pytest.mark.parametrize("row", [0, 21, 23], ids=["unknown-key", "toml-syntax", "yaml-syntax"])
def test_found_config_errors_through_the_installed_command(tmp_path: Path, row: int) -> None:
    name, content, where, fix = INVALID_CONFIGS[row]
    (tmp_path / name).write_text(content)
    (tmp_path / "app.py").write_text("x = 1\n")
    result = subprocess.run(
        [sys.executable, "-m", "fastapi_rules", "scan", "."],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 2 and result.stdout == ""
    assert_one_error_line(result.stderr, tmp_path / name, where, fix)


def test_pyproject_without_our_table_is_not_a_config_unless_given(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    (tmp_path / "app.py").write_text("x = 1\n")
    assert CliRunner().invoke(main, ["scan", str(tmp_path)]).exit_code == 0
    given = CliRunner().invoke(main, ["scan", "--config", str(tmp_path / "pyproject.toml"), str(tmp_path)])
    assert given.exit_code == 2
    assert_one_error_line(given.stderr, tmp_path / "pyproject.toml", "no [tool.fastapi-rules] table", "add one")


def test_a_valid_config_still_loads(tmp_path: Path) -> None:
    (tmp_path / ".fastapi-rules.yaml").write_text(
        "exclude: ['tests/']\nauth:\n  public_paths: ['/']\n  global: true\n"
    )
    (tmp_path / "app.py").write_text("x = 1\n")
    assert CliRunner().invoke(main, ["scan", str(tmp_path)]).exit_code == 0
