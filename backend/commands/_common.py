"""Helpers shared by the data-in commands: a progress bar on stderr, reading a file argument. (Who acts:
``--as USER``, backend/commands/_auth.py.)"""

from __future__ import annotations

import sys
from pathlib import Path


class Bar:
    """A one-line progress bar on stderr: ``[#####.....]  50 % validate``."""

    def __init__(self, width: int = 30) -> None:
        self.width = width
        self.last = -1

    def __call__(self, fraction: float, stage: str) -> None:
        filled = int(self.width * max(0.0, min(1.0, fraction)))
        percent = int(100 * fraction)
        if percent == self.last and fraction < 1:
            return
        self.last = percent
        end = "\n" if fraction >= 1 else ""
        print(
            f"\r[{'#' * filled}{'.' * (self.width - filled)}] {percent:3d} % {stage:<12}",
            end=end,
            file=sys.stderr,
            flush=True,
        )


def read_input(path: str) -> tuple[str, bytes]:
    """(file name, bytes) of a file given on the command line."""
    file = Path(path)
    return file.name, file.read_bytes()
