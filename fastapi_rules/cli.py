"""The command line: a thin click app; all analysis lives in the engine."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from fastapi_rules import __version__
from fastapi_rules.api import KNOWN_CODES, config_for, lint_paths
from fastapi_rules.config import Config, ConfigError
from fastapi_rules.engine import display_path, scan_project, selected_rules
from fastapi_rules.fix import fix_project
from fastapi_rules.report.routes import (
    render_csv,
    render_json,
    render_markdown,
    render_table,
    route_rows,
    summary_line,
)
from fastapi_rules.rules import ALL_RULES

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def _codes(value: str | None) -> tuple[str, ...] | None:
    if not value:
        return None
    codes = tuple(c.strip().upper() for c in value.split(",") if c.strip())
    for code in codes:
        if not any(known.startswith(code) for known in KNOWN_CODES):
            raise click.BadParameter(
                f"unknown rule code {code!r} (see `fastapi-rules rules`)"
            )
    return codes


def _config(paths: list[Path], config_path: Path | None) -> Config:
    """The configuration, or exit 2 with the message naming file, key and fix."""
    try:
        return config_for(paths, config_path)
    except ConfigError as error:
        click.echo(f"fastapi-rules: error: {error}", err=True)
        sys.exit(EXIT_USAGE)


def _report_missing(missing_paths: list[str]) -> None:
    for missing in missing_paths:
        click.echo(f"fastapi-rules: error: {missing}: no such file or directory", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
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
@click.option("--select", help="Comma-separated codes or prefixes to enable (e.g. FAR2,FAR301).")
@click.option("--ignore", help="Comma-separated codes or prefixes to disable.")
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="pyproject.toml or .fastapi-rules.yaml to use instead of the one found from PATHS.",
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
def scan(
    paths: tuple[Path, ...],
    select: str | None,
    ignore: str | None,
    config_path: Path | None,
    verbose: bool,
    fix: bool,
    show_diff: bool,
    unsafe_fixes: bool,
) -> None:
    """Lint PATHS (files or directories; default: the current directory) as one project.

    Prints `path:line:col: CODE message` per finding, then a summary on stderr.
    Files under .git, .venv, venv, node_modules, __pycache__, build and dist, and
    the configured `exclude` globs, are skipped. `# noqa` and `# noqa: FAR201`
    silence a finding on their line.

    --fix rewrites what can be fixed (each file re-parsed before it is written,
    atomically) and reports what is left; --diff shows the same rewrites.
    """
    path_list = list(paths) or [Path(".")]
    try:
        select_codes, ignore_codes = _codes(select), _codes(ignore)
    except click.BadParameter as error:
        raise click.UsageError(str(error.message)) from None
    config = _config(path_list, config_path).with_selection(select_codes, ignore_codes)
    if not selected_rules(config):
        click.echo("fastapi-rules: warning: no rules selected (check `select` and `ignore`)", err=True)
    if fix and show_diff:
        raise click.UsageError("--fix and --diff exclude each other: --diff changes nothing")
    if show_diff:
        _show_diff(path_list, config, unsafe_fixes)
    fixed = 0
    if fix:
        report = fix_project(path_list, config, unsafe_fixes, write=True)
        result, fixed = report.result, report.fixed
        for failed_path, reason in report.failed:
            click.echo(f"fastapi-rules: error: cannot write {display_path(failed_path)}: {reason}", err=True)
    else:
        result = lint_paths(path_list, config)
    _report_missing(result.missing_paths)
    for finding in result.findings:
        click.echo(str(finding))
        if verbose and finding in result.tracebacks:
            click.echo(result.tracebacks[finding], err=True)
    count = len(result.findings)
    if result.files == 0 and not result.missing_paths:
        click.echo("fastapi-rules: no Python files found", err=True)
    else:
        noun = "finding" if count == 1 else "findings"
        extra = f" ({result.suppressed} silenced by noqa)" if result.suppressed else ""
        fixed_note = f"Fixed {fixed}, " if fix else ""
        click.echo(f"{fixed_note}Found {count} {noun} in {result.files} files{extra}.", err=True)
    if result.missing_paths or (fix and report.failed):
        sys.exit(EXIT_USAGE)
    sys.exit(EXIT_FINDINGS if count else EXIT_CLEAN)


def _show_diff(paths: list[Path], config: Config, unsafe: bool) -> None:
    report = fix_project(paths, config, unsafe, write=False)
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
    help="Output format.",
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
def routes(
    paths: tuple[Path, ...], output_format: str, unauthenticated: bool, config_path: Path | None
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
    path_list = list(paths) or [Path(".")]
    scanned = scan_project(path_list, _config(path_list, config_path))
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
        color = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
        click.echo(render_table(rows, color))
    click.echo(summary_line(rows), err=True)
    sys.exit(EXIT_USAGE if scanned.missing_paths else EXIT_CLEAN)


@main.command()
def rules() -> None:
    """List every rule: code, name, whether it is on by default, and its summary."""
    for rule in ALL_RULES:
        state = "" if rule.default_enabled else " (off by default)"
        click.echo(f"{rule.code}  {rule.name:<30} {rule.summary_line()}{state}")
