"""Benchmark ``fastapi-rules scan`` against the LibCST floor and its peers.

    python bench/run.py                   # every corpus + 600 synthetic files, 3 runs
    python bench/run.py --quick           # a smoke run: 1 run, a small synthetic project
    python bench/run.py --corpora langflow,lnbits --synthetic 600 --runs 5
    python bench/run.py --install-peers   # ruff, bandit, flake8+plugins, fixit, semgrep

Real corpora are downloaded from PyPI (pinned below) into the cache directory
(``$FASTAPI_RULES_CORPORA``, default ``~/.cache/fastapi-rules-corpora``) on first use,
with the same layout as the shared ``fetch-corpora`` script; synthetic projects are
generated there by ``bench/generate.py``. Nothing lands in the repository except
``bench/RESULTS.md`` (only the part between the ``measured`` markers is rewritten).

Each command runs as its own process, interleaved (A B C A B C ...), and reports the
median wall time, the median CPU time (user+sys of the child, from ``os.wait4``) and
the peak RSS of the child. The machine may be busy: CPU-time ratios are the steadier
figure. Features the installed ``fastapi-rules`` does not have yet (``--no-cache``,
the cache, ``--jobs``) are detected from ``scan --help`` and reported as
"n/a (not implemented)".
"""
from __future__ import annotations

import argparse
import ast
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from floor import python_files  # noqa: E402  (bench/ is not a package)
from generate import generate  # noqa: E402

# name, requirement, kind, the subdirectory holding the FastAPI code, the package
# directory to lay it out under (so module names match the code's own imports)
CORPORA = (
    ("fastapi-docs", "fastapi==0.163.2", "sdist", "docs_src", None),
    ("prefect-server", "prefect==3.9.1", "wheel", "prefect/server", None),
    ("airflow-api", "apache-airflow-core==3.3.2", "wheel", "airflow/api_fastapi", None),
    ("lnbits", "lnbits==1.6.2", "wheel", "lnbits", None),
    ("fastapi-users", "fastapi-users==15.0.5", "wheel", "fastapi_users", None),
    ("langflow", "langflow-base==1.13.0", "wheel", "langflow", None),
    ("open-webui", "open-webui==0.12.4", "wheel", "open_webui", "open_webui"),
)
PEER_PACKAGES = ("ruff", "bandit", "flake8", "flake8-async", "flake8-bugbear", "fixit", "semgrep")
NOT_IMPLEMENTED = "n/a (not implemented)"
SEMGREP_RULE = """\
rules:
  - id: fastapi-post-without-status-code
    languages: [python]
    severity: WARNING
    message: POST route without status_code= (FAR102)
    patterns:
      - pattern: |
          @$ROUTER.post(...)
          def $F(...): ...
      - pattern-not: |
          @$ROUTER.post(..., status_code=$S, ...)
          def $F(...): ...
  - id: fastapi-interpolated-sql
    languages: [python]
    severity: ERROR
    message: SQL text built by string interpolation (FAR301)
    pattern-either:
      - pattern: sqlalchemy.text(f"...")
      - pattern: $S.execute(f"...", ...)
"""


def cache_dir() -> Path:
    return Path(os.environ.get("FASTAPI_RULES_CORPORA", Path.home() / ".cache" / "fastapi-rules-corpora"))


# -- corpora -----------------------------------------------------------------------------
def fetch_corpus(name: str, requirement: str, kind: str, sub: str, root: Path) -> Path:
    """The unpacked corpus directory, downloaded with pip on first use."""
    out = root / name
    if (out / ".done").is_file():
        return out
    downloads = root / "dl"
    downloads.mkdir(parents=True, exist_ok=True)
    package, version = requirement.split("==")
    binary = ["--no-binary", ":all:"] if kind == "sdist" else ["--only-binary", ":all:"]
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "-q", "--no-deps", *binary, requirement, "-d", str(downloads)],
        check=True, stdout=subprocess.DEVNULL,
    )
    shutil.rmtree(out, ignore_errors=True)
    with tempfile.TemporaryDirectory(dir=root) as scratch:
        if kind == "sdist":
            archive = downloads / f"{package}-{version}.tar.gz"
            shutil.unpack_archive(archive, scratch)
            source = next(p for p in Path(scratch).glob(f"*/{sub}") if p.is_dir())
        else:
            wheel = next(downloads.glob(f"{package.replace('-', '_')}-{version}-*.whl"))
            with zipfile.ZipFile(wheel) as archive:
                archive.extractall(scratch, [n for n in archive.namelist() if n.endswith(".py")])
            source = Path(scratch) / sub
        shutil.copytree(source, out)
    (out / ".done").touch()
    return out


