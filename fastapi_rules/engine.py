"""discover → parse once → model in one traversal → all rules → sort.

Each file is read and parsed once; its ``ModuleSummary`` is the only thing later
stages see. Rules run per module with the whole ``ProjectIndex`` for context, each
inside its own guard so one failure costs one rule on one file.
"""
from __future__ import annotations

import ast
import contextlib
import dataclasses
import fnmatch
import gc
import io
import os
import re
import signal
import stat
import tokenize
import traceback
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi_rules.cache import Cache, Stat, digest, stat_key
from fastapi_rules.config import Config
from fastapi_rules.finding import Finding, by_position
from fastapi_rules.model import ModuleSummary
from fastapi_rules.noqa import is_suppressed, noqa_lines
from fastapi_rules.project import ProjectIndex
from fastapi_rules.rules import ALL_RULES, Rule
from fastapi_rules.teardown import let_go

if TYPE_CHECKING:
    import libcst as cst

SKIPPED_DIRECTORIES = frozenset(
    {".git", ".hg", ".svn", ".venv", "venv", "node_modules", "__pycache__", "build", "dist",
     ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".fastapi_rules_cache"}
)
_BOOLEAN_OPERATOR = re.compile(r"\b(?:and|or)\b")
_MAX_CHAIN = 2900  # operands of one chain: CPython's own limit for ``a + b + …``
INTERNAL_ERROR = "FAR000"
UNPARSEABLE = "FAR001"
UNANALYSABLE = "FAR002"  # valid Python (CPython parses it) that LibCST cannot take
_TOO_DEEP_FOR_LIBCST = "nested too deeply for LibCST"
_LIBCST_POSITION = re.compile(r"error at (\d+):(\d+)")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # the line ends the parser counts


@dataclass
class FileResult:
    summary: ModuleSummary | None
    findings: list[Finding] = field(default_factory=list)
    noqa: dict[int, frozenset[str] | None] = field(default_factory=dict)
    tracebacks: dict[Finding, str] = field(default_factory=dict)
    text: str | None = None  # the decoded source, when it could be read


@dataclass
class LintResult:
    findings: list[Finding]
    files: int
    missing_paths: list[str]
    suppressed: int = 0
    tracebacks: dict[Finding, str] = field(default_factory=dict)  # of FAR000 findings
    # the source lines of the files with findings, by ``Finding.path``: for reports
    # that show the line and for fingerprints, without reading or parsing again
    sources: dict[str, tuple[str, ...]] = field(default_factory=dict)
    project: ProjectIndex | None = None


# -- discovery ---------------------------------------------------------------------------
def discover(
    paths: Iterable[Path], exclude: tuple[str, ...]
) -> tuple[list[tuple[Path, Path]], list[str]]:
    """(file, the scanned root it was found under) for Python files under ``paths``
    (explicit files always count), sorted; and the paths that do not exist."""
    found: dict[Path, Path] = {}
    missing: list[str] = []
    for path in paths:
        if path.is_file():
            found.setdefault(path, path)
        elif path.is_dir():
            _walk(path, path, exclude, found)
        else:
            missing.append(str(path))
    return sorted(found.items(), key=lambda item: item[0].parts), missing  # as Paths sort


def _walk(directory: Path, root: Path, exclude: tuple[str, ...], found: dict[Path, Path]) -> None:
    """``os.walk``'s order and rules (symlinked directories listed, not entered), with
    ``scandir`` entries: a regular file is known as one without a ``stat`` each."""
    try:
        with os.scandir(directory) as listing:
            entries = list(listing)
    except OSError:
        return  # unreadable: os.walk skips it too
    subdirectories = []
    for entry in entries:
        try:
            is_directory = entry.is_dir()
        except OSError:
            is_directory = False
        if is_directory:
            if entry.name not in SKIPPED_DIRECTORIES and not entry.is_symlink():
                subdirectories.append(entry.name)
            continue
        if not entry.name.endswith(".py"):
            continue
        candidate = directory / entry.name
        try:
            # not a FIFO (reading one would block), socket, broken link or link loop
            regular = entry.is_file()
        except OSError:
            regular = False
        if regular and not _excluded(candidate, root, exclude):
            found.setdefault(candidate, root)
    for name in sorted(subdirectories):
        if not _excluded(directory / name, root, exclude):
            _walk(directory / name, root, exclude, found)


