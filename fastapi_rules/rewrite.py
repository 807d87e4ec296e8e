"""What a rule's fix works with: the context of the file being rewritten, the pieces
of call syntax the fixes build, and LibCST itself, loaded on first use.

This module sits below ``rules/``: the rules import it, and ``fix.py``, which runs
the fixes above the engine, hands them a ``FixContext``. LibCST takes about 150 ms
to import, and `--version`, a warm run the cache answers and flake8's start-up never
parse, so importing this module loads neither LibCST nor anything that does.
"""
from __future__ import annotations

import importlib
from functools import lru_cache
from types import ModuleType
from typing import TYPE_CHECKING, Any

__all__ = ["FixContext", "LazyModule", "argument_separator", "cst", "keyword_argument"]


class LazyModule:
    """A module imported at its first attribute access."""

    def __init__(self, name: str) -> None:
        self._name = name

    def _module(self) -> ModuleType:
        return importlib.import_module(self._name)  # a dict lookup once imported

    def __getattr__(self, attribute: str) -> Any:
        return getattr(self._module(), attribute)


if TYPE_CHECKING:
    import libcst as cst
else:  # LibCST loads with the first fix, not with the rule registry
    cst = LazyModule("libcst")


class FixContext:
    """What a rewrite may ask and request: the module's top-level names, and imports
    to add once the file is rewritten."""

    def __init__(self, module: cst.Module) -> None:
        from fastapi_rules.model.names import (
            ImportTable,  # noqa: PLC0415 - it loads LibCST
        )

        self.names = ImportTable("<fixed>", False)
        self.names.bind_module(module.body)
        self.imports: list[tuple[str, str | None]] = []
        self.unused_imports: list[tuple[str, str | None]] = []  # to remove if nothing uses them
        self.ancestors: list[cst.CSTNode] = []  # of the node being rewritten, outermost first
        self.positions: dict[int, tuple[int, int]] = {}  # id(original node) -> (line, column)

    def position(self, node: cst.CSTNode) -> tuple[int, int] | None:
        """(line, 1-based column) of a node of the original module, as findings give it."""
        return self.positions.get(id(node))

    def imported_as(self, qualname: str) -> str | None:
        """The local name bound to ``qualname`` at module level (``status`` for
        ``fastapi.status``), or None."""
        for local, target in self.names.module_names.items():
            if target == qualname:
                return local
        return None

    def name_is_free(self, name: str) -> bool:
        return name not in self.names.module_names

    def release(self, module: str, name: str | None = None) -> None:
        """``from module import name`` may have lost its last use: removed if so."""
        if (module, name) not in self.unused_imports:
            self.unused_imports.append((module, name))

    def require(self, module: str, name: str | None = None) -> None:
        """``from module import name`` (or ``import module``) once the file is rewritten."""
        if (module, name) not in self.imports:
            self.imports.append((module, name))


# The pieces of call syntax the fixes build, spelled as black and ruff format them.
@lru_cache(maxsize=1)
def argument_separator() -> cst.Comma:
    """``, `` between arguments."""
    return cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))


def keyword_argument(name: str, value: cst.BaseExpression) -> cst.Arg:
    """``name=value``, without spaces around ``=``."""
    return cst.Arg(
        value=value,
        keyword=cst.Name(name),
        equal=cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace("")),
    )
