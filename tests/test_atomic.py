"""Atomic outputs (issue 14, item 5 and row 12): one writer in the metadata floor; a command killed
at any moment leaves every file whole (old or new); folders are swapped with no moment without
them; what a killed run left is cleaned by the next."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from civharm.metadata.atomic import clean_stale, replace_folder, write_atomically
from conftest import REPO_ROOT, build_package

OLD = time.time() - 3600


def _kill_at_random_moments(argv: list[str], files: list[Path], before: dict, after: dict, tries: int = 6) -> int:
    """Run argv, SIGKILL it after a random delay, check every file is whole; how many kills
    landed while it ran."""
    rng = random.Random(14)
    landed = 0
    for _ in range(tries):
        for f in files:
            f.write_bytes(before[f])
        proc = subprocess.Popen(argv, cwd=REPO_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.3, 3.0))
        landed += proc.poll() is None
        proc.kill()
        proc.wait()
        for f in files:
            assert f.read_bytes() in (before[f], after[f]), f"{f.name} is neither the old nor the new file"
    return landed


def test_fmt_killed_at_random_moments_leaves_whole_files(tmp_path):
    pkg = build_package(tmp_path / "pkg")
    files = sorted((pkg / "data").glob("*.csv"))
    before = {f: f.read_bytes().replace(b"\n", b"\r\n") for f in files}  # CRLF: fmt rewrites every file
    for f in files:
        f.write_bytes(before[f])
    subprocess.run([sys.executable, "-m", "civharm.fmt", str(pkg)], cwd=REPO_ROOT, check=True, capture_output=True)
    after = {f: f.read_bytes() for f in files}
    assert all(after[f] != before[f] for f in files)
    _kill_at_random_moments([sys.executable, "-m", "civharm.fmt", str(pkg)], files, before, after)


def test_importer_killed_at_random_moments_leaves_whole_files(tmp_path):
    from test_import_ucdp import CROSSWALK, GED_FIXTURE, build_fixture_package
    pkg = build_fixture_package(tmp_path / "pkg")
    files = sorted([*(pkg / "data").glob("*.csv"), pkg / "datapackage.json"])
    before = {f: f.read_bytes() for f in files}
    argv = [sys.executable, "-m", "importers.ucdp_ged", str(GED_FIXTURE), "--package", str(pkg), "--crosswalk", str(CROSSWALK)]
    subprocess.run(argv, cwd=REPO_ROOT, check=True, capture_output=True)
    after = {f: f.read_bytes() for f in files}
    assert any(after[f] != before[f] for f in files)
    _kill_at_random_moments(argv, files, before, after)


def test_many_files_roll_back_when_one_cannot_be_replaced(tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_bytes(b"old a")
    b.mkdir()  # os.replace of a file onto a folder fails
    with pytest.raises(OSError):
        write_atomically({a: b"new a", b: b"new b"})
    assert a.read_bytes() == b"old a"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary left


def test_stale_temporaries_are_cleaned_by_the_next_run(tmp_path):
    target = tmp_path / "x.csv"
    stale, fresh = tmp_path / ".x.csv.abc.tmp", tmp_path / ".x.csv.def.tmp"
    stale.write_bytes(b"left by a killed run")
    fresh.write_bytes(b"another run, writing now")
    os.utime(stale, (OLD, OLD))
    folder = tmp_path / ".x.csv.ghi.tmp.d"
    folder.mkdir()
    os.utime(folder, (OLD, OLD))
    write_atomically(target, b"new")
    assert target.read_bytes() == b"new"
    assert not stale.exists() and not folder.exists() and fresh.exists()


def test_replace_folder_has_no_moment_without_the_folder(tmp_path):
    target = tmp_path / "parquet"
    target.mkdir()
    (target / "v").write_text("0")
    missing = []
    stop = threading.Event()

    def watch():
        while not stop.is_set():
            if not target.is_dir():
                missing.append(time.time())

    t = threading.Thread(target=watch)
    t.start()
    try:
        for i in range(1, 200):
            new = tmp_path / f".parquet.{i}.tmp"
            new.mkdir()
            (new / "v").write_text(str(i))
            replace_folder(new, target)
    finally:
        stop.set()
        t.join()
    assert not missing
    assert (target / "v").read_text() == "199"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["parquet"]  # every old folder removed


def test_db_build_cleans_what_a_killed_build_left(tmp_path):
    from civharm.db import build_db
    out = tmp_path / "build"
    out.mkdir()
    for name in (".civharm.duckdb.abc.tmp", ".civharm.duckdb.abc.tmp.wal"):
        (out / name).write_bytes(b"x")
        os.utime(out / name, (OLD, OLD))
    build_db(REPO_ROOT / "datapackage.json", out / "civharm.duckdb")
    assert sorted(p.name for p in out.iterdir()) == ["civharm.duckdb"]


def test_clean_stale_ignores_other_names(tmp_path):
    other = tmp_path / ".y.csv.abc.tmp"
    other.write_bytes(b"")
    os.utime(other, (OLD, OLD))
    clean_stale(tmp_path, "x.csv")
    assert other.exists()


def test_release_zip_and_hash_appear_together(tmp_path):
    """make release builds a hard-linked copy of dist/ and swaps it in one exchange: a reader never
    sees the new zip with the old .sha256, nor no dist/ at all; other files in dist/ are kept."""
    from civharm.release import build as build_release
    from package_edits import edit_rows
    pkg = build_package(tmp_path / "pkg")
    dist = tmp_path / "dist"
    dist.mkdir()
    (dist / "keep.txt").write_text("an older release")
    build_release(pkg, dist, zip_only=True, log=lambda *a: None)
    zip_path, sums = dist / "civharm-0.1.0.zip", dist / "civharm-0.1.0.zip.sha256"
    first = sums.read_text()
    edit_rows(pkg, "actors", "actor_id", {"A-000003": {"notes": "Edited for the second build."}})
    seen, stop = [], threading.Event()

    def watch():
        import hashlib
        while not stop.is_set():
            try:
                d = os.open(dist, os.O_RDONLY)  # one folder, as a reader holding it sees it
            except FileNotFoundError:
                seen.append("no dist")
                continue
            try:
                data = open(f"/proc/self/fd/{d}/civharm-0.1.0.zip", "rb").read()
                text = open(f"/proc/self/fd/{d}/civharm-0.1.0.zip.sha256").read()
                if hashlib.sha256(data).hexdigest() != text.split()[0]:
                    seen.append("mismatch")
            finally:
                os.close(d)

    t = threading.Thread(target=watch)
    t.start()
    try:
        build_release(pkg, dist, zip_only=True, log=lambda *a: None)
    finally:
        stop.set()
        t.join()
    assert not seen, seen[:3]
    assert sums.read_text() != first and (dist / "keep.txt").read_text() == "an older release"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist", "pkg"]  # the staging copy is gone
