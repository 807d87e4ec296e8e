"""Modules imported on first use.

LibCST takes about 150 ms to import. `--version`, a warm run that the cache answers
and flake8's start-up never parse, so nothing they load may import it: the rules
that carry fixes reach LibCST through these stand-ins, whose first attribute access
does the import.
"""
from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any


class LazyModule:
    def __init__(self, name: str) -> None:
        self._name = name

    def _module(self) -> ModuleType:
        return importlib.import_module(self._name)  # a dict lookup once imported

    def __getattr__(self, attribute: str) -> Any:
        return getattr(self._module(), attribute)
