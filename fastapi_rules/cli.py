"""The command line: a thin click app; all analysis lives in the engine."""
from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from fastapi_rules import __version__
from fastapi_rules.constants import CACHE_DIR_VARIABLE, FORMATS

if TYPE_CHECKING:
    from fastapi_rules.config import Config

# Each command imports the engine and the reports it uses when it runs: `--version`
# and `--help` then load click alone (the engine's imports take about 90 ms).

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it


def _codes(value: str | None) -> tuple[str, ...] | None:
    if not value:
        return None
    from fastapi_rules.api import KNOWN_CODES  # noqa: PLC0415

    codes = tuple(c.strip().upper() for c in value.split(",") if c.strip())
    for code in codes:
        if not any(known.startswith(code) for known in KNOWN_CODES):
            raise click.BadParameter(
                f"unknown rule code {code!r} (see `fastapi-rules rules`)"
            )
    return codes


def _config(paths: list[Path], config_path: Path | None) -> Config:
    """The configuration, or exit 2 with the message naming file, key and fix."""
    from fastapi_rules.api import config_for  # noqa: PLC0415
    from fastapi_rules.config import ConfigError  # noqa: PLC0415

    try:
        return config_for(paths, config_path)
    except ConfigError as error:
        _fail(str(error))


def _report_missing(missing_paths: list[str]) -> None:
    for missing in missing_paths:
        click.echo(f"fastapi-rules: error: {missing}: no such file or directory", err=True)


class OneLineErrors(click.Group):
    """click, with usage errors (a bad option value, a missing argument) on one line
    instead of the usage text, a blank line and the message."""

    def main(self, *args: object, **kwargs: object) -> NoReturn:  # type: ignore[override]
        kwargs["standalone_mode"] = False
        try:
            status = super().main(*args, **kwargs)  # type: ignore[arg-type]
        except click.ClickException as error:
            click.echo(f"fastapi-rules: error: {error.format_message()} (see --help)", err=True)
            sys.exit(error.exit_code)
        except click.Abort:  # Ctrl-C
            click.echo("fastapi-rules: interrupted", err=True)
            sys.exit(EXIT_INTERRUPTED)
        sys.exit(status if isinstance(status, int) else EXIT_CLEAN)


def run() -> NoReturn:
    """The console script and ``python -m fastapi_rules``: ``main``, then the process
    ends at once, without freeing what the run built (see ``teardown.py``)."""
    from fastapi_rules import teardown  # noqa: PLC0415

    teardown.keep_until_exit()
    try:
        main()
    except SystemExit as exit:
        status = exit.code
    else:  # main always exits; this is for the type checker
        status = EXIT_CLEAN
    if not isinstance(status, int):  # as ``sys.exit`` treats a message or None
        if status is not None:
            print(status, file=sys.stderr)
        status = EXIT_CLEAN if status is None else 1
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (``| head``): nothing more to say
            pass
    os._exit(status)


def performance_options(command: Callable[..., object]) -> Callable[..., object]:
    """``--jobs``, ``--no-cache`` and ``--cache-dir``: how fast, never what is found."""
    command = click.option(
        "--cache-dir",
        type=click.Path(path_type=Path, file_okay=False),
        envvar=CACHE_DIR_VARIABLE,
        help="Where to keep results between runs: a new or empty directory, or one this tool "
        "made (env FASTAPI_RULES_CACHE_DIR; config `cache-dir`, inside the project; default: "
        ".fastapi_rules_cache beside the config file, else the user's cache directory).",
    )(command)
    command = click.option(
        "--no-cache",
        is_flag=True,
        help="Parse every file and neither read nor write the cache.",
    )(command)
    return click.option(
        "--jobs",
        "-j",
        type=click.IntRange(min=0),
        default=0,
        metavar="N",
        help="Processes that parse files; 0 (the default) means one per core.",
    )(command)


