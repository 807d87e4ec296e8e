"""Start-up stays light: `--version`, flake8 loading the plugin and a scan the cache
answers import neither LibCST nor anything else they do not use."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from conftest import FIXTURES, copy_fixture, environment_without_cache_dir

HEAVY = ("libcst", "yaml", "multiprocessing", "concurrent")
REPORT_HEAVY = (
    "import sys\n"
    f"heavy = sorted({{m.split('.')[0] for m in sys.modules}} & set({HEAVY!r}))\n"
    "print('heavy:' + ','.join(heavy))\n"
)


def _loaded_after(code: str, cwd: Path) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code + "\n" + REPORT_HEAVY],
        cwd=cwd, capture_output=True, text=True, timeout=120,
        # the run's own cache, not the suite's shared one, which may already hold it
        env=environment_without_cache_dir(),
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()[-1].removeprefix("heavy:")


def test_the_command_line_and_the_plugin_load_without_libcst(tmp_path: Path) -> None:
    code = (
        "import sys\nsys.argv = ['fastapi-rules', '--version']\n"
        "import fastapi_rules.flake8_plugin\nfrom fastapi_rules.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
    )
    assert _loaded_after(code, tmp_path) == ""


def test_version_and_help_load_only_the_command_line(tmp_path: Path) -> None:
    for argv in (["--version"], ["--help"], ["scan", "--help"]):
        code = (
            f"import sys\nsys.argv = ['fastapi-rules', *{argv!r}]\n"
            "from fastapi_rules.cli import main\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "ours = sorted(m for m in sys.modules if m.startswith('fastapi_rules'))\n"
            "print('ours:' + ','.join(ours))\n"
        )
        result = subprocess.run(
            [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, result.stderr
        loaded = result.stdout.splitlines()[-1].removeprefix("ours:").split(",")
        assert loaded == ["fastapi_rules", "fastapi_rules.cli", "fastapi_rules.constants"], argv


def test_a_scan_the_cache_answers_parses_nothing(tmp_path: Path) -> None:
    project = tmp_path / "app"
    copy_fixture(FIXTURES / "sample_app", project)
    scan = (
        "import sys\nsys.argv = ['fastapi-rules', 'scan', '--cache-dir', 'cache', '--jobs', '1', '.']\n"
        "from fastapi_rules.cli import main\n"
        "try:\n    main()\nexcept SystemExit as exit:\n    assert exit.code == 1, exit.code\n"
    )
    assert "libcst" in _loaded_after(scan, project)  # the first run parses
    assert _loaded_after(scan, project) == ""  # the second is answered by the cache