def corpus_path(name: str, root: Path) -> Path:
    """The directory to scan for ``name``: the corpus, or a copy of it under its
    package name when its imports need one (``open_webui``)."""
    entry = next(c for c in CORPORA if c[0] == name)
    out = fetch_corpus(*entry[:4], root)
    package = entry[4]
    if package is None:
        return out
    laid_out = root / "layout" / name
    if not (laid_out / ".done").is_file():
        shutil.rmtree(laid_out, ignore_errors=True)
        shutil.copytree(out, laid_out / package, ignore=shutil.ignore_patterns(".done"))
        (laid_out / ".done").touch()
    return laid_out


def synthetic_path(files: int, seed: int, root: Path) -> Path:
    out = root / "synthetic" / f"files{files}-seed{seed}"
    if not (out / ".done").is_file():
        generate(out, files, seed)
        (out / ".done").touch()
    return out


# -- tools -------------------------------------------------------------------------------
def our_executable() -> Path:
    here = Path(sys.executable).parent / "fastapi-rules"
    found = here if here.is_file() else shutil.which("fastapi-rules")
    if found is None:
        sys.exit("fastapi-rules is not installed in this environment (pip install -e .)")
    return Path(found)


def byte_compile_ours() -> str:
    """Compile our package's modules as ``pip install`` of a wheel does: an editable
    install under ``PYTHONDONTWRITEBYTECODE=1`` (this machine's environment) would
    otherwise compile them from source at every start, about 0.1 s a run that no
    installed peer pays."""
    import compileall
    import importlib.util

    spec = importlib.util.find_spec("fastapi_rules")
    if spec is None or spec.origin is None:
        return "not found"
    package = Path(spec.origin).parent
    compiled = compileall.compile_dir(str(package), quiet=1)
    return f"byte-compiled first ({package})" if compiled else f"could not byte-compile {package}"


@dataclass(frozen=True)
class Features:
    no_cache: bool
    cache: bool
    jobs: bool


def detect_features(executable: Path) -> Features:
    help_text = subprocess.run(
        [str(executable), "scan", "--help"], capture_output=True, text=True, check=True
    ).stdout
    no_cache = "--no-cache" in help_text
    return Features(no_cache=no_cache, cache=no_cache or "--cache" in help_text, jobs="--jobs" in help_text)


def peer_venv(root: Path) -> Path:
    return root / "peers" / "venv"


def install_peers(root: Path) -> None:
    venv = peer_venv(root)
    if not venv.is_dir():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    for package in PEER_PACKAGES:
        done = subprocess.run([str(venv / "bin" / "pip"), "install", "-q", package], capture_output=True)
        print(f"{package}: {'installed' if done.returncode == 0 else 'FAILED to install (skipped)'}")


def peer_versions(root: Path) -> dict[str, str]:
    pip = peer_venv(root) / "bin" / "pip"
    if not pip.is_file():
        return {}
    listed = subprocess.run([str(pip), "list", "--format", "json"], capture_output=True, text=True)
    packages = {p["name"].lower(): p["version"] for p in json.loads(listed.stdout or "[]")}
    return {name: packages[name] for name in PEER_PACKAGES if name in packages}