def _excluded(path: Path, root: Path, exclude: tuple[str, ...]) -> bool:
    """``exclude`` globs match a name, or a path relative to the scanned root
    (``tests/``, ``scripts/*``, ``*_pb2.py``), as in ruff and flake8."""
    if not exclude:
        return False
    relative = path.relative_to(root).as_posix() if root in path.parents else path.as_posix()
    for pattern in exclude:
        bare = pattern.rstrip("/")
        if (
            fnmatch.fnmatch(path.name, bare)
            or fnmatch.fnmatch(relative, bare)
            or fnmatch.fnmatch(relative, f"*/{bare}")
        ):
            return True
    return False


def module_name(
    path: Path,
    src_roots: tuple[Path, ...],
    scanned_root: Path | None = None,
    _memo: dict[object, object] | None = None,
) -> tuple[str, bool]:
    """The dotted module name Python would import ``path`` as, and whether it is a package.

    The ``__init__.py`` chain decides, as for Python. A directory without one that
    sits below the scanned root inside a package (a PEP 420 namespace package, common
    in wheels: ``open_webui/utils/``) counts too; ``backend/`` above ``backend/app/``
    does not, so the full-stack template's ``app.main`` keeps its import name.
    ``_memo`` keeps what each directory resolves to and its package parts for one scan.
    """
    memo = _memo if _memo is not None else {}
    absolute = _resolved(path, memo)
    is_package = absolute.name == "__init__.py"
    directory = absolute.parent
    # what the directory contributes is the same for all its files: worked out once
    key = ("directory parts", directory, scanned_root, src_roots)
    directory_parts = memo.get(key)
    if directory_parts is None:
        directory_parts = memo[key] = _directory_parts(directory, src_roots, scanned_root, memo)
    parts = [*directory_parts, absolute.stem]  # type: ignore[misc]
    if is_package:
        parts = parts[:-1]
    return ".".join(parts) or directory.name, is_package


def _directory_parts(
    directory: Path, src_roots: tuple[Path, ...], scanned_root: Path | None, memo: dict[object, object]
) -> list[str]:
    """The module name's parts above a file of ``directory``: below the longest
    ``src`` root holding it, else its package chain."""
    for src in sorted(src_roots, key=lambda p: len(p.parts), reverse=True):
        if src == directory or src in directory.parents:
            return list(directory.relative_to(src).parts)
    root = _resolved(scanned_root, memo) if scanned_root is not None else None
    return _package_parts(directory, root, memo)


def _resolved(path: Path, memo: dict[object, object]) -> Path:
    # a file that is no symlink resolves as its directory does: one realpath per directory
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        mode = 0
    if stat.S_ISLNK(mode) or stat.S_ISDIR(mode):
        whole = ("resolved", path)
        if whole not in memo:
            memo[whole] = path.resolve()
        return memo[whole]  # type: ignore[return-value]
    parent = ("resolved parent", path.parent)
    directory = memo.get(parent)
    if directory is None:
        directory = memo[parent] = path.parent.absolute().resolve()
    return directory / path.name  # type: ignore[operator]


def _package_parts(
    directory: Path, root: Path | None, memo: dict[object, object]
) -> list[str]:
    """The package names from the top package down to ``directory`` ([] outside one)."""
    key = (directory, root)
    if key not in memo:
        if directory.parent != directory and (
            (directory / "__init__.py").is_file()
            or (root is not None and root in directory.parents and _package_above(directory, root))
        ):
            # ``open-webui/`` is imported as ``open_webui`` (its distribution name, as pip
            # normalises it): no import could name a package with a ``-``
            memo[key] = [*_package_parts(directory.parent, root, memo), directory.name.replace("-", "_")]
        else:
            memo[key] = []
    return memo[key]  # type: ignore[return-value]


def _package_above(directory: Path, root: Path) -> bool:
    for parent in directory.parents:
        if (parent / "__init__.py").is_file():
            return True
        if parent == root:
            return False
    return False


def module_names(
    files: list[tuple[Path, Path]], src_roots: tuple[Path, ...]
) -> dict[Path, tuple[str, bool]]:
    """Module names for all scanned files; files that would share one (every
    ``tutorial001.py`` of a docs tree, two services' ``main.py``) are named by their
    path below the scanned root instead, so their facts never merge."""
    memo: dict[object, object] = {}
    names = {path: module_name(path, src_roots, root, memo) for path, root in files}
    count: dict[str, int] = {}
    for name, _ in names.values():
        count[name] = count.get(name, 0) + 1
    roots = dict(files)
    for path, (name, is_package) in list(names.items()):
        if count[name] > 1:
            root = roots[path].resolve()
            base = root if root.is_dir() else root.parent.parent
            relative = path.resolve().relative_to(base).with_suffix("").parts
            if is_package:
                relative = relative[:-1]
            names[path] = (".".join(relative), is_package)
    return names


