"""fastapi-rules: FastAPI backend rules, machine-checked."""
from __future__ import annotations

from fastapi_rules.api import lint_paths
from fastapi_rules.finding import Finding

__version__ = "0.1.0"
__all__ = ["Finding", "__version__", "lint_paths"]