def peer_commands(root: Path, target: Path, wanted: set[str] | None) -> dict[str, list[str]]:
    """The peers' commands the issue names, for those installed."""
    bin_dir = peer_venv(root) / "bin"
    rule_file = root / "peers" / "semgrep-fastapi.yaml"
    rule_file.parent.mkdir(parents=True, exist_ok=True)
    if not rule_file.is_file() or rule_file.read_text() != SEMGREP_RULE:
        rule_file.write_text(SEMGREP_RULE)
    t = str(target)
    commands = {
        "ruff": [str(bin_dir / "ruff"), "check", "--isolated", "--no-cache", "--exit-zero", "-q",
                 "--select", "FAST,ASYNC,S608", t],
        "bandit": [str(bin_dir / "bandit"), "-q", "-t", "B608", "-r", t],
        "flake8": [str(bin_dir / "flake8"), "--isolated", "--select", "ASYNC,B", "--exit-zero", t],
        "fixit": [str(bin_dir / "fixit"), "lint", t],
        "semgrep": [str(bin_dir / "semgrep"), "scan", "--config", str(rule_file), "--metrics", "off",
                    "--disable-version-check", "-q", t],
    }
    return {
        name: argv for name, argv in commands.items()
        if Path(argv[0]).is_file() and (wanted is None or name in wanted)
    }


# -- measuring ---------------------------------------------------------------------------
@dataclass
class Sample:
    wall: float
    cpu: float
    rss_mb: float
    returncode: int
    stdout: str = ""


@dataclass
class Series:
    name: str
    samples: list[Sample] = field(default_factory=list)
    note: str = ""

    def median(self, attribute: str) -> float | None:
        values = [getattr(s, attribute) for s in self.samples]
        return statistics.median(values) if values else None


def run_once(argv: list[str], cwd: Path, capture: bool = False, env: dict[str, str] | None = None) -> Sample:
    started = time.perf_counter()
    process = subprocess.Popen(
        argv, cwd=cwd, stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
        stderr=subprocess.DEVNULL, env=env,
    )
    stdout = process.stdout.read().decode() if capture and process.stdout else ""
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.stdout:
        process.stdout.close()
    # ru_maxrss is in kilobytes on Linux (bytes on macOS)
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024
    return Sample(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / scale, process.returncode, stdout)


@dataclass
class Job:
    name: str
    argv: list[str]
    before: object = None  # a callable run before each sample (touch a file)
    capture: bool = False
    slow: bool = False  # a peer: stop repeating once it has used its time budget


def measure(jobs: list[Job], runs: int, cwd: Path, slow_seconds: float) -> dict[str, Series]:
    """Interleaved: every job once per round, ``runs`` rounds."""
    series = {job.name: Series(job.name) for job in jobs}
    spent: dict[str, float] = {job.name: 0.0 for job in jobs}
    env = {**os.environ, "SEMGREP_ENABLE_VERSION_CHECK": "0", "SEMGREP_SEND_METRICS": "off"}
    for _ in range(runs):
        for job in jobs:
            if job.slow and series[job.name].samples and spent[job.name] >= slow_seconds:
                series[job.name].note = f"{len(series[job.name].samples)} run(s): over the {slow_seconds:.0f} s budget"
                continue
            if callable(job.before):
                job.before()
            sample = run_once(job.argv, cwd, job.capture, env)
            spent[job.name] += sample.wall
            series[job.name].samples.append(sample)
            print(f"  {job.name:<16} {sample.wall:8.2f} s wall {sample.cpu:8.2f} s cpu {sample.rss_mb:7.0f} MB", flush=True)
    return series


class Toucher:
    """Before each warm run, touches one file (``edit=False``: a new mtime, the same
    bytes, as ``touch`` or a checkout does) or edits it (a new comment at its end; or,
    with ``code``, statements added before the ``return`` at byte ``code``);
    ``restore`` puts the original back."""

    def __init__(self, path: Path, edit: bool, code: int | None = None) -> None:
        self.path = path
        self.edit = edit
        self.code = code
        self.original = path.read_bytes()
        self.count = 0

    def __call__(self) -> None:
        self.count += 1
        if self.code is not None:
            # one statement more each time: each edit changes the summary the last run saw
            indent = self.original[self.code:].split(b"return", 1)[0]
            statement = indent + b"_bench_edit = 0  # edited by bench/run.py\n"
            self.path.write_bytes(self.original[:self.code] + statement * self.count + self.original[self.code:])
        elif self.edit:
            self.path.write_bytes(self.original + f"\n# edited by bench/run.py ({self.count})\n".encode())
        else:
            os.utime(self.path, ns=(time.time_ns(), time.time_ns()))

    def restore(self) -> None:
        self.path.write_bytes(self.original)