@click.group(cls=OneLineErrors, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="fastapi-rules")
def main() -> None:
    """Check FastAPI code against the backend rules teams write down.

    \b
    Examples:
      fastapi-rules scan app/              lint a project
      fastapi-rules scan --select FAR2 .   only the auth rules
      fastapi-rules routes --unauthenticated app/
                                           endpoints no dependency protects
      fastapi-rules rules                  list every rule code

    Exit status: 0 no findings, 1 findings, 2 usage or configuration error.
    """


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--select", help="Comma-separated codes or prefixes to enable instead of the configured ones (e.g. FAR2,FAR301).")
@click.option("--ignore", help="Comma-separated codes or prefixes to disable instead of the configured ones.")
@click.option("--extend-select", help="Comma-separated codes or prefixes to enable on top of the selection (e.g. FAR105).")
@click.option("--extend-ignore", help="Comma-separated codes or prefixes to disable on top of `ignore`.")
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="pyproject.toml or .fastapi-rules.yaml to use instead of the one found from PATHS.",
)
@click.option(
    "--format",
    "output_format",
    default="text",
    show_default=True,
    metavar="|".join(FORMATS),
    help="text: path:line:col: CODE message; json: an array of findings; sarif: SARIF 2.1.0 "
    "for code scanning; github: GitHub Actions annotations; html: a self-contained page "
    "with the endpoint table.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path),
    metavar="FILE",
    help="Write the report to this file (all at once, replacing it) instead of stdout.",
)
@click.option("--statistics", is_flag=True, help="Also print how many findings each code has.")
@click.option("--show-source", is_flag=True, help="text format: show each offending line with a caret under the column.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings (errors still exit 2).")
@click.option(
    "--baseline",
    "baseline_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Report only findings not recorded in this baseline file, and say how many it suppressed.",
)
@click.option(
    "--write-baseline",
    "write_baseline_path",
    type=click.Path(path_type=Path),
    metavar="FILE",
    help="Record every current finding in this baseline file (any --baseline aside) and exit 0.",
)
@click.option("--verbose", "-v", is_flag=True, help="Show tracebacks of internal errors.")
@click.option(
    "--fix",
    is_flag=True,
    help="Rewrite files in place for the findings that have a safe fix; report the rest.",
)
@click.option(
    "--diff",
    "show_diff",
    is_flag=True,
    help="Print the fixes as a unified diff and change nothing (exit 1 if there is any).",
)
@click.option(
    "--unsafe-fixes",
    is_flag=True,
    help="With --fix or --diff, also apply fixes that can change behaviour (FAR401, FAR602).",
)
@performance_options
def scan(
    paths: tuple[Path, ...],
    select: str | None,
    ignore: str | None,
    extend_select: str | None,
    extend_ignore: str | None,
    config_path: Path | None,
    output_format: str,
    output: Path | None,
    statistics: bool,
    show_source: bool,
    exit_zero: bool,
    baseline_path: Path | None,
    write_baseline_path: Path | None,
    verbose: bool,
    fix: bool,
    show_diff: bool,
    unsafe_fixes: bool,
    jobs: int,
    no_cache: bool,
    cache_dir: Path | None,
) -> None:
    """Lint PATHS (files or directories; default: the current directory) as one project.

    Prints `path:line:col: CODE message` per finding, then a summary on stderr.
    Files under .git, .venv, venv, node_modules, __pycache__, build and dist, and
    the configured `exclude` globs, are skipped. `# noqa` and `# noqa: FAR201`
    silence a finding on their line; `per-file-ignores` in the config silences
    codes in whole files.

    --fix rewrites what can be fixed (each file re-parsed before it is written,
    atomically) and reports what is left; --diff shows the same rewrites.

    \b
    A baseline adopts the rules on an existing codebase:
      fastapi-rules scan --write-baseline .fastapi-rules-baseline.json .
      fastapi-rules scan --baseline .fastapi-rules-baseline.json .
    Findings are matched by code, file and the text of the line and its enclosing
    def, not by line number, so edits elsewhere do not make old findings new.
    """
    from fastapi_rules.api import fix_paths, lint_paths  # noqa: PLC0415
    from fastapi_rules.atomic import check_writable  # noqa: PLC0415
    from fastapi_rules.baseline import BaselineError, load_baseline, render_baseline  # noqa: PLC0415
    from fastapi_rules.discovery import display_path  # noqa: PLC0415
    from fastapi_rules.fingerprint import repository_root  # noqa: PLC0415
    from fastapi_rules.report import Report  # noqa: PLC0415
    from fastapi_rules.report.formats import render  # noqa: PLC0415
    from fastapi_rules.report.progress import ProgressBar  # noqa: PLC0415
    from fastapi_rules.report.text import render_statistics, use_colour  # noqa: PLC0415
    from fastapi_rules.scan import default_jobs  # noqa: PLC0415
    from fastapi_rules.selection import selected_rules  # noqa: PLC0415

    if output_format not in FORMATS:
        _fail(f"unknown format {output_format!r}; expected one of {', '.join(FORMATS)}")
    path_list = list(paths) or [Path(".")]
    try:
        codes = [_codes(value) for value in (select, ignore, extend_select, extend_ignore)]
    except click.BadParameter as error:
        _fail(str(error.message))
    config = _config(path_list, config_path).with_selection(*codes)
    for target in (output, write_baseline_path):
        if target is not None:
            try:
                check_writable(target)
            except OSError as error:
                _fail(f"cannot write {target}: {error.strerror or error}")
    baseline = None
    if baseline_path is not None and write_baseline_path is None:
        try:
            baseline = load_baseline(baseline_path)
        except BaselineError as error:
            _fail(str(error))
    if not selected_rules(config):
        click.echo("fastapi-rules: warning: no rules selected (check `select` and `ignore`)", err=True)
    if fix and show_diff:
        _fail("--fix and --diff exclude each other: --diff changes nothing")
    if show_diff:
        _show_diff(path_list, config, unsafe_fixes)
    fixed, failed_writes = 0, 0
    if fix:
        fix_report = fix_paths(path_list, config, unsafe_fixes, write=True)
        result, fixed, failed_writes = fix_report.result, fix_report.fixed, len(fix_report.failed)
        for failed_path, reason in fix_report.failed:
            click.echo(f"fastapi-rules: error: cannot write {display_path(failed_path)}: {reason}", err=True)
    else:
        progress = ProgressBar(sys.stderr) if sys.stderr.isatty() else None
        with _cache_refusal_fails(config, cache_dir):
            result = lint_paths(
                path_list, config, progress=progress, jobs=jobs or default_jobs(), cache=not no_cache,
                keep_project=output_format == "html",  # the report's endpoint table
                cache_dir=cache_dir,
            )
    _report_missing(result.missing_paths)
    report = Report.of(result, repository_root(path_list[0], config.root))
    if write_baseline_path is not None:
        if result.missing_paths:  # a baseline of part of the project would mislead
            _fail(f"baseline not written to {write_baseline_path}: a path to scan is missing")
        _write(write_baseline_path, render_baseline(report.findings, report.fingerprints))
        click.echo(f"Wrote {len(report.findings)} findings to the baseline {write_baseline_path}.", err=True)
        sys.exit(EXIT_CLEAN)
    in_baseline = 0
    if baseline is not None:
        report, in_baseline = report.without(baseline)
    text_to_stdout = output is None and output_format == "text"
    rendered = render(report, output_format, show_source, text_to_stdout and use_colour(sys.stdout))
    if output is not None:
        _write(output, rendered)
    else:
        click.echo(rendered, nl=False)
    if statistics:
        # after the findings on stdout; on stderr where it would spoil a JSON, SARIF or HTML document
        click.echo(render_statistics(report.findings), nl=False, err=not text_to_stdout)
    if verbose:
        for finding in report.findings:
            if finding in result.tracebacks:
                click.echo(result.tracebacks[finding], err=True)
    count = len(report.findings)
    if result.files == 0 and not result.missing_paths:
        click.echo("fastapi-rules: no Python files found", err=True)
    else:
        noun = "finding" if count == 1 else "findings"
        notes = [f"{result.suppressed} silenced by noqa"] if result.suppressed else []
        if baseline is not None:
            notes.append(f"{in_baseline} suppressed by the baseline")
        extra = f" ({', '.join(notes)})" if notes else ""
        fixed_note = f"Fixed {fixed}, " if fix else ""
        click.echo(f"{fixed_note}Found {count} {noun} in {result.files} files{extra}.", err=True)
    if result.missing_paths or failed_writes:
        sys.exit(EXIT_USAGE)
    sys.exit(EXIT_FINDINGS if count and not exit_zero else EXIT_CLEAN)


