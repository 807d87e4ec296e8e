"""A progress bar on stderr for long scans, only when someone is watching."""
from __future__ import annotations

from typing import TextIO

THRESHOLD = 200  # files; smaller scans finish before a bar would help


class ProgressBar:
    """Called by the engine after each file with (done, total)."""

    width = 30

    def __init__(self, stream: TextIO, threshold: int = THRESHOLD) -> None:
        self.stream = stream
        self.threshold = threshold
        self.shown = -1

    def __call__(self, done: int, total: int) -> None:
        if total <= self.threshold:
            return
        percent = 100 * done // total
        if percent == self.shown and done != total:
            return  # redraw once per percent, not once per file
        self.shown = percent
        filled = self.width * done // total
        bar = "#" * filled + "." * (self.width - filled)
        self.stream.write(f"\rscanning [{bar}] {done}/{total} files")
        if done == total:
            self.stream.write("\r\x1b[K")  # clear the line for the summary
        self.stream.flush()