def display_path(path: Path, cwd: str | None = None) -> str:
    """Relative to the current directory when below it, as flake8 and ruff print
    (``cwd``: the current directory, when the caller names many paths)."""
    cwd = cwd or os.getcwd()
    absolute = os.path.normpath(os.path.join(cwd, path))  # os.path.abspath, with this cwd
    if absolute.startswith(cwd + os.sep):
        return absolute[len(cwd) + 1:]  # below it: what relpath gives, without its work
    try:
        return os.path.relpath(path, cwd)
    except ValueError:  # another drive on Windows
        return str(path)


# -- one file ------------------------------------------------------------------------------
def read_source(data: bytes) -> tuple[str | None, str | None, tuple[int, int]]:
    """(text, problem, (line, column)) — a problem means FAR001."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as error:
        return None, f"invalid encoding declaration ({error})", (1, 1)
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError) as error:
        line = data[: getattr(error, "start", 0)].count(b"\n") + 1
        return None, f"cannot decode as {encoding}", (line, 1)
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\x00" in text:
        before = text[: text.index("\x00")]
        return None, "source contains a null byte", (
            before.count("\n") + 1,
            len(before) - (before.rfind("\n") + 1) + 1,
        )
    return text, None, (1, 1)


def source_lines(text: str) -> tuple[str, ...]:
    """Physical lines as the parser numbers them (``str.splitlines`` also splits at
    form feeds and other separators, which would shift the numbers)."""
    return tuple(_LINE_BREAK.split(text))


def _cpython_verdict(text: str, shown: str) -> SyntaxError | str | None:
    """CPython's own parser on ``text`` (``compile`` with only-AST: nothing runs).

    None when it parses; its SyntaxError when not (LibCST still gets its turn: it
    parses newer syntax, such as 3.14's ``except A, B:``); or, as a string, why the
    file is too deeply nested for any parser (``_TOO_DEEP_FOR_LIBCST``: CPython
    takes it, LibCST could not). CPython guards its stack and raises;
    LibCST's native parser does not and crashes the process (about 2,000 nested
    brackets, 10,000 chained operators), so such a file never reaches it.
    """
    try:
        with warnings.catch_warnings():  # its SyntaxWarnings are not ours to print
            warnings.simplefilter("ignore")
            tree = compile(text, shown, "exec", dont_inherit=True, flags=ast.PyCF_ONLY_AST)
    except SyntaxError as error:
        if error.msg.startswith("too many nested parentheses"):
            return "syntax error: too many nested parentheses"
        return error
    except (RecursionError, MemoryError):
        return "nested too deeply to analyse"
    except ValueError as error:  # e.g. null bytes, caught before: report as CPython does
        return f"syntax error: {error}"
    # ``a and b and …`` is one flat node for CPython, nested ones for LibCST.
    if len(_BOOLEAN_OPERATOR.findall(text)) > _MAX_CHAIN and any(
        isinstance(node, ast.BoolOp) and len(node.values) > _MAX_CHAIN for node in ast.walk(tree)
    ):
        return _TOO_DEEP_FOR_LIBCST
    return None


def _syntax_error_position(
    cpython: SyntaxError | None, error: cst.ParserSyntaxError | None
) -> tuple[int, int]:
    # LibCST's native parser reports a token near the error; CPython's is exact when
    # it can parse the same grammar.
    if cpython is not None and cpython.lineno:
        return cpython.lineno, max(cpython.offset or 1, 1)
    if error is None:
        return 1, 1
    return max(error.raw_line, 1), error.raw_column + 1


def analyse_file(
    path: Path, shown: str, config: Config, module_id: tuple[str, bool]
) -> FileResult:
    return _analyse_task((path, shown, module_id, frozenset(config.blocking.extra)))[1]


def analyse_bytes(
    data: bytes, shown: str, blocking_extra: frozenset[str], module_id: tuple[str, bool]
) -> FileResult:
    text, problem, (line, column) = read_source(data)
    if text is None:
        return FileResult(None, [_unparseable(shown, line, column, problem)])
    result = _analyse_text(text, shown, blocking_extra, module_id)
    result.text = text
    return result


def _analyse_text(
    text: str, shown: str, blocking_extra: frozenset[str], module_id: tuple[str, bool]
) -> FileResult:
    # LibCST loads with the first file parsed: a run the cache answers parses none
    import libcst as cst  # noqa: PLC0415
    from libcst.metadata import MetadataWrapper  # noqa: PLC0415

    from fastapi_rules.model.builder import ModuleModelBuilder  # noqa: PLC0415

    noqa = noqa_lines(text)
    cpython = _cpython_verdict(text, shown)
    if cpython == _TOO_DEEP_FOR_LIBCST:
        return FileResult(None, [_unanalysable(shown, 1, 1, _TOO_DEEP_FOR_LIBCST)], noqa)
    if isinstance(cpython, str):
        return FileResult(None, [_unparseable(shown, 1, 1, cpython)], noqa)
    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError as error:
        message = str(error.message).split(": ", 1)[-1].split("\n")[0]
        if cpython is None:  # CPython parses it: a gap in LibCST's grammar, not an error
            at = _LIBCST_POSITION.search(message)
            line, column = (int(at[1]), int(at[2]) + 1) if at else _syntax_error_position(None, error)
            reason = "LibCST's parser does not accept this syntax, which CPython does"
            return FileResult(None, [_unanalysable(shown, line, column, reason)], noqa)
        line, column = _syntax_error_position(cpython, error)
        return FileResult(None, [_unparseable(shown, line, column, f"syntax error: {message}")], noqa)
    except cst.CSTValidationError as error:
        # LibCST parsed it but cannot build its node (``not.0``, which CPython reads)
        if cpython is None:
            reason = f"LibCST cannot represent it ({error})"
            return FileResult(None, [_unanalysable(shown, 1, 1, reason)], noqa)
        line, column = _syntax_error_position(cpython, None)
        return FileResult(None, [_unparseable(shown, line, column, f"syntax error: {cpython.msg}")], noqa)
    except (RecursionError, MemoryError) as error:
        if cpython is None:
            return FileResult(None, [_unanalysable(shown, 1, 1, _TOO_DEEP_FOR_LIBCST)], noqa)
        return FileResult(None, [_unparseable(shown, 1, 1, type(error).__name__)], noqa)
    name, is_package = module_id
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    builder = ModuleModelBuilder(wrapper, shown, name, is_package, blocking_extra)
    try:
        summary = builder.build()
    except RecursionError:
        # LibCST visits recursively; a 3,000-term ``a + b + ...`` chain exceeds the stack.
        return FileResult(None, [_unanalysable(shown, 1, 1, _TOO_DEEP_FOR_LIBCST)], noqa)
    except Exception as error:  # noqa: BLE001 - one bad file must not stop the run
        finding = _internal_error(shown, "the FastAPI model builder", error)
        return FileResult(None, [finding], noqa, {finding: traceback.format_exc()})
    return FileResult(summary, [], noqa)


def _unparseable(shown: str, line: int, column: int, reason: str) -> Finding:
    return Finding(shown, line, column, UNPARSEABLE, f"cannot parse file: {reason}")


def _unanalysable(shown: str, line: int, column: int, reason: str) -> Finding:
    return Finding(shown, line, column, UNANALYSABLE, f"valid Python that was not analysed: {reason}")


def _internal_error(shown: str, what: str, error: BaseException) -> Finding:
    detail = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    return Finding(
        shown, 1, 1, INTERNAL_ERROR,
        f"internal error in {what}: {detail} (please report; --verbose shows the traceback)",
    )


# -- selection -------------------------------------------------------------------------------
def selected_rules(config: Config) -> list[type[Rule]]:
    """``select`` (default: the rules on by default) plus ``extend-select``, less
    ``ignore`` and ``extend-ignore``. When a code matches both sides the longer
    prefix wins and a tie ignores it, as in ruff and flake8: ``select = ["FAR201"]``
    with ``ignore = ["FAR2"]`` keeps FAR201."""
    selecting = (*(config.select or ()), *config.extend_select)
    ignoring = (*config.ignore, *config.extend_ignore)
    chosen = []
    for rule in ALL_RULES:
        selected_by = _longest_prefix(rule.code, selecting)
        if selected_by is None and config.select is None and rule.default_enabled:
            selected_by = 0
        ignored_by = _longest_prefix(rule.code, ignoring)
        if selected_by is not None and (ignored_by is None or selected_by > ignored_by):
            chosen.append(rule)
    return chosen


def _longest_prefix(code: str, prefixes: Iterable[str]) -> int | None:
    lengths = [len(prefix) for prefix in prefixes if code.startswith(prefix)]
    return max(lengths) if lengths else None


def ignored_in_file(finding: Finding, config: Config) -> bool:
    """Whether ``per-file-ignores`` drops this finding: globs match the file's name or
    its path relative to the configuration's directory (else the current one)."""
    if not config.per_file_ignores:
        return False
    path = Path(finding.path).resolve()
    root = (config.root or Path.cwd()).resolve()
    return any(
        _excluded(path, root, (glob,)) and any(finding.code.startswith(code) for code in codes)
        for glob, codes in config.per_file_ignores
    )