@contextlib.contextmanager
def _cache_refusal_fails(config: Config, cache_dir: Path | None) -> Iterator[None]:
    """A cache directory that is not the tool's to write in is a usage error (exit 2),
    named with the setting that chose it."""
    from fastapi_rules.api import cache_directory_origin  # noqa: PLC0415
    from fastapi_rules.cache import CacheDirError  # noqa: PLC0415

    try:
        yield
    except CacheDirError as error:
        # click fills ``--cache-dir`` from the variable too: the API tells them apart
        source = click.get_current_context().get_parameter_source("cache_dir")
        explicit = None if source is click.core.ParameterSource.ENVIRONMENT else cache_dir
        _fail(f"{cache_directory_origin(config, explicit)}: {error}")


def _fail(message: str) -> NoReturn:
    """A usage problem: one line on stderr, exit status 2."""
    click.echo(f"fastapi-rules: error: {message}", err=True)
    sys.exit(EXIT_USAGE)


def _write(path: Path, text: str) -> None:
    from fastapi_rules.atomic import write_atomically  # noqa: PLC0415

    try:
        write_atomically(path, text)
    except OSError as error:
        _fail(f"cannot write {path}: {error.strerror or error}")


def _show_diff(paths: list[Path], config: Config, unsafe: bool) -> None:
    from fastapi_rules.api import fix_paths  # noqa: PLC0415
    from fastapi_rules.discovery import display_path  # noqa: PLC0415

    report = fix_paths(paths, config, unsafe, write=False)
    _report_missing(report.result.missing_paths)
    for file_fix in report.fixes:
        click.echo(file_fix.diff(display_path(file_fix.path)), nl=False)
    files = len(report.fixes)
    click.echo(f"Would fix {report.fixed} findings in {files} files.", err=True)
    if report.result.missing_paths:
        sys.exit(EXIT_USAGE)
    sys.exit(EXIT_FINDINGS if report.fixed else EXIT_CLEAN)


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["table", "json", "markdown", "csv"]),
    default="table",
    show_default=True,
    help="Output format: table, markdown and csv for people; json for scripts, one object per "
    "endpoint with methods, path, file, line, handler, verdict "
    "(authenticated|middleware|public|unknown|none), reason, via, dependencies, "
    "response_model, status_code and app.",
)
@click.option(
    "--unauthenticated",
    is_flag=True,
    help="Only endpoints no dependency authenticates: auth `NO` or `unknown`.",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="pyproject.toml or .fastapi-rules.yaml to use instead of the one found from PATHS.",
)
@performance_options
def routes(
    paths: tuple[Path, ...],
    output_format: str,
    unauthenticated: bool,
    config_path: Path | None,
    jobs: int,
    no_cache: bool,
    cache_dir: Path | None,
) -> None:
    """List every endpoint of the application in PATHS, with who may call it.

    One row per endpoint as FastAPI serves it (a router included twice gives two
    rows): methods, full path with every prefix, handler file:line, auth, response
    model and status code. Sorted by path, then methods.

    \b
    auth is one of:
      yes: <dependency and why it counts> via <where it is declared>
      global: <auth middleware, or auth.global = true>
      public path      the full path matches auth.public_paths
      unknown: <why>   no auth found, but an include_router above it could not
                       be resolved, so inherited dependencies may be missing
      NO               nothing authenticates it (FAR201/FAR202)
    """
    from fastapi_rules.api import scan_routes  # noqa: PLC0415
    from fastapi_rules.report.routes import (  # noqa: PLC0415
        render_csv,
        render_json,
        render_markdown,
        render_table,
        route_rows,
        summary_line,
    )
    from fastapi_rules.report.text import use_colour  # noqa: PLC0415
    from fastapi_rules.scan import default_jobs  # noqa: PLC0415

    path_list = list(paths) or [Path(".")]
    config = _config(path_list, config_path)
    with _cache_refusal_fails(config, cache_dir):
        scanned = scan_routes(
            path_list, config, jobs=jobs or default_jobs(), cache=not no_cache, cache_dir=cache_dir
        )
    _report_missing(scanned.missing_paths)
    rows = route_rows(scanned.project)
    if unauthenticated:
        rows = [row for row in rows if row.unauthenticated]
    if output_format == "json":
        click.echo(render_json(rows))
    elif output_format == "csv":
        click.echo(render_csv(rows))
    elif output_format == "markdown":
        click.echo(render_markdown(rows))
    else:
        click.echo(render_table(rows, use_colour(sys.stdout)))
    click.echo(summary_line(rows), err=True)
    sys.exit(EXIT_USAGE if scanned.missing_paths else EXIT_CLEAN)


@main.command()
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "markdown"]),
    default="text",
    show_default=True,
    help="text: one line per rule; json: the metadata of every rule; markdown: the README's table.",
)
def rules(output_format: str) -> None:
    """List every rule: code, name, whether it is on by default, and its summary."""
    from fastapi_rules.report.rules import (  # noqa: PLC0415
        render_rules_json,
        render_rules_markdown,
        render_rules_text,
    )

    renderer = {"text": render_rules_text, "json": render_rules_json, "markdown": render_rules_markdown}
    click.echo(renderer[output_format](), nl=False)


@main.command()
@click.argument("code")
def explain(code: str) -> None:
    """Print the documentation of the rule CODE (e.g. FAR201): what it does, why, an
    example and the fix, and its options."""
    from fastapi_rules.rule_docs import render as render_rule_doc  # noqa: PLC0415
    from fastapi_rules.rules import RULES_BY_CODE  # noqa: PLC0415

    rule = RULES_BY_CODE.get(code.strip().upper())
    if rule is None:
        _fail(f"unknown rule code {code!r} (see `fastapi-rules rules`)")
    click.echo(render_rule_doc(rule), nl=False)
