"""discover → parse once → model in one traversal → all rules → sort.

Each file is read and parsed once; its ``ModuleSummary`` is the only thing later
stages see. Rules run per module with the whole ``ProjectIndex`` for context, each
inside its own guard so one failure costs one rule on one file.
"""
from __future__ import annotations

import ast
import fnmatch
import io
import os
import re
import tokenize
import traceback
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import libcst as cst
from libcst.metadata import MetadataWrapper

from fastapi_rules.config import Config
from fastapi_rules.finding import Finding
from fastapi_rules.model import ModuleSummary
from fastapi_rules.model.builder import ModuleModelBuilder
from fastapi_rules.noqa import is_suppressed, noqa_lines
from fastapi_rules.project import ProjectIndex
from fastapi_rules.rules import ALL_RULES, Rule

SKIPPED_DIRECTORIES = frozenset(
    {".git", ".hg", ".svn", ".venv", "venv", "node_modules", "__pycache__", "build", "dist",
     ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache"}
)
_BOOLEAN_OPERATOR = re.compile(r"\b(?:and|or)\b")
_MAX_CHAIN = 2900  # operands of one chain: CPython's own limit for ``a + b + …``
INTERNAL_ERROR = "FAR000"
UNPARSEABLE = "FAR001"
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
            for directory, subdirectories, files in os.walk(path):
                subdirectories[:] = sorted(
                    d
                    for d in subdirectories
                    if d not in SKIPPED_DIRECTORIES
                    and not _excluded(Path(directory) / d, path, exclude)
                )
                for name in files:
                    candidate = Path(directory) / name
                    # is_file: not a FIFO (reading one would block), socket or broken link
                    if (
                        name.endswith(".py")
                        and not _excluded(candidate, path, exclude)
                        and candidate.is_file()
                    ):
                        found.setdefault(candidate, path)
        else:
            missing.append(str(path))
    return sorted(found.items()), missing


def _excluded(path: Path, root: Path, exclude: tuple[str, ...]) -> bool:
    """``exclude`` globs match a name, or a path relative to the scanned root
    (``tests/``, ``scripts/*``, ``*_pb2.py``), as in ruff and flake8."""
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
    path: Path, src_roots: tuple[Path, ...], scanned_root: Path | None = None
) -> tuple[str, bool]:
    """The dotted module name Python would import ``path`` as, and whether it is a package.

    The ``__init__.py`` chain decides, as for Python. A directory without one that
    sits below the scanned root inside a package (a PEP 420 namespace package, common
    in wheels: ``open_webui/utils/``) counts too; ``backend/`` above ``backend/app/``
    does not, so the full-stack template's ``app.main`` keeps its import name.
    """
    absolute = path.resolve()
    is_package = absolute.name == "__init__.py"
    root = scanned_root.resolve() if scanned_root is not None else None
    for src in sorted(src_roots, key=lambda p: len(p.parts), reverse=True):
        if src in absolute.parents:
            parts = list(absolute.relative_to(src).with_suffix("").parts)
            break
    else:
        parts = [absolute.stem]
        directory = absolute.parent
        while directory.parent != directory and (
            (directory / "__init__.py").is_file()
            or (root is not None and root in directory.parents and _package_above(directory, root))
        ):
            # ``open-webui/`` is imported as ``open_webui`` (its distribution name, as pip
            # normalises it): no import could name a package with a ``-``
            parts.insert(0, directory.name.replace("-", "_"))
            directory = directory.parent
    if is_package:
        parts = parts[:-1]
    return ".".join(parts) or absolute.parent.name, is_package


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
    names = {path: module_name(path, src_roots, root) for path, root in files}
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


def display_path(path: Path) -> str:
    """Relative to the current directory when below it, as flake8 and ruff print."""
    try:
        return os.path.relpath(path)
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
    file is too deeply nested for any parser. CPython guards its stack and raises;
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
        return "nested too deeply to analyse"
    return None


def _syntax_error_position(
    cpython: SyntaxError | None, error: cst.ParserSyntaxError
) -> tuple[int, int]:
    # LibCST's native parser reports a token near the error; CPython's is exact when
    # it can parse the same grammar.
    if cpython is not None and cpython.lineno:
        return cpython.lineno, max(cpython.offset or 1, 1)
    return max(error.raw_line, 1), error.raw_column + 1


