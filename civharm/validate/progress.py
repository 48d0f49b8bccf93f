"""A progress line on stderr for long runs: shown only on a terminal, and only once a run has
taken longer than PROGRESS_DELAY seconds, so that short runs and piped output stay silent."""

from __future__ import annotations

import os
import threading
import time
from contextlib import contextmanager
from typing import Callable, Iterator, TextIO

PROGRESS_DELAY = 2.0  # seconds before the line appears
Progress = Callable[[str], None]  # called with what the validator is doing now


def _quiet(stage: str) -> None:
    pass


@contextmanager
def progress_line(stream: TextIO, delay: float | None = None) -> Iterator[Progress]:
    """Yields a callback taking the current step ("data/claims.csv: cells"). On a terminal, a
    rich status line shows the step and the time so far once `delay` seconds have passed, and
    is erased when the run ends. CIVHARM_PROGRESS_DELAY overrides the delay (tests use 0)."""
    if delay is None:
        delay = float(os.environ.get("CIVHARM_PROGRESS_DELAY", PROGRESS_DELAY))
    if not stream.isatty():
        yield _quiet
        return
    from rich.console import Console  # only a terminal pays for the import

    console = Console(file=stream, stderr=True)
    lock = threading.Lock()
    state = {"stage": "starting", "status": None, "done": False}
    t0 = time.monotonic()

    def text() -> str:
        return f"validating: {state['stage']} ({time.monotonic() - t0:.0f} s)"

    def show() -> None:
        with lock:
            if not state["done"]:
                state["status"] = console.status(text())
                state["status"].start()

    def update(stage: str) -> None:
        with lock:
            state["stage"] = stage
            if state["status"] is not None:
                state["status"].update(text())

    timer = threading.Timer(delay, show)
    timer.daemon = True
    timer.start()
    try:
        yield update
    finally:
        with lock:
            state["done"] = True
            timer.cancel()
            if state["status"] is not None:
                state["status"].stop()
