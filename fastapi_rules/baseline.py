"""Baselines: adopt the rules on a legacy codebase and report only new findings.

``scan --write-baseline FILE`` records every current finding by fingerprint
(see ``fingerprint.py``); ``scan --baseline FILE`` drops the findings it records.
Fingerprints are counted, not just collected: a second identical violation in the
same function is new. A recorded violation that was fixed matches nothing and is
simply gone from the count.
"""
from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from fastapi_rules.finding import Finding

TOOL = "fastapi-rules"
VERSION = 1


class BaselineError(Exception):
    """The baseline file cannot be used; the message says why, in one line."""


@dataclass(frozen=True)
class BaselineMatch:
    findings: list[Finding]  # not in the baseline: to report
    fingerprints: list[str]  # theirs, in the same order
    suppressed: int  # findings the baseline accounted for


def render_baseline(findings: Sequence[Finding], fingerprints: Sequence[str]) -> str:
    """The baseline document: one entry per fingerprint with its count, and the code,
    path and message of the first finding for the reader (only the fingerprint and
    the count are compared)."""
    counts = Counter(fingerprints)
    entries: dict[str, dict[str, object]] = {}
    for finding, fingerprint in zip(findings, fingerprints, strict=True):
        if fingerprint not in entries:
            entries[fingerprint] = {
                "fingerprint": fingerprint,
                "code": finding.code,
                "path": finding.path,
                "message": finding.message,
                "count": counts[fingerprint],
            }
    document = {
        "tool": TOOL,
        "version": VERSION,
        "findings": sorted(entries.values(), key=lambda e: (e["path"], e["code"], e["fingerprint"])),
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def load_baseline(path: Path) -> Counter[str]:
    """The recorded fingerprints with their counts, or ``BaselineError``."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BaselineError(f"{path}: baseline file not found") from None
    except (OSError, UnicodeDecodeError) as error:
        raise BaselineError(f"{path}: cannot read baseline: {error}") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise BaselineError(f"{path}: not a fastapi-rules baseline: invalid JSON ({error})") from None
    if not isinstance(document, dict) or document.get("tool") != TOOL:
        raise BaselineError(
            f"{path}: not a fastapi-rules baseline (write one with `scan --write-baseline`)"
        )
    if document.get("version") != VERSION:
        raise BaselineError(
            f"{path}: baseline version {document.get('version')!r} is not supported; "
            f"expected {VERSION} (write it again with `scan --write-baseline`)"
        )
    entries = document.get("findings")
    if not isinstance(entries, list):
        raise BaselineError(f"{path}: corrupt baseline: `findings` must be a list")
    counts: Counter[str] = Counter()
    for number, entry in enumerate(entries, start=1):
        fingerprint = entry.get("fingerprint") if isinstance(entry, dict) else None
        count = entry.get("count", 1) if isinstance(entry, dict) else None
        if (
            not isinstance(fingerprint, str)
            or isinstance(count, bool)
            or not isinstance(count, int)
            or count < 1
        ):
            raise BaselineError(
                f"{path}: corrupt baseline: entry {number} needs a string `fingerprint` "
                f"and a positive whole `count`"
            )
        counts[fingerprint] += count
    return counts


def apply_baseline(
    findings: Sequence[Finding], fingerprints: Sequence[str], baseline: Counter[str]
) -> BaselineMatch:
    """Drop as many findings of each fingerprint as the baseline recorded; the rest
    (the later ones, in report order) are new."""
    remaining = Counter(baseline)
    kept: list[Finding] = []
    kept_fingerprints: list[str] = []
    suppressed = 0
    for finding, fingerprint in zip(findings, fingerprints, strict=True):
        if remaining[fingerprint] > 0:
            remaining[fingerprint] -= 1
            suppressed += 1
        else:
            kept.append(finding)
            kept_fingerprints.append(fingerprint)
    return BaselineMatch(kept, kept_fingerprints, suppressed)