def instantiate(rules: Iterable[type[Rule]], config: Config) -> list[Rule]:
    return [
        rule(config.section(rule.options_section) if rule.options_section else None)
        for rule in rules
    ]


# -- the run -----------------------------------------------------------------------------
@dataclass
class ScannedProject:
    """Every file's analysis and the project index built from them."""

    results: list[FileResult]
    project: ProjectIndex
    files: int
    missing_paths: list[str]


Progress = Callable[[int, int], None]  # (files done, files in all)


@dataclass
class SourceFile:
    path: Path
    shown: str
    module_id: tuple[str, bool]
    stat: Stat | None = None
    digest: str | None = None  # of its bytes, known when a cache is in use

    @property
    def identity(self) -> tuple[str, str, bool]:
        # what the analysis of the same bytes depends on besides the options
        return (self.shown, *self.module_id)


def default_jobs() -> int:
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def open_cache(directory: Path, config: Config) -> Cache:
    # what the analysis of one file reads from the configuration; rule options only
    # matter for the whole run, whose key is the full configuration
    return Cache(directory, repr(sorted(config.blocking.extra)))


def take_inventory(
    paths: Iterable[Path], config: Config, cache: Cache | None = None
) -> tuple[list[SourceFile], list[str]]:
    """The files to scan, with their digests when there is a cache: from the
    manifest when the stat data is unchanged, else by reading and hashing."""
    files, missing = discover(paths, config.exclude)
    names = module_names(files, config.src)
    sources = []
    cwd = os.getcwd()
    for path, _ in files:
        source = SourceFile(path, display_path(path, cwd), names[path])
        if cache is not None:
            absolute = Path(os.path.abspath(path))
            source.stat = stat_key(absolute)
            source.digest = cache.known_digest(absolute, source.stat)
            if source.digest is None:
                try:
                    source.digest = digest(absolute.read_bytes())
                except OSError:
                    pass  # analysed, and reported, as a file that cannot be read
                else:
                    cache.record(absolute, source.stat, source.digest)
        sources.append(source)
    return sources, missing


