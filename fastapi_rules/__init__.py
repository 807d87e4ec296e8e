"""fastapi-rules: FastAPI backend rules, machine-checked."""
from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.1.0"
__all__ = ["Finding", "__version__", "lint_paths"]

if TYPE_CHECKING:
    from fastapi_rules.api import lint_paths
    from fastapi_rules.finding import Finding


def __getattr__(name: str) -> object:
    # The engine loads on first use: `--version`, `--help` and flake8 loading the
    # plugin read only ``__version__`` (the engine's imports take about 90 ms).
    if name == "lint_paths":
        from fastapi_rules.api import lint_paths  # noqa: PLC0415

        return lint_paths
    if name == "Finding":
        from fastapi_rules.finding import Finding  # noqa: PLC0415

        return Finding
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
