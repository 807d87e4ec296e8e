"""Runs the cache answers, whole or in part, and what a run leaves there for the next.

A run over files whose digests are all known is named by them and the effective
configuration (the run key); the same files whatever their bytes are a tree (the
tree key), which points at the run it had last. A run the cache holds is printed as
it was. Otherwise, when every changed file keeps its module summary (a comment, a
blank line, a ``# noqa``), the last run's findings are brought up to date without
building the index or running a rule (``PreviousRun``).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from fastapi_rules.cache import Cache, digest
from fastapi_rules.config import Config
from fastapi_rules.finding import Finding, by_position
from fastapi_rules.noqa import kept_by_noqa
from fastapi_rules.result import FileResult, LintResult
from fastapi_rules.scan import SourceFile, analyse_sources
from fastapi_rules.source import source_lines

RECORD = "record-"  # a run's PreviousRun, beside its result (stored under the run key)


def open_cache(directory: Path, config: Config) -> Cache:
    # what the analysis of one file reads from the configuration; rule options only
    # matter for the whole run, whose key is the full configuration
    return Cache(directory, repr(sorted(config.blocking.extra)))


@dataclass
class CachedRuns:
    """What the cache knows of one run over ``sources``: its result, or the last run of
    the same tree to bring up to date; and where this run's result goes."""

    cache: Cache
    run_key: str  # these files with these bytes, this configuration
    tree_key: str  # these files, whatever their bytes
    last_run: str | None  # the run key the tree had last
    previous: PreviousRun | None = None

    @classmethod
    def of(
        cls, cache: Cache, sources: list[SourceFile], missing: list[str], config: Config,
        apply_noqa: bool, keep_sources: bool,
    ) -> CachedRuns:
        settings = (repr(config), apply_noqa, keep_sources, missing)
        run_key = digest(repr((*settings, [(s.identity, s.digest) for s in sources])).encode())
        # which run this tree had last: an edit is then compared with that run's
        # record, also when the run before it was answered whole from the cache
        # (an edit, an undo, another edit)
        tree_key = "tree-" + digest(repr((*settings, [s.identity for s in sources])).encode())
        return cls(cache, run_key, tree_key, cache.load_run(tree_key, str))

    def reused(
        self, sources: list[SourceFile], config: Config, apply_noqa: bool, jobs: int, keep_sources: bool
    ) -> LintResult | None:
        """This run's result from the cache, whole or patched; None: run the rules."""
        cached = self.cache.load_run(self.run_key, LintResult)
        if cached is not None:
            if self.last_run != self.run_key:
                self.cache.store_run(self.tree_key, self.run_key)
            return cached
        self.previous = self.cache.load_run(RECORD + self.last_run, PreviousRun) if self.last_run else None
        if self.previous is not None and len(self.previous.digests) == len(sources):
            self.cache.keep_files(d for d, s in zip(self.previous.digests, sources) if d != s.digest)
        patched = _unchanged_summaries(
            self.previous, self.last_run, sources, config, apply_noqa, jobs, self.cache, keep_sources
        )
        if patched is None:
            return None
        record, result = patched
        self._store(result, record)
        return result

    def store(
        self, result: LintResult, sources: list[SourceFile], raw: list[list[Finding]], results: list[FileResult]
    ) -> LintResult:
        """Keep a run the rules made, and its record for the next edit; the result
        as stored (without the project index)."""
        result = dataclasses.replace(result, project=None)
        self._store(result, PreviousRun([s.digest for s in sources], raw, [r.noqa for r in results]))  # type: ignore[misc]
        return result

    def _store(self, result: LintResult, record: PreviousRun) -> None:
        self.cache.store_run(self.run_key, result)
        self.cache.store_run(RECORD + self.run_key, record)
        self.cache.store_run(self.tree_key, self.run_key)


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
        shown, silenced = kept_by_noqa(found, table, apply_noqa)
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


