"""Engine behaviour: rule isolation, determinism, module names, bad input."""
from __future__ import annotations

import gc
import os
from pathlib import Path

import pytest

from conftest import FIXTURES
from fastapi_rules.config import Config
from fastapi_rules.discovery import module_name, module_names
from fastapi_rules.engine import lint


def test_failing_rule_is_isolated(monkeypatch) -> None:
    from fastapi_rules.rules.far301_interpolated_sql import InterpolatedSql

    def explode(self, summary, project):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(InterpolatedSql, "check", explode)
    result = lint([FIXTURES / "sample_app"], Config())
    internal = [f for f in result.findings if f.code == "FAR000"]
    assert internal and all("FAR301" in f.message and "ZeroDivisionError" in f.message for f in internal)
    codes = {f.code for f in result.findings}
    assert {"FAR201", "FAR401", "FAR302"} <= codes and "FAR301" not in codes
    assert all("ZeroDivisionError: boom" in result.tracebacks[f] for f in internal)


@pytest.fixture(scope="module")
def fixture_findings() -> list:
    """Every fixture linted as one project, serially: the reference answer."""
    return lint([FIXTURES], Config()).findings


def test_output_is_deterministic(fixture_findings: list) -> None:
    assert fixture_findings == sorted(fixture_findings)
    # the same again, parsed in two processes
    assert lint([FIXTURES], Config(), jobs=2).findings == fixture_findings


def test_rules_in_forked_workers_give_the_serial_answer(monkeypatch, tmp_path: Path) -> None:
    """Above ``_PARALLEL_RULES_MINIMUM`` modules the rules run in forked workers: the
    same findings, suppressions and FAR000 tracebacks, in the same order."""
    from fastapi_rules import engine
    from fastapi_rules.rules.far301_interpolated_sql import InterpolatedSql

    def explode(self, summary, project):
        if "sql" in summary.path.lower():
            raise ZeroDivisionError("boom")
        return iter(())

    monkeypatch.setattr(InterpolatedSql, "check", explode)
    monkeypatch.setattr(engine, "_PARALLEL_RULES_MINIMUM", 2)
    pids = tmp_path / "pids"
    real = engine._module_rule_findings

    def recording(*args):
        with pids.open("a") as out:
            out.write(f"{os.getpid()}\n")
        return real(*args)

    monkeypatch.setattr(engine, "_module_rule_findings", recording)
    serial = lint([FIXTURES], Config())
    pids.unlink()
    parallel = lint([FIXTURES], Config(), jobs=2)
    assert str(os.getpid()) not in pids.read_text().split()  # every module in a worker
    assert (parallel.findings, parallel.suppressed) == (serial.findings, serial.suppressed)
    assert list(parallel.tracebacks) == list(serial.tracebacks) and serial.tracebacks
    assert [t.splitlines()[-1] for t in parallel.tracebacks.values()] == [
        t.splitlines()[-1] for t in serial.tracebacks.values()
    ]


