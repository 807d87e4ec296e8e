"""The cache: same findings as a cold run, nothing parsed that did not change,
never trusted when corrupt or planted, safe when shared."""
from __future__ import annotations

import dataclasses
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import FIXTURES, copy_fixture, environment_without_cache_dir
from fastapi_rules import engine, result, source
from fastapi_rules import cache as cache_module
from fastapi_rules.cache import CACHE_DIRECTORY_NAME, CacheDirError
from fastapi_rules.config import Config
from fastapi_rules.engine import lint
from fastapi_rules.incremental import open_cache


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "app"
    copy_fixture(FIXTURES / "sample_app", root)
    return root


def _cold(root: Path, config: Config | None = None) -> list:
    return lint([root], config or Config()).findings


def _warm(root: Path, cache_dir: Path, config: Config | None = None, keep_project: bool = False):
    config = config or Config()
    with open_cache(cache_dir, config) as cache:
        return lint([root], config, cache=cache, keep_project=keep_project)


@pytest.fixture
def parses(monkeypatch) -> list[str]:
    """The files the engine parses, in order."""
    seen: list[str] = []
    real = source.analyse_bytes

    def counting(data, shown, extra, module_id):
        seen.append(Path(shown).name)
        return real(data, shown, extra, module_id)

    monkeypatch.setattr(source, "analyse_bytes", counting)
    return seen


def test_warm_runs_parse_only_what_changed(project: Path, tmp_path: Path, parses: list[str]) -> None:
    cache_dir = tmp_path / "cache"
    cold = _cold(project)
    assert cold and len(parses) == 10
    parses.clear()
    assert _warm(project, cache_dir).findings == cold  # fills the cache
    assert len(parses) == 10
    parses.clear()
    assert _warm(project, cache_dir).findings == cold
    assert parses == []  # the whole run came from the cache
    target = project / "app" / "routes" / "orders.py"
    os.utime(target, ns=(1, 1))  # touched: new stat data, same bytes
    assert _warm(project, cache_dir).findings == cold
    assert parses == []
    target.write_text(target.read_text() + "\n\ndef helper():\n    return 1\n")
    edited = _cold(project)
    parses.clear()
    assert _warm(project, cache_dir).findings == edited
    assert parses == ["orders.py"]


def test_an_edit_in_one_module_changes_findings_in_another(project: Path, tmp_path: Path) -> None:
    # the index is rebuilt from cached summaries: a dependency losing its auth
    # name makes routes elsewhere unauthenticated
    cache_dir = tmp_path / "cache"
    before = _warm(project, cache_dir).findings
    deps = project / "app" / "deps.py"
    deps.write_text(deps.read_text().replace("get_current_user", "get_visitor"))
    after = _warm(project, cache_dir).findings
    assert after == _cold(project) and after != before


@pytest.fixture
def reruns(monkeypatch) -> list[int]:
    """How many times the rules ran over the whole project."""
    runs: list[int] = []
    real = engine._lint_scanned

    def counting(*args, **kwargs):
        runs.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(engine, "_lint_scanned", counting)
    return runs


def _same_report(warm: result.LintResult, cold: result.LintResult) -> None:
    assert (warm.findings, warm.suppressed, warm.files) == (cold.findings, cold.suppressed, cold.files)
    assert warm.sources == {path: lines for path, lines in cold.sources.items()}


