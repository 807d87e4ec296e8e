"""Values the command line declares its options with. They live here, away from the
engine and the reports, so that `--version` and `--help` load neither."""
from __future__ import annotations

FORMATS = ("text", "json", "sarif", "github", "html")  # ``scan --format``
CACHE_DIR_VARIABLE = "FASTAPI_RULES_CACHE_DIR"
