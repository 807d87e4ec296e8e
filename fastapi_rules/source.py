"""One file: its bytes decoded, checked by CPython's parser and LibCST's, and
modelled into a ``ModuleSummary``; or the FAR000, FAR001 or FAR002 finding that says
why not. Those three findings are built here alone, from their rules' messages."""
from __future__ import annotations

import ast
import io
import re
import tokenize
import traceback
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi_rules.cache import digest
from fastapi_rules.config import Config
from fastapi_rules.finding import Finding
from fastapi_rules.noqa import noqa_lines
from fastapi_rules.result import FileResult
from fastapi_rules.rules.far000_internal_error import InternalError
from fastapi_rules.rules.far001_unparseable_file import UnparseableFile
from fastapi_rules.rules.far002_unanalysable_file import UnanalysableFile

if TYPE_CHECKING:
    import libcst as cst

_BOOLEAN_OPERATOR = re.compile(r"\b(?:and|or)\b")
_MAX_CHAIN = 2900  # operands of one chain: CPython's own limit for ``a + b + …``
INTERNAL_ERROR = InternalError.code
UNPARSEABLE = UnparseableFile.code
UNANALYSABLE = UnanalysableFile.code  # valid Python (CPython parses it) that LibCST cannot take
_TOO_DEEP_FOR_LIBCST = "nested too deeply for LibCST"
_LIBCST_POSITION = re.compile(r"error at (\d+):(\d+)")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # the line ends the parser counts


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
    return analyse_path((path, shown, module_id, frozenset(config.blocking.extra)))[1]


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
        finding = internal_error(shown, "the FastAPI model builder", error)
        return FileResult(None, [finding], noqa, {finding: traceback.format_exc()})
    return FileResult(summary, [], noqa)


def _unparseable(shown: str, line: int, column: int, reason: str) -> Finding:
    return Finding(shown, line, column, UNPARSEABLE, UnparseableFile.message.format(reason=reason))


def _unanalysable(shown: str, line: int, column: int, reason: str) -> Finding:
    return Finding(shown, line, column, UNANALYSABLE, UnanalysableFile.message.format(reason=reason))


def internal_error(shown: str, what: str, error: BaseException) -> Finding:
    """FAR000: ``what`` (the model builder, a rule) failed on this file."""
    detail = f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    return Finding(shown, 1, 1, INTERNAL_ERROR, InternalError.message.format(rule=what, error=detail))


def analyse_path(
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