def code_edit_toucher(files: list[Path]) -> Toucher | None:
    """A typical file's code edit: in the median-sized file that has an indented
    ``return``, statements before the first one (one more at each run). Its module
    summary changes, so every rule runs again, where an appended comment leaves every
    summary as it was."""
    candidates = []
    for path in files:
        data = path.read_bytes()
        at = re.search(rb"^( +)return\b", data, re.MULTILINE)
        if at is not None:
            candidates.append((len(data), path, at.start()))
    candidates.sort()
    for _, path, start in candidates[len(candidates) // 2:] + candidates[: len(candidates) // 2]:
        toucher = Toucher(path, edit=True, code=start)
        toucher()
        try:
            compile(path.read_bytes(), str(path), "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
        except (SyntaxError, ValueError):
            continue  # the ``return`` was inside a string
        finally:
            toucher.restore()
            toucher.count = 0
        return toucher
    return None


@dataclass
class CorpusResult:
    name: str
    files: int
    lines: int
    series: dict[str, Series]
    floor_seconds: float | None  # CPU of the parse loop alone, inside the floor process
    floor_position: float | None
    floor_ast: float | None
    floor_visit: float | None = None


def bench_corpus(
    name: str, target: Path, ours: Path, features: Features, runs: int,
    peers: dict[str, list[str]], slow_seconds: float, jobs_all: int,
) -> CorpusResult:
    files = python_files([target])
    lines = sum(p.read_bytes().count(b"\n") for p in files)
    print(f"{name}: {len(files)} files, {lines} lines ({target})", flush=True)
    floor = [sys.executable, str(BENCH / "floor.py"), str(target)]
    scan = [str(ours), "scan", "--exit-zero", str(target)]
    cold = scan[:2] + (["--no-cache"] if features.no_cache else []) + scan[2:]
    jobs = [Job("libcst-floor", floor, capture=True), Job("ours-cold", cold)]
    if features.jobs:
        jobs.append(Job("ours-jobs1", cold[:2] + ["--jobs", "1"] + cold[2:]))
        jobs.append(Job(f"ours-jobs{jobs_all}", cold[:2] + ["--jobs", str(jobs_all)] + cold[2:]))
    touchers = []
    if features.cache and files:
        run_once(scan, target)  # fill the cache
        jobs.append(Job("ours-warm", scan))
        largest = max(files, key=lambda p: p.stat().st_size)
        touchers = [Toucher(largest, edit=False), Toucher(largest, edit=True)]
        jobs.append(Job("ours-warm-touched", scan, before=touchers[0]))
        jobs.append(Job("ours-warm-edited", scan, before=touchers[1]))
        code_edit = code_edit_toucher(files)
        if code_edit is not None:
            touchers.append(code_edit)
            jobs.append(Job("ours-warm-code-edit", scan, before=code_edit))
    jobs += [Job(peer, argv, slow=True) for peer, argv in peers.items()]
    try:
        series = measure(jobs, runs, target, slow_seconds)
    finally:
        for toucher in touchers:
            toucher.restore()
    reports = [json.loads(s.stdout) for s in series["libcst-floor"].samples if s.stdout.strip()]
    floor_seconds = statistics.median(r["cpu"] for r in reports) if reports else None
    position = ast_seconds = visit = None
    if runs > 1:  # the reference figures cost more parses of everything: not in --quick
        visit = json.loads(run_once(floor + ["--mode", "visit"], target, True).stdout)["cpu"]
        position = json.loads(run_once(floor + ["--mode", "position"], target, True).stdout)["cpu"]
        ast_seconds = json.loads(run_once(floor + ["--mode", "ast"], target, True).stdout)["cpu"]
    return CorpusResult(name, len(files), lines, series, floor_seconds, position, ast_seconds, visit)


PLUGIN_RUNS = 15


def flake8_plugin_time(target: Path, runs: int) -> tuple[float, float, Path] | None:
    """(plugin wall seconds, plugin CPU seconds, file) for flake8 on the module closest to
    300 lines: ``--select FAR`` minus ``--select E9`` (the plugin skips its work then)."""
    flake8 = Path(sys.executable).parent / "flake8"
    files = python_files([target])
    if not flake8.is_file() or not files:
        return None
    module = min(files, key=lambda p: abs(p.read_bytes().count(b"\n") - 300))
    run_once([str(flake8), "--select", "FAR", "--exit-zero", str(module)], target)  # fills the cache
    jobs = [Job("flake8-FAR", [str(flake8), "--select", "FAR", "--exit-zero", str(module)]),
            Job("flake8-E9", [str(flake8), "--select", "E9", "--exit-zero", str(module)])]
    # each run is a fifth of a second and the difference a few hundredths: many more
    # runs than the scans get, or the medians' noise is as large as the figure
    series = measure(jobs, max(runs, PLUGIN_RUNS), target, float("inf"))
    return (
        series["flake8-FAR"].median("wall") - series["flake8-E9"].median("wall"),
        series["flake8-FAR"].median("cpu") - series["flake8-E9"].median("cpu"),
        module,
    )


# -- reporting ---------------------------------------------------------------------------
def _ratio(a: float | None, b: float | None) -> str:
    return f"{a / b:.2f}×" if a and b else "–"


def _seconds(value: float | None) -> str:
    return f"{value:.2f}" if value is not None else "–"


def corpus_table(result: CorpusResult) -> list[str]:
    ours = result.series["ours-cold"]
    rows = [
        f"### {result.name}: {result.files} files, {result.lines} lines",
        "",
        "| command | runs | wall s (median) | CPU s (median) | files/s (wall) | peak RSS MB | ours-cold / this (wall) | ours-cold / this (CPU) | note |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for series in result.series.values():
        wall, cpu = series.median("wall"), series.median("cpu")
        rss = max((s.rss_mb for s in series.samples), default=None)
        rate = f"{result.files / wall:.0f}" if wall else "–"
        failed = [s.returncode for s in series.samples if s.returncode not in (0, 1)]
        note = series.note + (f" exit status {failed[0]}" if failed else "")
        rows.append(
            f"| {series.name} | {len(series.samples)} | {_seconds(wall)} | {_seconds(cpu)} | {rate} | "
            f"{rss:.0f} | {_ratio(ours.median('wall'), wall)} | {_ratio(ours.median('cpu'), cpu)} | {note} |"
            if rss is not None else f"| {series.name} | 0 | – | – | – | – | – | – | {note} |"
        )
    rows += [
        "",
        f"LibCST floor inside its process (CPU of the parse loop only): {_seconds(result.floor_seconds)} s"
        f" → ours-cold CPU / parse loop = {_ratio(ours.median('cpu'), result.floor_seconds)};"
        f" with a no-op visitor's walk: {_seconds(result.floor_visit)} s;"
        f" with PositionProvider: {_seconds(result.floor_position)} s;"
        f" stdlib ast.parse: {_seconds(result.floor_ast)} s.",
        "",
    ]
    return rows


def targets(results: list[CorpusResult], features: Features, plugin: tuple[float, float, Path] | None,
            big: Series | None, big_files: int) -> list[str]:
    def status(ok: bool | None) -> str:
        return "n/a" if ok is None else ("met" if ok else "**not met**")

    rows = ["| target | status | figure |", "|---|---|---|"]
    cold_floor = []
    for r in results:
        # single process: --jobs 1 where the build has it
        single = r.series.get("ours-jobs1") or r.series["ours-cold"]
        ours, floor = single.median("cpu"), r.series["libcst-floor"].median("cpu")
        if ours and floor:
            cold_floor.append((r.name, ours / floor))
    worst = max(cold_floor, key=lambda x: x[1], default=None)
    rows.append(
        f"| cold scan ≤ 2.5× bare LibCST parse (CPU, single process) | "
        f"{status(None if worst is None else worst[1] <= 2.5)} | "
        + (", ".join(f"{n} {x:.2f}×" for n, x in cold_floor) or "–") + " |"
    )
    for peer, factor, label in (("fixit", 10.0, "≥ 10× faster than Fixit"), ("semgrep", 1.0, "faster than semgrep")):
        pairs = []
        for r in results:
            if peer in r.series and r.series[peer].samples:
                pairs.append((r.name, r.series[peer].median("wall") / r.series["ours-cold"].median("wall"),
                              r.series[peer].median("cpu") / r.series["ours-cold"].median("cpu")))
        ok = None if not pairs else all(w >= factor for _, w, _ in pairs)
        rows.append(f"| {label} (wall; figure: peer time ÷ ours) | {status(ok)} | "
                    + (", ".join(f"{n} {w:.1f}× wall, {c:.1f}× CPU" for n, w, c in pairs) or "peer not run") + " |")
    if features.jobs:
        speedups = []
        for r in results:
            one = r.series["ours-jobs1"].median("wall")
            many = next((s.median("wall") for n, s in r.series.items() if n.startswith("ours-jobs") and n != "ours-jobs1"), None)
            if one and many:
                speedups.append((r.name, one / many))
        rows.append(f"| --jobs 2 ≥ 1.6× --jobs 1 | {status(all(x >= 1.6 for _, x in speedups) if speedups else None)} | "
                    + ", ".join(f"{n} {x:.2f}×" for n, x in speedups) + " |")
    else:
        rows.append(f"| --jobs 2 ≥ 1.6× --jobs 1 | n/a | {NOT_IMPLEMENTED} |")
    for label, key, limit in (("warm, no change ≤ 1 s", "ours-warm", 1.0),
                              ("warm, one file touched (new mtime, same bytes) ≤ 1.5 s", "ours-warm-touched", 1.5),
                              ("warm, one file edited (a comment appended) ≤ 1.5 s", "ours-warm-edited", 1.5),
                              ("warm, one file's code edited (a statement added) ≤ 1.5 s", "ours-warm-code-edit", 1.5)):
        figures = [(r.name, r.files, r.series[key].median("wall")) for r in results if key in r.series]
        at_size = [f for f in figures if f[1] >= big_files]
        ok = None if not at_size else all(w <= limit for _, _, w in at_size)
        figure = ", ".join(f"{n} ({f} files) {w:.2f} s" for n, f, w in figures) if features.cache else NOT_IMPLEMENTED
        rows.append(f"| {label} for {big_files} files | {status(ok)} | {figure} |")
    if plugin is None:
        rows.append("| flake8 plugin ≤ 50 ms on a ≈300-line module, index cached | n/a | flake8 not measured |")
    else:
        wall, cpu, module = plugin
        module_lines = module.read_bytes().count(b"\n")
        rows.append(
            f"| flake8 plugin ≤ 50 ms on a ≈300-line module, index cached | {status(wall <= 0.050)} | "
            f"{wall * 1000:.0f} ms wall, {cpu * 1000:.0f} ms CPU on `{module.name}` ({module_lines} lines): "
            f"flake8 --select FAR minus flake8 --select E9 (medians of at least {PLUGIN_RUNS} "
            "interleaved runs each), the cache filled by a first run |"
        )
    if big is None or not big.samples:
        rows.append(f"| peak RSS ≤ 500 MB scanning {big_files} files | n/a | not run |")
    else:
        rss = max(s.rss_mb for s in big.samples)
        rows.append(f"| peak RSS ≤ 500 MB scanning {big_files} files | {status(rss <= 500)} | "
                    f"{rss:.0f} MB ({big.median('wall'):.1f} s wall, {big.median('cpu'):.1f} s CPU) |")
    return rows


def write_results(path: Path, body: list[str], section: str = "measured") -> None:
    start, end = f"<!-- {section}:start -->", f"<!-- {section}:end -->"
    text = path.read_text(encoding="utf-8") if path.is_file() else f"# Benchmark results\n\n{start}\n{end}\n"
    if start not in text:
        text += f"\n{start}\n{end}\n"
    before, rest = text.split(start, 1)
    after = rest.split(end, 1)[1] if end in rest else ""
    path.write_text(f"{before}{start}\n" + "\n".join(body) + f"\n{end}{after}", encoding="utf-8")


def machine_facts(ours: Path, features: Features, root: Path, compiled: str) -> list[str]:
    from importlib.metadata import version

    peers = peer_versions(root)
    return [
        f"- date: {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC",
        f"- machine: {platform.machine()}, `nproc` = {os.cpu_count()}, load average at start "
        f"{' / '.join(f'{x:.1f}' for x in os.getloadavg())}",
        f"- Python {platform.python_version()}, libcst {version('libcst')}",
        f"- fastapi-rules {version('fastapi-rules')} (`{ours}`); features: --no-cache {features.no_cache}, "
        f"cache {features.cache}, --jobs {features.jobs}; modules {compiled}",
        "- peers: " + (", ".join(f"{k} {v}" for k, v in peers.items()) or "none installed"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", default=None,
                        help="comma-separated real corpora (default: all; 'none' for none): "
                        + ", ".join(c[0] for c in CORPORA))
    parser.add_argument("--synthetic", type=int, action="append", help="synthetic project sizes (default 600; 0 for none)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="1 run, 40 synthetic files, no real corpora")
    parser.add_argument("--peers", default=None, help="comma-separated peers (default: all installed)")
    parser.add_argument("--no-peers", action="store_true")
    parser.add_argument("--install-peers", action="store_true")
    parser.add_argument("--slow-seconds", type=float, default=120.0,
                        help="a peer is not repeated once its runs took this long on a corpus")
    parser.add_argument("--big", type=int, default=5000,
                        help="files of the synthetic project for the RSS and warm targets (0: skip)")
    parser.add_argument("--results", type=Path, default=BENCH / "RESULTS.md")
    parser.add_argument("--section", default="measured",
                        help="the marked part of the results file to rewrite (one per kind of run)")
    parser.add_argument("--no-flake8", action="store_true", help="skip the flake8 plugin timing")
    parser.add_argument("--cache-dir", type=Path, default=None)
    args = parser.parse_args()
    root = args.cache_dir or cache_dir()
    root.mkdir(parents=True, exist_ok=True)
    if args.install_peers:
        install_peers(root)
    if args.quick:
        args.runs = 1
        args.corpora = args.corpora or "none"
        args.synthetic = args.synthetic or [40]
        args.big = 0
    names = [c[0] for c in CORPORA] if args.corpora is None else [
        n for n in args.corpora.split(",") if n and n != "none"]
    ours = our_executable()
    compiled = byte_compile_ours()
    features = detect_features(ours)
    wanted = None if args.peers is None else set(args.peers.split(","))
    targets_dirs = [(name, corpus_path(name, root)) for name in names]
    targets_dirs += [(f"synthetic-{n}", synthetic_path(n, args.seed, root)) for n in (args.synthetic or [600]) if n > 0]
    cores = os.cpu_count() or 1
    results = []
    for name, target in targets_dirs:
        peers = {} if args.no_peers else peer_commands(root, target, wanted)
        results.append(bench_corpus(name, target, ours, features, args.runs, peers, args.slow_seconds, cores))
    synthetic = next((t for n, t in targets_dirs if n.startswith("synthetic")), None)
    plugin = None if synthetic is None or args.no_flake8 else flake8_plugin_time(synthetic, args.runs)
    big = None
    if args.big:
        big_target = synthetic_path(args.big, args.seed, root)
        print(f"synthetic-{args.big}: peak RSS of one cold scan", flush=True)
        cold = [str(ours), "scan", "--exit-zero", *(["--no-cache"] if features.no_cache else []), str(big_target)]
        big = measure([Job(f"ours-cold-{args.big}", cold)], 1, big_target, float("inf"))[f"ours-cold-{args.big}"]
        if features.cache:
            big_result = bench_corpus(f"synthetic-{args.big}", big_target, ours, features, args.runs, {}, 0, cores)
            results.append(big_result)
    body = ["## Machine and versions", "", *machine_facts(ours, features, root, compiled), "",
            "## Targets", "", *targets(results, features, plugin, big, args.big or 5000), "",
            "## Measurements", "",
            f"Medians of {args.runs} interleaved run(s). `libcst-floor` is `bench/floor.py`: a Python process "
            "that imports LibCST and parses every file (no analysis); ratios compare `fastapi-rules scan` "
            "cold with each command (above 1× means we are slower).", ""]
    for result in results:
        body += corpus_table(result)
    write_results(args.results, body, args.section)
    print("\n".join(body))
    print(f"\nwrote {args.results}")


if __name__ == "__main__":
    main()
