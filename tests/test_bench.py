"""The benchmark harness works: generated projects parse and are FastAPI code, and a
quick run of ``bench/run.py`` (no peers, a tiny project) writes its results."""
from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import libcst as cst

BENCH = Path(__file__).resolve().parent.parent / "bench"
# loaded by path: bench/ is scripts, not a package, and must not go on sys.path
_spec = importlib.util.spec_from_file_location("bench_generate", BENCH / "generate.py")
assert _spec is not None and _spec.loader is not None
_generate_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_generate_module)
generate = _generate_module.generate


def test_generated_project_parses_and_mounts_its_routers(tmp_path: Path) -> None:
    paths = generate(tmp_path / "project", 12, seed=3)
    assert len(paths) == 12
    for path in paths:
        cst.parse_module(path.read_bytes())
    main = (tmp_path / "project" / "app" / "main.py").read_text()
    assert "app = FastAPI(" in main and "app.include_router(" in main
    routes = [p for p in paths if p.parent.name == "routes" and p.name != "__init__.py"]
    assert routes and all("APIRouter(" in p.read_text() for p in routes)
    again = generate(tmp_path / "again", 12, seed=3)
    assert [p.read_text() for p in again] == [p.read_text() for p in paths]


def test_quick_run_writes_results(tmp_path: Path) -> None:
    results = tmp_path / "RESULTS.md"
    results.write_text("# kept\n\n<!-- measured:start -->\nold\n<!-- measured:end -->\n\nkept too\n")
    subprocess.run(
        [sys.executable, str(BENCH / "run.py"), "--quick", "--no-peers", "--no-flake8", "--synthetic", "6",
         "--cache-dir", str(tmp_path / "cache"), "--results", str(results)],
        check=True, capture_output=True, timeout=60,
    )
    text = results.read_text()
    assert text.startswith("# kept") and text.rstrip().endswith("kept too") and "\nold\n" not in text
    assert "| ours-cold | 1 |" in text and "| libcst-floor | 1 |" in text
    assert "n/a (not implemented)" in text or "ours-warm" in text