def analyse_sources(
    sources: list[SourceFile],
    config: Config,
    jobs: int = 1,
    cache: Cache | None = None,
    progress: Progress | None = None,
) -> list[FileResult]:
    """Each file's analysis, from the cache when its bytes were seen before, else
    parsed (in ``jobs`` processes when there is enough to share); in file order."""
    results: list[FileResult | None] = [None] * len(sources)
    todo = []
    for index, source in enumerate(sources):
        if cache is not None and source.digest is not None:
            results[index] = cache.load_file(source.digest, source.identity, FileResult)
        if results[index] is None:
            todo.append(index)
    done = len(sources) - len(todo)
    if jobs > 1:
        # the largest files first: no process is left alone with a long one at the end
        todo.sort(key=lambda index: -_size(sources[index]))
    extra = frozenset(config.blocking.extra)
    tasks = [(sources[i].path, sources[i].shown, sources[i].module_id, extra) for i in todo]
    for index, (file_digest, result) in zip(todo, _analyse_tasks(tasks, jobs)):
        results[index] = result
        if cache is not None and file_digest is not None and file_digest == sources[index].digest:
            cache.store_file(file_digest, sources[index].identity, result)
        done += 1
        if progress is not None:
            progress(done, len(sources))
    if progress is not None and not todo and sources:
        progress(len(sources), len(sources))
    return results  # type: ignore[return-value]


def _size(source: SourceFile) -> int:
    if source.stat is not None:
        return source.stat[1]
    try:
        return os.path.getsize(source.path)
    except OSError:
        return 0


_PARALLEL_MINIMUM = 8  # files per process below which starting processes costs more


