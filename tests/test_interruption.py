"""SIGTERM and SIGINT in the middle of a run that spills (civharm/validate/interruption.py): the
spill and temporary folders are removed, and the run exits with its own code and message."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REPO_ROOT


@pytest.fixture(scope="module")
def large(tmp_path_factory) -> Path:
    """A synthetic package large enough to spill at a small memory limit."""
    from bench.synthesize import synthesize

    out = tmp_path_factory.mktemp("interrupt") / "pkg"
    synthesize(out, 200_000)
    return out


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_mid_spill_removes_the_temporary_folders(large, tmp_path, signum):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    proc = subprocess.Popen([sys.executable, "-m", "civharm.validate", str(large)], cwd=REPO_ROOT,
                            env={**os.environ, "TMPDIR": str(tmp), "CIVHARM_MEMORY_LIMIT": "30MB"},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not any(p.is_file() for p in tmp.glob("civharm-validate-*/**/*")):  # DuckDB has spilled
        assert proc.poll() is None and time.monotonic() < deadline, "the run never spilled"
        time.sleep(0.02)
    proc.send_signal(signum)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 128 + signum
    assert err.strip().endswith(f"civharm-validate: interrupted by {signal.Signals(signum).name}: nothing was "
                                f"validated; its temporary files are removed (exit {128 + signum}).")
    assert out == "" and list(tmp.iterdir()) == []