def analyse_file(
    path: Path, shown: str, config: Config, module_id: tuple[str, bool]
) -> FileResult:
    try:
        data = path.read_bytes()
    except OSError as error:
        reason = error.strerror or type(error).__name__
        return FileResult(None, [Finding(shown, 1, 1, UNPARSEABLE, f"cannot parse file: cannot read ({reason})")])
    text, problem, (line, column) = read_source(data)
    if text is None:
        return FileResult(None, [Finding(shown, line, column, UNPARSEABLE, f"cannot parse file: {problem}")])
    result = _analyse_text(text, shown, config, module_id)
    result.text = text
    return result


def _analyse_text(text: str, shown: str, config: Config, module_id: tuple[str, bool]) -> FileResult:
    noqa = noqa_lines(text)
    cpython = _cpython_verdict(text, shown)
    if isinstance(cpython, str):
        return FileResult(None, [Finding(shown, 1, 1, UNPARSEABLE, f"cannot parse file: {cpython}")], noqa)
    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError as error:
        line, column = _syntax_error_position(cpython, error)
        message = str(error.message).split(": ", 1)[-1].split("\n")[0]
        return FileResult(
            None, [Finding(shown, line, column, UNPARSEABLE, f"cannot parse file: syntax error: {message}")], noqa
        )
    except (RecursionError, MemoryError) as error:
        return FileResult(None, [Finding(shown, 1, 1, UNPARSEABLE, f"cannot parse file: {type(error).__name__}")], noqa)
    name, is_package = module_id
    wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
    builder = ModuleModelBuilder(wrapper, shown, name, is_package, frozenset(config.blocking.extra))
    try:
        summary = builder.build()
    except RecursionError:
        # LibCST visits recursively; a 3,000-term ``a + b + ...`` chain exceeds the stack.
        return FileResult(
            None,
            [Finding(shown, 1, 1, UNPARSEABLE, "cannot parse file: nested too deeply to analyse")],
            noqa,
        )
    except Exception as error:  # noqa: BLE001 - one bad file must not stop the run
        finding = _internal_error(shown, "the FastAPI model builder", error)
        return FileResult(None, [finding], noqa, {finding: traceback.format_exc()})
    return FileResult(summary, [], noqa)


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


def scan_project(
    paths: Iterable[Path], config: Config, progress: Progress | None = None
) -> ScannedProject:
    files, missing = discover(paths, config.exclude)
    names = module_names(files, config.src)
    results = []
    for done, (path, _) in enumerate(files, start=1):
        results.append(analyse_file(path, display_path(path), config, names[path]))
        if progress is not None:
            progress(done, len(files))
    project = ProjectIndex(
        (r.summary for r in results if r.summary), config.auth, frozenset(config.blocking.extra)
    )
    return ScannedProject(results, project, len(files), missing)


def lint(
    paths: Iterable[Path],
    config: Config,
    apply_noqa: bool = True,
    progress: Progress | None = None,
) -> LintResult:
    scanned = scan_project(paths, config, progress)
    results, project = scanned.results, scanned.project
    rule_classes = selected_rules(config)
    codes = {rule.code for rule in rule_classes}
    rules = [rule for rule in instantiate(rule_classes, config) if rule.code not in (INTERNAL_ERROR, UNPARSEABLE)]
    findings: list[Finding] = []
    tracebacks: dict[Finding, str] = {}
    sources: dict[str, tuple[str, ...]] = {}
    suppressed = 0
    for result in results:
        found = [f for f in result.findings if f.code in codes or f.code == INTERNAL_ERROR]
        tracebacks.update(result.tracebacks)
        if result.summary is not None:
            found.extend(_run_rules(rules, result.summary, project, tracebacks))
        for finding in found:
            if ignored_in_file(finding, config):
                continue
            if apply_noqa and is_suppressed(finding.code, finding.line, result.noqa):
                suppressed += 1
            else:
                findings.append(finding)
                if result.text is not None and finding.path not in sources:
                    sources[finding.path] = source_lines(result.text)
    return LintResult(
        sorted(set(findings)), scanned.files, scanned.missing_paths, suppressed, tracebacks,
        sources, project,
    )


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