def test_an_edit_that_keeps_every_summary_reruns_no_rule(
    project: Path, tmp_path: Path, parses: list[str], reruns: list[int]
) -> None:
    """A comment, or a ``# noqa`` on a reported line: only that file is parsed, its
    summary is as before, so the last run's findings stand with its noqa comments
    and source lines read again; an edit that moves a line reruns everything."""
    cache_dir = tmp_path / "cache"
    _warm(project, cache_dir)
    target = project / "app" / "routes" / "orders.py"
    reported = next(f for f in _cold(project) if f.path.endswith("orders.py"))
    lines = target.read_text().split("\n")
    edits = [
        lambda text: text + "# a closing comment\n",
        lambda text: "\n".join(
            f"{line}  # noqa: {reported.code}" if number == reported.line else line
            for number, line in enumerate(text.split("\n"), start=1)
        ),
        lambda text: text.replace(lines[reported.line - 1], lines[reported.line - 1] + "  # reviewed", 1),
    ]
    for edit in edits:
        target.write_text(edit(target.read_text()))
        parses.clear()
        reruns.clear()
        cold = lint([project], Config())
        assert reruns == [1]
        reruns.clear()
        parses.clear()
        _same_report(_warm(project, cache_dir), cold)
        assert parses == ["orders.py"] and reruns == []
    assert _warm(project, cache_dir).suppressed == 1  # the noqa comment counted

    target.write_text("# a new first line moves every position\n" + target.read_text())
    cold = lint([project], Config())
    reruns.clear()
    _same_report(_warm(project, cache_dir), cold)
    assert reruns == [1]


def test_an_edit_after_an_undo_reruns_no_rule(
    project: Path, tmp_path: Path, parses: list[str], reruns: list[int]
) -> None:
    """Edit, undo, edit again: the undo is answered whole from the cache, and the
    second edit is still compared with the file as it was (its entry survives the
    pruning of the first edit's run)."""
    cache_dir = tmp_path / "cache"
    target = project / "app" / "routes" / "orders.py"
    original = target.read_text()
    _warm(project, cache_dir)
    for comment in ("# first edit\n", None, "# second edit\n", None, "# third edit\n"):
        target.write_text(original + comment if comment else original)
        cold = lint([project], Config())
        reruns.clear()
        parses.clear()
        _same_report(_warm(project, cache_dir), cold)
        assert reruns == []
        assert parses == ([] if comment is None else ["orders.py"])


def test_a_summary_placed_by_a_second_parse_is_not_reused(
    project: Path, tmp_path: Path, monkeypatch, reruns: list[int]
) -> None:
    """A module that did not need positions (``located`` False) has findings placed
    by a second parse of its text, which an edit can move without changing the
    summary: its findings are worked out again."""
    real = source.analyse_bytes

    def unlocated(*args):
        result = real(*args)
        if result.summary is not None:
            result.summary = dataclasses.replace(result.summary, located=False)
        return result

    monkeypatch.setattr(source, "analyse_bytes", unlocated)
    cache_dir = tmp_path / "cache"
    _warm(project, cache_dir)
    target = project / "app" / "routes" / "orders.py"
    target.write_text(target.read_text() + "# a closing comment\n")
    reruns.clear()
    assert _warm(project, cache_dir).findings == _cold(project)
    assert reruns == [1, 1]  # the warm run, then the cold one
    untouched = project / "app" / "__init__.py"  # no findings: nothing to place
    untouched.write_text(untouched.read_text() + "# a closing comment\n")
    reruns.clear()
    assert _warm(project, cache_dir).findings == _cold(project)
    assert reruns == [1]  # the cold one only


