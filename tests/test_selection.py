"""Which rules run and which findings are kept: select/ignore, their extend- forms
and per-file-ignores, from the config file and the command line."""
from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES
from fastapi_rules.config import Config
from fastapi_rules.engine import lint
from fastapi_rules.selection import selected_rules
from fastapi_rules.rules import ALL_RULES
from test_cli import run

DEFAULT_CODES = {rule.code for rule in ALL_RULES if rule.default_enabled}
OPT_IN = next(rule.code for rule in ALL_RULES if not rule.default_enabled)


def codes(config: Config) -> set[str]:
    return {rule.code for rule in selected_rules(config)}


def test_extend_select_adds_to_the_defaults() -> None:
    assert codes(Config()) == DEFAULT_CODES
    assert codes(Config(extend_select=(OPT_IN,))) == DEFAULT_CODES | {OPT_IN}


def test_extend_ignore_adds_to_ignore() -> None:
    config = Config(ignore=("FAR1",), extend_ignore=("FAR2",))
    assert codes(config) == {c for c in DEFAULT_CODES if not c.startswith(("FAR1", "FAR2"))}


def test_the_more_specific_prefix_wins() -> None:
    # as in ruff and flake8: a full code selected beats an ignored prefix, and the reverse
    assert codes(Config(select=("FAR201",), ignore=("FAR2",))) == {"FAR201"}
    assert "FAR201" not in codes(Config(select=("FAR2",), ignore=("FAR201",)))
    assert codes(Config(select=("FAR2",), ignore=("FAR2",))) == set()


def _project(tmp_path: Path, config: str) -> Path:
    for directory in ("app", "tests"):
        (tmp_path / directory).mkdir()
        shutil.copy(FIXTURES / "FAR301" / "bad_example.py", tmp_path / directory / "queries.py")
    (tmp_path / "pyproject.toml").write_text(config)
    return tmp_path


def test_per_file_ignores_in_config(tmp_path: Path) -> None:
    project = _project(
        tmp_path, '[tool.fastapi-rules]\nselect = ["FAR301"]\n\n'
        '[tool.fastapi-rules.per-file-ignores]\n"tests/*" = ["FAR3"]\n'
    )
    result = run("scan", ".", cwd=project)
    assert result.returncode == 1, result.stderr
    files = {line.split(":")[0] for line in result.stdout.splitlines()}
    assert files == {"app/queries.py"}


def test_per_file_ignores_match_a_file_name_and_only_their_codes(tmp_path: Path) -> None:
    project = _project(tmp_path, '[tool.fastapi-rules]\nselect = ["FAR301"]\n')
    every = lint([project], Config(select=("FAR301",), path=project / "pyproject.toml")).findings
    assert {Path(f.path).parent.name for f in every} == {"app", "tests"}
    by_name = Config(select=("FAR301",), per_file_ignores=(("queries.py", ("FAR301",)),),
                     path=project / "pyproject.toml")
    assert lint([project], by_name).findings == []
    other_code = dataclasses.replace(by_name, per_file_ignores=(("queries.py", ("FAR2",)),))
    assert lint([project], other_code).findings == every


def test_extend_flags_on_the_command_line(tmp_path: Path) -> None:
    project = _project(tmp_path, '[tool.fastapi-rules]\nignore = ["FAR3"]\n')
    assert "FAR301" not in run("scan", ".", cwd=project).stdout
    assert "FAR301" in run("scan", "--extend-select", "FAR301", ".", cwd=project).stdout
    assert "FAR301" in run("scan", "--ignore", "FAR2", ".", cwd=project).stdout
    both = run("scan", "--select", "FAR301", "--extend-ignore", "FAR301", ".", cwd=project)
    assert both.returncode == 0 and both.stdout == ""
    assert run("scan", "--extend-select", "FAR999", ".", cwd=project).returncode == 2


@pytest.mark.parametrize(
    "content,message",
    [
        ("[tool.fastapi-rules]\nextend-select = 'FAR2'\n", "`extend-select`: expected a list of strings"),
        ("[tool.fastapi-rules]\nextend-ignore = ['FAR9999']\n", "`extend-ignore`: unknown rule code 'FAR9999'"),
        ("[tool.fastapi-rules]\nper-file-ignores = ['tests/*']\n",
         "`per-file-ignores`: expected a table of file globs to lists of codes"),
        ("[tool.fastapi-rules.per-file-ignores]\n'tests/*' = 'FAR2'\n",
         "`per-file-ignores.tests/*`: expected a list of strings"),
        ("[tool.fastapi-rules.per-file-ignores]\n'tests/*' = ['FAR2999']\n",
         "`per-file-ignores.tests/*`: unknown rule code 'FAR2999'"),
    ],
)
def test_invalid_selection_config(tmp_path: Path, content: str, message: str) -> None:
    (tmp_path / "pyproject.toml").write_text(content)
    (tmp_path / "app.py").write_text("x = 1\n")
    result = run("scan", str(tmp_path))
    assert result.returncode == 2, result.stdout
    assert "pyproject.toml" in result.stderr and message in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_yaml_per_file_ignores(tmp_path: Path) -> None:
    project = _project(tmp_path, "")
    (project / "pyproject.toml").unlink()
    (project / ".fastapi-rules.yaml").write_text(
        "select: [FAR301]\nper-file-ignores:\n  'app/*': [FAR301]\n"
    )
    result = run("scan", ".", cwd=project)
    assert {line.split(":")[0] for line in result.stdout.splitlines()} == {"tests/queries.py"}


def test_the_readme_configuration_example_is_valid(tmp_path: Path) -> None:
    from conftest import REPOSITORY
    from fastapi_rules.api import KNOWN_CODES
    from fastapi_rules.config import load_config

    readme = (REPOSITORY / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Configuration", 1)[1]
    example = section.split("```toml\n", 1)[1].split("```", 1)[0]
    (tmp_path / "pyproject.toml").write_text(example)
    config = load_config(tmp_path / "pyproject.toml", KNOWN_CODES)
    assert config.extend_select and config.extend_ignore and config.per_file_ignores
