"""Run one command as a whole process and measure what a user waits for: wall time, peak RSS.

Peak RSS comes from the kernel's own accounting of that one child (`os.wait4`), so no sampling
and no extra dependency: psutil is not in the environment and `/usr/bin/time` is not everywhere.
A time cap kills the child's whole process group (it runs in a session of its own), and the
measurement then says the time was *more than* the cap.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass
class Run:
    """One measured process. `capped` is True when the cap cut it: `wall_s` is then a lower bound."""

    command: list[str]
    wall_s: float
    peak_rss_mb: float  # ru_maxrss of the child (and any children it waited for)
    user_s: float
    sys_s: float
    exit_code: int | None  # None when the cap killed it
    capped: bool
    cap_s: float | None
    output: str | None  # where stdout and stderr went

    def to_dict(self) -> dict:
        return asdict(self)

    def wall_text(self) -> str:
        return f"more than {self.wall_s:.1f} s" if self.capped else f"{self.wall_s:.2f} s"


def run(command: list[str], output: Path | None = None, cap_s: float | None = None,
        cwd: Path | None = None, env: dict | None = None) -> Run:
    """Run `command`, stdout and stderr to `output` (or nowhere), killed after `cap_s` seconds."""
    sink = open(output, "wb") if output else subprocess.DEVNULL
    killed = threading.Event()
    try:
        t0 = time.perf_counter()
        proc = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                cwd=cwd, env=env, start_new_session=True)

        def kill() -> None:
            killed.set()
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

        timer = threading.Timer(cap_s, kill) if cap_s else None
        if timer:
            timer.daemon = True
            timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            if timer:
                timer.cancel()
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait again
        capped = killed.is_set() and os.WIFSIGNALED(status)  # not a cap that fired as it exited
        if capped:  # a child it left behind in the group goes too
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    finally:
        if output:
            sink.close()
    return Run(command=[str(c) for c in command], wall_s=round(wall, 3),
               peak_rss_mb=round(usage.ru_maxrss / 1024, 1),  # Linux reports KiB
               user_s=round(usage.ru_utime, 2), sys_s=round(usage.ru_stime, 2),
               exit_code=None if capped else proc.returncode, capped=capped, cap_s=cap_s,
               output=str(output) if output else None)
