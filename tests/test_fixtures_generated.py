"""The committed fixtures are exactly what tests/fixtures/make_fixtures.py generates from the
current schemas, so that a schema change cannot leave fixtures silently stale."""

from __future__ import annotations

import subprocess
import sys

from conftest import FIXTURES_DIR, REPO_ROOT, tree_hashes


def test_committed_fixtures_match_the_generator(tmp_path):
    proc = subprocess.run(
        [sys.executable, str(FIXTURES_DIR / "make_fixtures.py"), str(tmp_path)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    for part in ("minimal", "broken"):
        generated = tree_hashes(tmp_path / part)
        committed = tree_hashes(FIXTURES_DIR / part)
        differ = sorted(p for p in generated.keys() | committed.keys() if generated.get(p) != committed.get(p))
        assert not differ, (
            f"tests/fixtures/{part} differs from what make_fixtures.py generates: {differ[:20]}.\n"
            "Rerun `.venv/bin/python tests/fixtures/make_fixtures.py`, review `git diff tests/fixtures` "
            "and the expected.json line numbers."
        )
