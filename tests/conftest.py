"""Shared helpers for the validator tests.

A broken fixture (tests/fixtures/broken/<fault>/) holds only what differs from the minimal
package:
- any package file (datapackage.json, data/<name>.csv): replaces the minimal one;
- remove.txt (optional): package-relative paths to delete, one per line;
- expected.json: the problems the validator must report, a list of
  {"file", "line", "column", "rule"}; the test compares it as a set, exactly, with every
  reported problem that is not a notice. Notices (severity "notice": relay-discrepancy,
  tally-coverage, ...) are informational, never make a package invalid, and some report every
  row by design, so they are left out of the comparison.

The schemas are never copied into fixtures: build_package() copies the real schemas/ into every
temporary package, so fixtures always follow the schemas the project ships.
"""

from __future__ import annotations

import atexit
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent

# The validator keeps frictionless's verdicts in the user's cache folder (civharm/validate/verdicts.py).
# The tests, and every command they start (which inherit this environment), use a folder of
# their own, empty at the start as in a fresh clone on CI, removed at the end: the suite writes
# nothing into the real ~/.cache.
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="civharm-test-cache-")
os.environ.pop("CIVHARM_NO_CACHE", None)
atexit.register(shutil.rmtree, os.environ["XDG_CACHE_HOME"], True)
# and the secret that seals each verdict (verdicts.SECRET) in a state folder of their own
os.environ["XDG_STATE_HOME"] = tempfile.mkdtemp(prefix="civharm-test-state-")
atexit.register(shutil.rmtree, os.environ["XDG_STATE_HOME"], True)
SCHEMAS_DIR = REPO_ROOT / "schemas"
FIXTURES_DIR = Path(__file__).resolve().parent / "fixtures"
MINIMAL_DIR = FIXTURES_DIR / "minimal"
BROKEN_DIR = FIXTURES_DIR / "broken"

# Files in a broken fixture that describe it rather than belong to the package.
FIXTURE_META = {"expected.json", "remove.txt"}

from civharm.metadata.package import RESOURCE_NAMES as RESOURCES  # noqa: E402

VALIDATE_TIMEOUT = 300  # seconds; generous, a fixture validates in about a second


def broken_fixture_names() -> list[str]:
    return sorted(p.name for p in BROKEN_DIR.iterdir() if p.is_dir())


def fixture_overlay_files(fixture: Path) -> list[Path]:
    """Package files a broken fixture replaces, relative to the fixture folder."""
    return sorted(
        p.relative_to(fixture)
        for p in fixture.rglob("*")
        if p.is_file() and p.relative_to(fixture).as_posix() not in FIXTURE_META
    )


def fixture_removals(fixture: Path) -> list[str]:
    remove = fixture / "remove.txt"
    if not remove.exists():
        return []
    return [line.strip() for line in remove.read_text(encoding="utf-8").splitlines() if line.strip()]


def load_expected(fixture: Path) -> list[dict]:
    return json.loads((fixture / "expected.json").read_text(encoding="utf-8"))


def build_package(dest: Path, fixture: Path | None = None) -> Path:
    """Build a package in dest: the minimal package, the real schemas, then the fixture's changes."""
    shutil.copytree(MINIMAL_DIR, dest)
    shutil.copytree(SCHEMAS_DIR, dest / "schemas")
    if fixture is not None:
        for rel in fixture_overlay_files(fixture):
            target = dest / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(fixture / rel, target)
        for rel in fixture_removals(fixture):
            (dest / rel).unlink()
    return dest


def tree_hashes(root: Path) -> dict[str, str]:
    """sha256 of every file under root, keyed by POSIX path relative to root."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def run_validate(path: Path | str, *args: str, cwd: Path = REPO_ROOT) -> subprocess.CompletedProcess:
    """Run the validator as a user would: `python -m civharm.validate PATH [args]` from the repo root."""
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    return subprocess.run(
        [sys.executable, "-m", "civharm.validate", str(path), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=VALIDATE_TIMEOUT,
        env=env,
    )


def frictionless_cli() -> Path:
    """The frictionless CLI of the environment the tests run in."""
    return Path(sys.executable).parent / "frictionless"


def is_notice(p: dict) -> bool:
    return p.get("severity") == "notice"


def reported_keys(report: dict) -> set[tuple]:
    """(file, line, column, rule) of every reported problem that is not a notice."""
    return {problem_key(p) for p in report.get("problems", []) if not is_notice(p)}


def problem_key(p: dict) -> tuple:
    return (p["file"], p["line"], p["column"], p["rule"])


def fmt_keys(keys) -> str:
    return "\n".join(f"    {k}" for k in sorted(keys, key=repr)) or "    (none)"


@dataclass
class Run:
    """One validator run over a built package."""

    package: Path
    proc: subprocess.CompletedProcess
    before: dict[str, str]
    after: dict[str, str]

    @property
    def report(self) -> dict:
        try:
            return json.loads(self.proc.stdout)
        except json.JSONDecodeError as e:  # pragma: no cover - reported as a test failure
            pytest.fail(
                f"--format json output is not JSON ({e}).\nstdout:\n{self.proc.stdout[:2000]}\n"
                f"stderr:\n{self.proc.stderr[:2000]}"
            )


@pytest.fixture(scope="session")
def validated(tmp_path_factory):
    """Build and validate a package once per session per fixture name (None = minimal)."""
    cache: dict[str | None, Run] = {}

    def get(name: str | None) -> Run:
        if name not in cache:
            base = tmp_path_factory.mktemp(name or "minimal")
            pkg = build_package(base / "pkg", None if name is None else BROKEN_DIR / name)
            before = tree_hashes(pkg)
            proc = run_validate(pkg, "--format", "json")
            cache[name] = Run(pkg, proc, before, tree_hashes(pkg))
        return cache[name]

    return get
