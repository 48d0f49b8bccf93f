"""Every make target that offers machine-readable output prints only that on stdout, run as a
user runs it (plain `make …`, not `make -s`), so that `make … | jq .` works."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
# As a user's shell runs make: not as a sub-make of `make test`, which would print
# "make[1]: Entering directory" on stdout.
ENV = {k: v for k, v in os.environ.items() if k not in ("MAKELEVEL", "MAKEFLAGS", "MFLAGS")}


def make(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["make", *args], cwd=REPO, capture_output=True, text=True, env=ENV, timeout=600)


@pytest.mark.parametrize("args, key", [
    (['validate', 'ARGS=--format json'], "valid"),
    (['validate', 'ARGS=--rules --format json'], None),
    (['diff', 'FROM=0.2.0', 'FORMAT=json'], None),
])
def test_json_targets_print_only_json(args, key):
    r = make(*args)
    assert r.returncode in (0, 1), r.stderr
    data = json.loads(r.stdout)  # fails on any line make or the install step adds
    if key:
        assert key in data


def test_json_stays_clean_when_the_environment_is_updated_first():
    """-W pretends requirements.lock changed: the install step runs first, and says so on stderr."""
    r = make("-W", "requirements.lock", "validate", "ARGS=--format json")
    assert r.returncode == 0, r.stderr
    assert "Updating .venv" in r.stderr
    assert json.loads(r.stdout)["valid"] is True
