"""The run: the inventory, the cache's answer when it has one, else every file
analysed (``scan``), the selected rules over each module, and the findings noqa
comments leave, sorted.

Each file is read and parsed once; its ``ModuleSummary`` is the only thing later
stages see. Rules run per module with the whole ``ProjectIndex`` for context, each
inside its own guard so one failure costs one rule on one file. The rooms around it:
``discovery`` (which files, under which module names), ``source`` (one file, and the
FAR000/FAR001/FAR002 findings), ``scan`` (the files in worker processes),
``selection`` (which rules), ``incremental`` (what the cache answers), ``result``.
"""
from __future__ import annotations

import contextlib
import gc
import traceback
from collections.abc import Iterable, Iterator
from pathlib import Path

from fastapi_rules.cache import Cache
from fastapi_rules.config import Config
from fastapi_rules.finding import Finding, by_position
from fastapi_rules.incremental import CachedRuns
from fastapi_rules.model import ModuleSummary
from fastapi_rules.noqa import kept_by_noqa
from fastapi_rules.project import ProjectIndex
from fastapi_rules.result import LintResult
from fastapi_rules.rules import Rule
from fastapi_rules.scan import (
    Progress,
    ScannedProject,
    SourceFile,
    pool_map,
    scanned_project,
    take_inventory,
)
from fastapi_rules.selection import ignored_in_file, instantiate, selected_rules
from fastapi_rules.source import (
    INTERNAL_ERROR,
    UNANALYSABLE,
    UNPARSEABLE,
    internal_error,
    source_lines,
)
from fastapi_rules.teardown import let_go


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
    the result (flake8 prints none), so less to store and load. The caller that
    opened the cache closes it."""
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
    runs: CachedRuns | None = None
    scanned: ScannedProject | None = None
    try:
        sources, missing = take_inventory(paths, config, cache)
        if cache is not None and not keep_project and all(s.digest for s in sources):
            runs = CachedRuns.of(cache, sources, missing, config, apply_noqa, keep_sources)
            reused = runs.reused(sources, config, apply_noqa, jobs, keep_sources)
            if reused is not None:
                return reused
        scanned = scanned_project(sources, missing, config, progress, jobs, cache)
        raw: list[list[Finding]] = []
        result = _lint_scanned(scanned, config, apply_noqa, raw, jobs)
        if not keep_sources:
            result.sources = {}
        if runs is not None:
            result = runs.store(result, sources, raw, scanned.results)
        return result
    finally:
        let_go(sources, runs, scanned)  # every summary and the index: see teardown.py


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
        shown, silenced = kept_by_noqa(found, result.noqa, apply_noqa)
        suppressed += silenced
        findings.extend(shown)
        for finding in shown:
            if result.text is not None and finding.path not in sources:
                sources[finding.path] = source_lines(result.text)
    return LintResult(
        sorted(set(findings), key=by_position), scanned.files, scanned.missing_paths, suppressed, tracebacks,
        sources, project,
    )


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
        outcomes = list(pool_map(_rules_for_chunk, chunks, jobs, 1, multiprocessing.get_context("fork")))
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
            finding = internal_error(summary.path, f"rule {rule.code} ({rule.name})", error)
            tracebacks[finding] = traceback.format_exc()
            yield finding
            continue
        yield from found