def _analyse_tasks(
    tasks: list[tuple[Path, str, tuple[str, bool], frozenset[str]]], jobs: int
) -> Iterator[tuple[str | None, FileResult]]:
    if jobs <= 1 or len(tasks) < _PARALLEL_MINIMUM * 2:
        yield from map(_analyse_task, tasks)
        return
    import multiprocessing  # noqa: PLC0415 - a serial or cached run does without

    # loaded before the fork, LibCST and the builder are imported once instead of in
    # every worker (0.13 s each), and a rule's second parse here finds them loaded
    import fastapi_rules.model.builder  # noqa: F401, PLC0415

    methods = multiprocessing.get_all_start_methods()
    # fork: the workers start with this process's imports, in milliseconds
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    workers = min(jobs, len(tasks) // _PARALLEL_MINIMUM)
    chunk = max(1, min(8, len(tasks) // (workers * 8)))  # small: the last ones end together
    yield from _pool_map(_analyse_task, tasks, workers, chunk, context)


def _pool_map(function: Callable, items: list, workers: int, chunk: int, context: object) -> Iterator:
    """``map(function, items)`` in ``workers`` processes, in order; when a worker dies
    (killed, out of memory) the rest run here, as with ``--jobs 1``."""
    from concurrent.futures import ProcessPoolExecutor  # noqa: PLC0415
    from concurrent.futures.process import BrokenProcessPool  # noqa: PLC0415

    finished = 0
    try:
        with ProcessPoolExecutor(
            workers, mp_context=context, initializer=_ignore_interrupts  # type: ignore[arg-type]
        ) as pool:
            for outcome in pool.map(function, items, chunksize=chunk):
                finished += 1
                yield outcome
    except BrokenProcessPool:
        yield from map(function, items[finished:])


def _ignore_interrupts() -> None:
    # Ctrl-C reaches the whole process group: the parent stops the pool and reports
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _analyse_task(
    task: tuple[Path, str, tuple[str, bool], frozenset[str]],
) -> tuple[str | None, FileResult]:
    path, shown, module_id, extra = task
    try:
        data = path.read_bytes()
    except OSError as error:
        reason = error.strerror or type(error).__name__
        return None, FileResult(
            None, [_unparseable(shown, 1, 1, f"cannot read ({reason})")]
        )
    return digest(data), analyse_bytes(data, shown, extra, module_id)


def scan_project(
    paths: Iterable[Path],
    config: Config,
    progress: Progress | None = None,
    jobs: int = 1,
    cache: Cache | None = None,
) -> ScannedProject:
    sources, missing = take_inventory(paths, config, cache)
    return _scanned(sources, missing, config, progress, jobs, cache)


def _scanned(
    sources: list[SourceFile],
    missing: list[str],
    config: Config,
    progress: Progress | None,
    jobs: int,
    cache: Cache | None,
) -> ScannedProject:
    results = analyse_sources(sources, config, jobs, cache, progress)
    project = ProjectIndex(
        (r.summary for r in results if r.summary), config.auth, frozenset(config.blocking.extra)
    )
    return ScannedProject(results, project, len(sources), missing)


def lint(
    paths: Iterable[Path],
    config: Config,
    apply_noqa: bool = True,
    progress: Progress | None = None,
    jobs: int = 1,
    cache: Cache | None = None,
    keep_project: bool = True,
    keep_sources: bool = True,
) -> LintResult:
    """Findings of every selected rule over ``paths`` as one project.

    With a cache, a tree whose files all have recorded digests reuses the last
    findings for the same files and configuration; ``keep_project=False`` allows it
    (such a result has no ``project``). ``keep_sources=False``: no source lines in
    the result (flake8 prints none), so less to store and load."""
    with _cycle_collection_paused():
        return _lint(paths, config, apply_noqa, progress, jobs, cache, keep_project, keep_sources)


@contextlib.contextmanager
def _cycle_collection_paused() -> Iterator[None]:
    """Python's cycle collector off for the run, then as the caller had it.

    A scan allocates millions of nodes that die by reference counting (a LibCST tree
    has no cycles), and each collection the allocations trigger walks every live
    object, the summaries already kept included: 10-20% of a cold scan's CPU. The
    cycles a scan leaves are a few dozen closures per file; they are freed when the
    collector is back on."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _lint(
    paths: Iterable[Path],
    config: Config,
    apply_noqa: bool,
    progress: Progress | None,
    jobs: int,
    cache: Cache | None,
    keep_project: bool,
    keep_sources: bool,
) -> LintResult:
    sources: list[SourceFile] = []
    previous: PreviousRun | None = None
    scanned: ScannedProject | None = None
    try:
        sources, missing = take_inventory(paths, config, cache)
        run_key = None
        if cache is not None and not keep_project and all(s.digest for s in sources):
            # the run: these files with these bytes; the tree: these files, whatever bytes
            settings = (repr(config), apply_noqa, keep_sources, missing)
            run_key = digest(repr((*settings, [(s.identity, s.digest) for s in sources])).encode())
            # which run this tree had last: an edit is then compared with that run's
            # record, also when the run before it was answered whole from the cache
            # (an edit, an undo, another edit)
            tree_key = "tree-" + digest(repr((*settings, [s.identity for s in sources])).encode())
            last_run = cache.load_run(tree_key, str)
            cached = cache.load_run(run_key, LintResult)
            if cached is not None:
                if last_run != run_key:
                    cache.store_run(tree_key, run_key)
                return cached
            previous = cache.load_run(_RECORD + last_run, PreviousRun) if last_run else None
            if previous is not None and len(previous.digests) == len(sources):
                cache.keep_files(d for d, s in zip(previous.digests, sources) if d != s.digest)
            patched = _unchanged_summaries(
                previous, last_run, sources, config, apply_noqa, jobs, cache, keep_sources
            )
            if patched is not None:
                record, result = patched
                cache.store_run(run_key, result)
                cache.store_run(_RECORD + run_key, record)
                cache.store_run(tree_key, run_key)
                return result
        scanned = _scanned(sources, missing, config, progress, jobs, cache)
        raw: list[list[Finding]] = []
        result = _lint_scanned(scanned, config, apply_noqa, raw, jobs)
        if not keep_sources:
            result.sources = {}
        if run_key is not None:
            result = dataclasses.replace(result, project=None)
            cache.store_run(run_key, result)
            cache.store_run(_RECORD + run_key, PreviousRun(
                [s.digest for s in sources], raw, [r.noqa for r in scanned.results]
            ))
            cache.store_run(tree_key, run_key)
        return result
    finally:
        let_go(sources, previous, scanned)  # every summary and the index: see teardown.py
        if cache is not None:
            cache.close()


_RECORD = "record-"  # a run's PreviousRun, beside its result (stored under the run key)


@dataclass
class PreviousRun:
    """The last run over the same files and configuration, for an edit that leaves
    every module summary as it was (a comment, a blank line, a ``# noqa``): the
    project index and every rule's findings are then the same, and only noqa
    comments and source lines are read again."""

    digests: list[str]
    raw: list[list[Finding]]  # each file's findings before noqa comments
    noqa: list[dict[int, frozenset[str] | None]]


def _unchanged_summaries(
    previous: PreviousRun | None,
    previous_key: str | None,
    sources: list[SourceFile],
    config: Config,
    apply_noqa: bool,
    jobs: int,
    cache: Cache,
    keep_sources: bool = True,
) -> tuple[PreviousRun, LintResult] | None:
    """The previous run brought up to date, and its result, or None when a summary
    changed."""
    if previous is None or previous_key is None or len(previous.digests) != len(sources):
        return None
    previous_result = cache.load_run(previous_key, LintResult)  # with the source lines
    if previous_result is None:
        return None
    changed = [i for i, s in enumerate(sources) if s.digest != previous.digests[i]]
    before = [cache.load_file(previous.digests[i], sources[i].identity, FileResult) for i in changed]
    if not changed or any(b is None for b in before):
        return None
    # parsed here, the changed files are in the file cache for a full run if needed
    after = analyse_sources([sources[i] for i in changed], config, jobs, cache)
    for i, b, a in zip(changed, before, after):
        if (b.summary, b.findings, b.tracebacks) != (a.summary, a.findings, a.tracebacks):  # type: ignore[union-attr]
            return None
        if previous.raw[i] and not (a.summary and a.summary.located):
            return None  # its findings may hold positions a second parse of the old text gave
    noqa = list(previous.noqa)
    texts: dict[str, str | None] = {}
    for i, result in zip(changed, after):
        noqa[i] = result.noqa
        texts[sources[i].shown] = result.text
    findings: list[Finding] = []
    suppressed = 0
    lines = {path: kept for path, kept in previous_result.sources.items() if path not in texts}
    for found, table in zip(previous.raw, noqa):
        shown, silenced = _noqa_kept(found, table, apply_noqa)
        suppressed += silenced
        findings.extend(shown)
        for finding in shown:
            if keep_sources and finding.path not in lines:
                text = texts.get(finding.path)
                if text is None:
                    return None  # a finding in a file without text: not worth the case
                lines[finding.path] = source_lines(text)
    kept = set(findings)
    findings = sorted(kept, key=by_position)
    tracebacks = {f: t for f, t in previous_result.tracebacks.items() if f in kept}
    result = dataclasses.replace(
        previous_result, findings=findings, suppressed=suppressed, tracebacks=tracebacks, sources=lines,
    )
    digests = [s.digest for s in sources]
    return PreviousRun(digests, previous.raw, noqa), result  # type: ignore[arg-type]


def _lint_scanned(
    scanned: ScannedProject,
    config: Config,
    apply_noqa: bool,
    raw: list[list[Finding]] | None = None,
    jobs: int = 1,
) -> LintResult:
    """The findings of the selected rules; ``raw`` gets each file's findings before
    noqa comments (after per-file-ignores, which the configuration alone decides)."""
    results, project = scanned.results, scanned.project
    rule_classes = selected_rules(config)
    codes = {rule.code for rule in rule_classes}
    rules = [rule for rule in instantiate(rule_classes, config) if rule.code not in (INTERNAL_ERROR, UNPARSEABLE, UNANALYSABLE)]
    findings: list[Finding] = []
    tracebacks: dict[Finding, str] = {}
    sources: dict[str, tuple[str, ...]] = {}
    suppressed = 0
    by_rules = _rule_findings(rules, [r.summary for r in results], project, jobs)
    for result, (from_rules, rule_tracebacks) in zip(results, by_rules):
        found = [f for f in result.findings if f.code in codes or f.code == INTERNAL_ERROR]
        tracebacks.update(result.tracebacks)
        found.extend(from_rules)
        tracebacks.update(rule_tracebacks)
        found = [finding for finding in found if not ignored_in_file(finding, config)]
        if raw is not None:
            raw.append(found)
        shown, silenced = _noqa_kept(found, result.noqa, apply_noqa)
        suppressed += silenced
        findings.extend(shown)
        for finding in shown:
            if result.text is not None and finding.path not in sources:
                sources[finding.path] = source_lines(result.text)
    return LintResult(
        sorted(set(findings), key=by_position), scanned.files, scanned.missing_paths, suppressed, tracebacks,
        sources, project,
    )


def _noqa_kept(
    found: list[Finding], noqa: dict[int, frozenset[str] | None], apply_noqa: bool
) -> tuple[list[Finding], int]:
    """A file's findings its noqa comments leave, and how many they silence."""
    if not apply_noqa:
        return found, 0
    kept = [f for f in found if not is_suppressed(f.code, f.line, noqa)]
    return kept, len(found) - len(kept)


_RuleFindings = tuple[list[Finding], dict[Finding, str]]  # a module's findings, FAR000 tracebacks
_PARALLEL_RULES_MINIMUM = 200  # modules below which forking for the rules costs more
# what forked rule workers read: the parent sets it just before the pool forks
_RULE_WORK: tuple[list[Rule], list[ModuleSummary | None], ProjectIndex] | None = None


def _rule_findings(
    rules: list[Rule], summaries: list[ModuleSummary | None], project: ProjectIndex, jobs: int
) -> list[_RuleFindings]:
    """Every module's rule findings, in module order; in ``jobs`` forked processes for a
    large project (they inherit the index rather than receive it: it is every summary)."""
    global _RULE_WORK
    modules = [i for i, summary in enumerate(summaries) if summary is not None]
    serial = jobs <= 1 or len(modules) < _PARALLEL_RULES_MINIMUM
    if not serial:
        import multiprocessing  # noqa: PLC0415 - a serial run does without

        serial = "fork" not in multiprocessing.get_all_start_methods()
    if serial:
        return [_module_rule_findings(rules, s, project) for s in summaries]
    found: list[_RuleFindings] = [([], {}) for _ in summaries]
    size = max(1, len(modules) // (jobs * 4))
    chunks = [modules[start:start + size] for start in range(0, len(modules), size)]
    _RULE_WORK = (rules, summaries, project)
    try:
        outcomes = list(_pool_map(_rules_for_chunk, chunks, jobs, 1, multiprocessing.get_context("fork")))
    finally:
        _RULE_WORK = None
    for chunk, outcome in zip(chunks, outcomes):
        for index, findings in zip(chunk, outcome):
            found[index] = findings
    return found


def _rules_for_chunk(chunk: list[int]) -> list[_RuleFindings]:
    assert _RULE_WORK is not None, "set by the parent before it forks"
    rules, summaries, project = _RULE_WORK
    return [_module_rule_findings(rules, summaries[index], project) for index in chunk]


def _module_rule_findings(
    rules: list[Rule], summary: ModuleSummary | None, project: ProjectIndex
) -> _RuleFindings:
    if summary is None:
        return [], {}
    tracebacks: dict[Finding, str] = {}
    return list(_run_rules(rules, summary, project, tracebacks)), tracebacks


def _run_rules(
    rules: list[Rule],
    summary: ModuleSummary,
    project: ProjectIndex,
    tracebacks: dict[Finding, str],
) -> Iterator[Finding]:
    for rule in rules:
        try:
            found = list(rule.check(summary, project))
        except Exception as error:  # noqa: BLE001 - isolate the failing rule
            finding = _internal_error(summary.path, f"rule {rule.code} ({rule.name})", error)
            tracebacks[finding] = traceback.format_exc()
            yield finding
            continue
        yield from found
