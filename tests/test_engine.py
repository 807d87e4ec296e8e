"""Engine behaviour: rule isolation, determinism, module names, bad input."""
from __future__ import annotations

from pathlib import Path

from conftest import FIXTURES
from fastapi_rules.config import Config
from fastapi_rules.engine import lint, module_name, module_names


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


def test_output_is_deterministic() -> None:
    first = lint([FIXTURES], Config()).findings
    assert first == lint([FIXTURES], Config()).findings
    assert first == sorted(first)


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