def test_module_names(tmp_path: Path) -> None:
    package = tmp_path / "src" / "app" / "api"
    package.mkdir(parents=True)
    (tmp_path / "src" / "app" / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    (package / "routes.py").write_text("")
    assert module_name(package / "routes.py", ()) == ("app.api.routes", False)
    assert module_name(package / "__init__.py", ()) == ("app.api", True)
    assert module_name(package / "routes.py", (), tmp_path) == ("app.api.routes", False)
    namespace = tmp_path / "src" / "app" / "utils"
    namespace.mkdir()
    (namespace / "auth.py").write_text("")
    assert module_name(namespace / "auth.py", (), tmp_path) == ("app.utils.auth", False)
    loose = tmp_path / "script.py"
    loose.write_text("")
    assert module_name(loose, ()) == ("script", False)
    assert module_name(package / "routes.py", ((tmp_path / "src").resolve(),)) == (
        "app.api.routes", False)


def test_folders_without_init_are_namespace_packages_below_the_scanned_root(tmp_path: Path) -> None:
    """An app run from its root (``uvicorn main:app``) with no ``__init__.py`` anywhere:
    Python imports ``api/v1/routes/payment.py`` as ``api.v1.routes.payment``."""
    routes = tmp_path / "api" / "v1" / "routes"
    routes.mkdir(parents=True)
    (routes / "payment.py").write_text("")
    (tmp_path / "main.py").write_text("")
    assert module_name(routes / "payment.py", (), tmp_path) == ("api.v1.routes.payment", False)
    assert module_name(tmp_path / "main.py", (), tmp_path) == ("main", False)
    # a regular package still names its own files from its top (the full-stack
    # template's ``backend/app`` is ``app``, as it runs from ``backend/``)
    app = tmp_path / "backend" / "app"
    app.mkdir(parents=True)
    (app / "__init__.py").write_text("")
    (app / "main.py").write_text("")
    assert module_name(app / "main.py", (), tmp_path) == ("app.main", False)
    # without the scanned root to anchor them, loose files keep their own names
    assert module_name(routes / "payment.py", ()) == ("payment", False)


def test_hyphenated_package_is_named_as_it_is_imported(tmp_path: Path) -> None:
    # a checkout directory ``open-webui/`` holding the package the code imports as
    # ``open_webui``: no import can name a package with a ``-``
    package = tmp_path / "open-webui" / "routers"
    package.mkdir(parents=True)
    (tmp_path / "open-webui" / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    (package / "configs.py").write_text("")
    assert module_name(package / "configs.py", ()) == ("open_webui.routers.configs", False)


def test_colliding_module_names_stay_apart(tmp_path: Path) -> None:
    for service in ("svc_c", "svc_d"):
        (tmp_path / service).mkdir()
        (tmp_path / service / "main.py").write_text("")
    files = [(tmp_path / s / "main.py", tmp_path) for s in ("svc_c", "svc_d")]
    names = module_names(files, ())
    assert sorted(names.values()) == [("svc_c.main", False), ("svc_d.main", False)]


def test_unreadable_and_empty_inputs(tmp_path: Path) -> None:
    (tmp_path / "empty.py").write_text("")
    (tmp_path / "bom.py").write_bytes(b"\xef\xbb\xbfx = 1\n")
    result = lint([tmp_path], Config())
    assert result.findings == [] and result.files == 2



def test_too_deep_nesting_is_a_finding_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "long.py").write_text("x = " + "+".join(["1"] * 3000) + "\n")
    (tmp_path / "fine.py").write_text("import time\n")
    result = lint([tmp_path], Config())
    assert [(f.code, f.message) for f in result.findings] == [
        ("FAR001", "cannot parse file: nested too deeply to analyse")
    ]


def test_secrets_check_tests_reports_test_files_at_their_literals() -> None:
    """Test files are skipped by default; with ``secrets.check_tests`` their findings are
    placed on demand (the builder takes no positions for sites in test files)."""
    import dataclasses

    from fastapi_rules.api import config_for
    from fastapi_rules.options import SecretOptions

    case = FIXTURES / "FAR701" / "good_test_fixtures"
    config = dataclasses.replace(
        config_for([case]), select=("FAR701",), secrets=SecretOptions(check_tests=True)
    )
    found = {(Path(f.path).name, f.line, f.column, f.code) for f in lint([case], config).findings}
    # ``TEST_PASSWORD = "test-password"`` is made of its name's words: not a secret
    assert found == {
        ("conftest.py", 3, 14, "FAR701"),
        ("conftest.py", 7, 52, "FAR701"),
    }
def test_failing_rule_on_one_file_costs_that_rule_on_that_file(monkeypatch) -> None:
    from fastapi_rules.rules.far401_blocking_call_in_async import BlockingCallInAsync

    baseline = lint([FIXTURES / "sample_app"], Config()).findings
    victim = next(f.path for f in baseline if f.code == "FAR401")
    real_check = BlockingCallInAsync.check

    def explode_on_victim(self, summary, project):
        if summary.path == victim:
            raise KeyError("boom")
        return real_check(self, summary, project)

    monkeypatch.setattr(BlockingCallInAsync, "check", explode_on_victim)
    result = lint([FIXTURES / "sample_app"], Config())
    internal = [f for f in result.findings if f.code == "FAR000"]
    assert [(f.path, f.line, f.column) for f in internal] == [(victim, 1, 1)]
    assert "rule FAR401 (blocking-call-in-async)" in internal[0].message
    assert "KeyError" in internal[0].message and "Traceback" not in internal[0].message
    lost = {f for f in baseline if f.code == "FAR401" and f.path == victim}
    assert lost and set(result.findings) - set(internal) == set(baseline) - lost


def test_traceback_of_an_internal_error_only_under_verbose(monkeypatch) -> None:
    from click.testing import CliRunner

    from fastapi_rules.cli import main
    from fastapi_rules.rules.far301_interpolated_sql import InterpolatedSql

    def explode(self, summary, project):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(InterpolatedSql, "check", explode)
    target = str(FIXTURES / "FAR301" / "bad_example.py")
    quiet = CliRunner().invoke(main, ["scan", "--select", "FAR301", target])
    assert quiet.exit_code == 1 and "Traceback" not in quiet.stderr
    [line] = quiet.stdout.splitlines()
    assert line.endswith(":1:1: FAR000 internal error in rule FAR301 (interpolated-sql): "
                         "ZeroDivisionError: boom (please report; --verbose shows the traceback)")
    verbose = CliRunner().invoke(main, ["scan", "--verbose", "--select", "FAR301", target])
    assert verbose.stdout == quiet.stdout
    assert "Traceback (most recent call last)" in verbose.stderr and "ZeroDivisionError: boom" in verbose.stderr


def test_model_builder_failure_costs_one_file(monkeypatch, tmp_path: Path) -> None:
    from fastapi_rules.model.builder import ModuleModelBuilder

    for name in ("a.py", "b.py"):
        (tmp_path / name).write_text((FIXTURES / "FAR401" / "bad_example.py").read_text())
    real_build = ModuleModelBuilder.build

    def explode_on_a(self):
        if self.path.endswith("a.py"):  # the path the builder was given
            raise AttributeError("boom")
        return real_build(self)

    monkeypatch.setattr(ModuleModelBuilder, "build", explode_on_a)
    result = lint([tmp_path], Config())
    assert {(Path(f.path).name, f.code) for f in result.findings} == {("a.py", "FAR000"), ("b.py", "FAR401")}
    assert [f.code for f in result.findings if f.path.endswith("a.py")] == ["FAR000"]
    assert "the FastAPI model builder" in result.findings[0].message


def test_same_findings_whatever_the_discovery_or_argument_order(
    monkeypatch, fixture_findings: list
) -> None:
    from fastapi_rules import scan

    real_discover = scan.discover

    def reversed_discover(paths, exclude):
        found, missing = real_discover(paths, exclude)
        return found[::-1], missing

    monkeypatch.setattr(scan, "discover", reversed_discover)
    assert lint([FIXTURES], Config()).findings == fixture_findings
    monkeypatch.undo()
    cases = sorted(p for p in FIXTURES.iterdir() if p.is_dir() and p.name.startswith("FAR2"))
    assert lint(cases, Config()).findings == lint(cases[::-1], Config(), jobs=2).findings


def test_same_output_bytes_across_processes_and_hash_seeds() -> None:
    import os
    import subprocess
    import sys

    outputs = set()
    for seed, jobs in (("0", "1"), ("12345", "2")):
        result = subprocess.run(
            [sys.executable, "-m", "fastapi_rules", "scan", "--no-cache", "--jobs", jobs,
             "--select", "FAR", "fixtures"],
            cwd=FIXTURES.parent, capture_output=True, timeout=300,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        assert result.returncode == 1
        outputs.add((result.stdout, result.stderr))
    assert len(outputs) == 1


@pytest.mark.parametrize("enabled_before", [True, False])
def test_cycle_collector_is_off_during_a_run_and_restored(
    monkeypatch, tmp_path: Path, enabled_before: bool
) -> None:
    import gc

    from fastapi_rules.model.builder import ModuleModelBuilder

    (tmp_path / "a.py").write_text((FIXTURES / "FAR401" / "bad_example.py").read_text())
    seen = []
    real_build = ModuleModelBuilder.build

    def noting_collector(self):
        seen.append(gc.isenabled())
        return real_build(self)

    monkeypatch.setattr(ModuleModelBuilder, "build", noting_collector)
    was = gc.isenabled()
    (gc.enable if enabled_before else gc.disable)()
    try:
        result = lint([tmp_path], Config())
        after = gc.isenabled()
    finally:
        (gc.enable if was else gc.disable)()
    assert seen == [False]
    assert after is enabled_before  # a caller's choice (flake8's process) is left as it was
    assert [f.code for f in result.findings] == ["FAR401"]


def test_a_library_run_frees_what_it_built(tmp_path: Path) -> None:
    # only the command line (`cli.run`, which ends by os._exit) keeps a run's data
    from fastapi_rules import teardown

    (tmp_path / "app.py").write_text("from fastapi import FastAPI\napp = FastAPI()\n")
    was_enabled = gc.isenabled()
    lint([tmp_path], Config())
    assert teardown._kept is None and gc.isenabled() == was_enabled
