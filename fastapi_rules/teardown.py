"""What a command-line run is done with stays in memory until the process ends.

Freeing a large run's data object by object takes long: at 5,000 files, the module
summaries and the project index take over a second to free, and the first cycle
collection after the run (the engine pauses the collector while it runs) walks them
all, another 0.7 s. The command line (``cli.run``) ends the process at once instead,
and the operating system takes the memory back whole. Library callers
(``lint_paths``, the flake8 plugin, tests) never enable this: for them, everything
is freed as usual.
"""
from __future__ import annotations

import gc

_kept: list[object] | None = None


def keep_until_exit() -> None:
    """From now on, ``let_go`` keeps what it is given, and the cycle collector stays off:
    the process is to end by ``os._exit``, without freeing anything."""
    global _kept
    if _kept is None:
        _kept = []
    gc.disable()  # it would only walk what is kept; the few cycles a run leaves stay too


def let_go(*objects: object) -> None:
    """A run is done with ``objects``: kept when the process is to end by ``os._exit``,
    else left to be freed as their last reference goes."""
    if _kept is not None:
        _kept.extend(objects)
