"""A project's files analysed: the inventory (with digests when there is a cache),
each file's analysis from the cache or parsed in worker processes, and the project
index built from the summaries."""
from __future__ import annotations

import os
import signal
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from fastapi_rules.cache import Cache, Stat, digest, stat_key
from fastapi_rules.config import Config
from fastapi_rules.discovery import discover, display_path, module_names
from fastapi_rules.project import ProjectIndex
from fastapi_rules.result import FileResult
from fastapi_rules.source import analyse_path


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
    for index, (file_digest, result) in zip(todo, analyse_paths(tasks, jobs)):
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


def analyse_paths(
    tasks: list[tuple[Path, str, tuple[str, bool], frozenset[str]]], jobs: int
) -> Iterator[tuple[str | None, FileResult]]:
    if jobs <= 1 or len(tasks) < _PARALLEL_MINIMUM * 2:
        yield from map(analyse_path, tasks)
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
    yield from pool_map(analyse_path, tasks, workers, chunk, context)


def pool_map(function: Callable, items: list, workers: int, chunk: int, context: object) -> Iterator:
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


def scan_project(
    paths: Iterable[Path],
    config: Config,
    progress: Progress | None = None,
    jobs: int = 1,
    cache: Cache | None = None,
) -> ScannedProject:
    sources, missing = take_inventory(paths, config, cache)
    return scanned_project(sources, missing, config, progress, jobs, cache)


def scanned_project(
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
