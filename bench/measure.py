"""Run one command as a whole process and measure what a user waits for: wall time, peak RSS.

Peak RSS comes from the kernel's own accounting of that one child (`wait4`), so no sampling and
no extra dependency (psutil is not in the environment; `/usr/bin/time` is not everywhere). But
Linux counts in a child's peak the memory of the process that forked it, as it was at the fork
(exec keeps the old address space's high-water mark). The bench itself holds a few hundred MB
after writing a package, which would then be the "peak" of every small command. So the command
is started by a small launcher (a bare `python -I -S`, about 10 MB), which forks it, waits for
it with wait4 and prints its figures, like /usr/bin/time does; a measured peak is never below
the launcher's own ~10 MB, a floor far under anything measured here.

A time cap kills the command's process group (it runs in a group of its own), and the
measurement says the time was *more than* the cap; its peak RSS is the peak until then.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

# argv: cap seconds (0: none), output file ("": none), command... Prints: wall maxrss_kib user sys status capped
LAUNCHER = r"""
import os, signal, sys, time
cap, out, cmd = float(sys.argv[1]), sys.argv[2], sys.argv[3:]
fd = os.open(out or os.devnull, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
null = os.open(os.devnull, os.O_RDONLY)
state = {"pid": 0, "capped": False}
def stop(signum, frame):
    if state["pid"]:
        try: os.killpg(state["pid"], signal.SIGKILL)
        except ProcessLookupError: pass
    if signum == signal.SIGALRM: state["capped"] = True
    else: os._exit(130)
signal.signal(signal.SIGINT, stop); signal.signal(signal.SIGTERM, stop); signal.signal(signal.SIGALRM, stop)
t0 = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.setpgid(0, 0); os.dup2(null, 0); os.dup2(fd, 1); os.dup2(fd, 2)
        os.execvp(cmd[0], cmd)
    finally:
        os._exit(127)
state["pid"] = pid
try: os.setpgid(pid, pid)
except OSError: pass
if cap > 0: signal.setitimer(signal.ITIMER_REAL, cap)
_, status, ru = os.wait4(pid, 0)
wall = time.perf_counter() - t0
signal.setitimer(signal.ITIMER_REAL, 0)
if state["capped"]:
    try: os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError: pass
print(wall, ru.ru_maxrss, ru.ru_utime, ru.ru_stime, os.waitstatus_to_exitcode(status), int(state["capped"]))
"""


@dataclass
class Run:
    """One measured process. `capped` is True when the cap cut it: `wall_s` is then a lower bound."""

    command: list[str]
    wall_s: float
    peak_rss_mb: float  # ru_maxrss of the command (and any children it waited for)
    user_s: float
    sys_s: float
    exit_code: int | None  # None when the cap killed it
    capped: bool
    cap_s: float | None
    output: str | None  # where stdout and stderr went

    def to_dict(self) -> dict:
        return asdict(self)

    def wall_text(self) -> str:
        return f"more than {self.cap_s:g} s" if self.capped else f"{self.wall_s:.2f} s"


def run(command: list[str], output: Path | None = None, cap_s: float | None = None,
        cwd: Path | None = None, env: dict | None = None) -> Run:
    """Run `command`, stdout and stderr to `output` (or nowhere), killed after `cap_s` seconds."""
    args = [sys.executable, "-I", "-S", "-c", LAUNCHER, str(cap_s or 0), str(output or ""), *map(str, command)]
    launcher = subprocess.Popen(args, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, cwd=cwd, env=env, text=True)
    try:
        stdout, _ = launcher.communicate()
    except BaseException:  # interrupted: the launcher takes its command down with it
        launcher.terminate()
        launcher.wait()
        raise
    if launcher.returncode != 0 or not stdout.strip():
        raise RuntimeError(f"could not measure {command}: the launcher exited {launcher.returncode}")
    wall, maxrss, user, system, code, capped = stdout.split()
    capped = capped == "1" and int(code) < 0  # not a cap that fired as the command exited
    return Run(command=[str(c) for c in command], wall_s=round(float(wall), 3),
               peak_rss_mb=round(int(maxrss) / 1024, 1),  # Linux reports KiB
               user_s=round(float(user), 2), sys_s=round(float(system), 2),
               exit_code=None if capped else int(code), capped=capped, cap_s=cap_s,
               output=str(output) if output else None)