def test_the_run_is_keyed_by_the_configuration(project: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    for select in (("FAR2",), ("FAR4",), ("FAR2",), None):
        config = Config(select=select)
        assert _warm(project, cache_dir, config).findings == _cold(project, config)
    with open_cache(cache_dir, Config()) as cache:
        noqa_off = lint([project], Config(), apply_noqa=False, cache=cache)
    assert noqa_off.findings == lint([project], Config(), apply_noqa=False).findings


def test_corrupt_entries_are_misses(project: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    cold = _cold(project)
    _warm(project, cache_dir)
    entries = [p for p in cache_dir.rglob("*.pickle")]
    assert len(entries) >= 12  # 10 files, the run, the manifest
    for number, entry in enumerate(entries):
        data = entry.read_bytes()
        entry.write_bytes(data[: len(data) // 2] if number % 2 else b"not a pickle")
    assert _warm(project, cache_dir).findings == cold
    assert _warm(project, cache_dir).findings == cold


class _Planted:
    def __reduce__(self):
        return (os.system, (f"touch {MARKER}",))


MARKER = Path(os.environ.get("TMPDIR", "/tmp")) / f"fastapi-rules-planted-{os.getpid()}"


def test_a_planted_pickle_runs_nothing(project: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    cold = _cold(project)
    _warm(project, cache_dir)
    for entry in cache_dir.rglob("*.pickle"):
        entry.write_bytes(pickle.dumps(_Planted()))
    assert _warm(project, cache_dir).findings == cold
    assert not MARKER.exists()


def test_a_file_where_the_cache_would_go_is_refused(project: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the directory would go")
    with pytest.raises(CacheDirError, match="not a directory"):
        open_cache(blocker, Config())
    refused = _cli(["scan", "--cache-dir", str(blocker), "."], project)
    assert refused.returncode == 2
    assert refused.stderr.startswith("fastapi-rules: error: ") and refused.stderr.count("\n") == 1
    assert str(blocker) in refused.stderr
    assert blocker.read_text() == "a file where the directory would go"


def test_an_unwritable_cache_is_no_cache(project: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(cache_module, "claim", lambda root: False)  # a read-only file system
    assert _warm(project, tmp_path / "cache").findings == _cold(project)
    assert not (tmp_path / "cache").exists()


def test_pruned_to_the_files_that_exist(project: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    _warm(project, cache_dir)
    files = lambda: sorted(p.name for p in cache_dir.rglob("files/*.pickle"))  # noqa: E731
    assert len(files()) == 10
    (project / "app" / "routes" / "orders.py").unlink()
    _warm(project, cache_dir)
    assert len(files()) == 9


def test_jobs_and_cache_give_the_cold_serial_answer() -> None:
    serial = lint([FIXTURES / "routes"], Config()).findings
    assert lint([FIXTURES / "routes"], Config(), jobs=2).findings == serial


def _cli(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    environment = environment_without_cache_dir()
    return subprocess.run(
        [sys.executable, "-m", "fastapi_rules", *args], cwd=cwd, capture_output=True, text=True,
        timeout=120, env={**environment, **(env or {})},
    )


def test_cli_default_place_flag_variable_and_no_cache(project: Path, tmp_path: Path) -> None:
    cold = _cli(["scan", "--no-cache", "."], project)
    assert cold.returncode == 1 and not (project / CACHE_DIRECTORY_NAME).exists()
    warm = _cli(["scan", "."], project)
    assert (warm.returncode, warm.stdout) == (1, cold.stdout)
    # beside the config file when there is one, else in the current directory
    assert (project / CACHE_DIRECTORY_NAME / ".gitignore").read_text().endswith("*\n")
    flagged = _cli(["scan", "--cache-dir", str(tmp_path / "flag"), "."], project)
    from_variable = _cli(["scan", "."], project, {"FASTAPI_RULES_CACHE_DIR": str(tmp_path / "env")})
    assert flagged.stdout == from_variable.stdout == cold.stdout
    assert (tmp_path / "flag").is_dir() and (tmp_path / "env").is_dir()
    # the flag wins over the variable, as in ruff
    both = _cli(["scan", "--cache-dir", str(tmp_path / "both"), "."], project,
                {"FASTAPI_RULES_CACHE_DIR": str(tmp_path / "ignored")})
    assert both.stdout == cold.stdout
    assert (tmp_path / "both").is_dir() and not (tmp_path / "ignored").exists()


def test_concurrent_runs_share_one_cache(project: Path, tmp_path: Path) -> None:
    expected = _cli(["scan", "--no-cache", "."], project).stdout
    environment = environment_without_cache_dir()
    runs = [
        subprocess.Popen(
            [sys.executable, "-m", "fastapi_rules", "scan", "--cache-dir", str(tmp_path / "shared"), "."],
            cwd=project, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment,
        )
        for _ in range(3)
    ]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [1, 1, 1]
    assert all(stdout == expected for stdout, _ in outputs)
    again = _cli(["scan", "--cache-dir", str(tmp_path / "shared"), "."], project)
    assert again.stdout == expected
