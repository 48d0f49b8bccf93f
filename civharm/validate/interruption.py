"""SIGINT and SIGTERM during a validation: the run's temporary folders are removed and it exits
with its own code, 128 + the signal's number (130 for SIGINT, 143 for SIGTERM), never reported as
an invalid package or an internal error.

DuckDB spills its tables to a temporary folder (gigabytes on a large package) and the exact
reader hands batches over in another; a run killed in the middle left both behind. Python runs
a signal's handler in the main thread, and DuckDB's Python binding checks for signals while a
query runs, so the handler runs within moments even inside a long query. It removes every
folder registered here, says so on stderr, and ends the process at once (`os._exit`): unwinding
instead would let the interrupted query's error be caught and the run go on to other files.
"""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
import threading
from contextlib import contextmanager
from typing import Iterator

SIGNALS = (signal.SIGINT, signal.SIGTERM)
_folders: set[str] = set()


def exit_code(signum: int) -> int:
    return 128 + signum


@contextmanager
def temporary_folder(prefix: str) -> Iterator[str]:
    """A temporary folder, removed when the block ends or when the run is interrupted."""
    with tempfile.TemporaryDirectory(prefix=prefix) as folder:
        _folders.add(folder)
        try:
            yield folder
        finally:
            _folders.discard(folder)


def install() -> None:
    """Handle SIGINT and SIGTERM for the rest of the process (the main thread only can: called from
    another, it leaves the handlers as they are)."""
    if threading.current_thread() is not threading.main_thread():
        return
    for signum in SIGNALS:
        signal.signal(signum, _handler)


def _handler(signum: int, frame) -> None:
    for folder in list(_folders):
        shutil.rmtree(folder, ignore_errors=True)
    name = signal.Signals(signum).name
    os.write(2, f"civharm-validate: interrupted by {name}: nothing was validated; its temporary files are "
                f"removed (exit {exit_code(signum)}).\n".encode())
    os._exit(exit_code(signum))
