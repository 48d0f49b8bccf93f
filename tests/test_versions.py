"""The version ledger, releases/versions.csv: a released version resolves to its commit and
rebuilds byte for byte in any clone, with or without git tags."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import zipfile

import pytest

from conftest import REPO_ROOT
from package_edits import released_package, run_module

from civharm.metadata import csvfile, versions
from civharm.release import ReleaseError, verify
from civharm.validate.engine import validate
from civharm.validate.rules import RULES


def _has_commit(sha: str) -> bool:
    return subprocess.run(["git", "cat-file", "-e", f"{sha}^{{commit}}"], cwd=REPO_ROOT,
                          capture_output=True).returncode == 0


LEDGER = versions.read(REPO_ROOT)


def test_the_ledger_records_every_version_in_the_changelog():
    changelog = (REPO_ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    headed = {line.split()[1] for line in changelog.splitlines() if line.startswith("## ")}
    released = set(LEDGER)
    assert {"0.1.0", "0.2.0"} <= released
    assert released <= headed, f"recorded but not in CHANGELOG.md: {released - headed}"


def test_the_docs_table_of_versions_is_the_ledger():
    """docs/versions.md shows the ledger as a table: each row's date, commit, hash and built_by
    as the ledger has them (prefixes), and no version the ledger lacks."""
    text = (REPO_ROOT / "docs" / "versions.md").read_text(encoding="utf-8")
    table = text.split("| version | released_on | commit | zip_sha256 | built_by |", 1)[1].split("\n\n", 1)[0]
    rows = {line.split("|")[1].strip(): line for line in table.splitlines()[2:]}
    assert sorted(rows) == sorted(LEDGER)
    for v, r in LEDGER.items():
        cells = [c.strip() for c in rows[v].split("|")[1:-1]]
        assert cells[1] == r["released_on"]
        assert cells[2] == f"`{r['commit'][:10]}…`"
        assert cells[3] == (f"`{r['zip_sha256'][:12]}…{r['zip_sha256'][-8:]}`" if r["zip_sha256"] else ""), cells
        assert cells[4] == (f"`{r['built_by'][:10]}…`" if r["built_by"] else "")


def test_diff_resolves_a_version_number_without_a_tag():
    if not all(_has_commit(r["commit"]) for r in LEDGER.values()):
        pytest.skip("this clone lacks the released commits (a shallow clone): git fetch --unshallow")
    proc = run_module("civharm.diff", "0.1.0", "0.2.0")
    assert proc.returncode == 0, proc.stderr
    first = proc.stdout.splitlines()[0]
    assert first == "civharm diff: 0.1.0 (0.1.0, commit 8fa08da527) → 0.2.0 (0.2.0, commit 42349170b1)"
    assert "minor  incidents: 265 rows added" in proc.stdout


def test_an_unknown_version_is_a_clear_error():
    proc = run_module("civharm.diff", "9.9.9")
    assert proc.returncode == 2
    assert "'9.9.9' is neither a released version (releases/versions.csv)" in proc.stderr


def test_every_version_rebuilds_byte_for_byte_from_its_commit_in_a_fresh_clone(tmp_path):
    """make release VERSION=… in a fresh clone without tags: the zip of every version in the
    ledger comes back byte for byte from its commit into dist/ — 0.2.0 and later as their own
    code built them; 0.1.0 (released before make release) as its commit's files, packed by the
    built_by commit's code — and make diff FROM=0.1.0 resolves there too."""
    if not all(_has_commit(r["commit"]) and (not r["built_by"] or _has_commit(r["built_by"])) for r in LEDGER.values()):
        pytest.skip("this clone lacks a released commit (a shallow clone): git fetch --unshallow")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", "--no-tags", str(REPO_ROOT), str(clone)], check=True)
    assert subprocess.run(["git", "tag"], cwd=clone, capture_output=True, text=True).stdout == ""
    env = {**os.environ, "PYTHONPATH": str(clone)}  # the clone's own code
    run = lambda *a: subprocess.run([sys.executable, "-m", *a], cwd=clone, capture_output=True, text=True,  # noqa: E731
                                    timeout=600, env=env)
    diff = run("civharm.diff", "0.1.0", "--format", "json")
    assert diff.returncode == 0, diff.stderr
    assert json.loads(diff.stdout)["from"]["version"] == "0.1.0"

    # every row of the ledger, so a new release is covered the day its row is committed
    for version, row in sorted(LEDGER.items(), key=lambda kv: tuple(map(int, kv[0].split(".")))):
        proc = run("civharm.release", "build", "--version", version, "--out", str(tmp_path))
        assert proc.returncode == 0, proc.stderr
        how = f"packed by commit {row['built_by'][:10]}'s code" if row["built_by"] else "built by its own code"
        assert proc.stdout.splitlines()[0] == (f"{version}: commit {row['commit'][:10]} rebuilds civharm-{version}.zip "
                                               f"byte for byte, {how} (sha256 {row['zip_sha256']})")
        assert hashlib.sha256((tmp_path / f"civharm-{version}.zip").read_bytes()).hexdigest() == row["zip_sha256"]

    row = LEDGER["0.1.0"]
    built = tmp_path / "civharm-0.1.0.zip"
    assert hashlib.sha256(built.read_bytes()).hexdigest() == row["zip_sha256"]
    assert (tmp_path / "civharm-0.1.0.zip.sha256").read_text() == f"{row['zip_sha256']}  civharm-0.1.0.zip\n"
    # its files are the commit's, byte for byte, in one folder
    with zipfile.ZipFile(built) as z:
        names = z.namelist()
        assert all(n.startswith("civharm-0.1.0/") for n in names)
        for rel in ("datapackage.json", "data/incidents.csv", "data/claims.csv", "schemas/claims.schema.json"):
            committed = subprocess.run(["git", "show", f"{row['commit']}:{rel}"], cwd=clone, capture_output=True,
                                       check=True).stdout
            assert z.read(f"civharm-0.1.0/{rel}") == committed


def test_a_zip_defined_later_is_packed_by_the_built_by_commits_code(tmp_path):
    """verify runs the code of the row's built_by commit: not this checkout's, not the version's.
    A built_by commit whose archive() adds a marker entry must give the zip with the marker."""
    repo = released_package(tmp_path / "repo")
    git = lambda *a: subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *a],  # noqa: E731
                                    cwd=repo, capture_output=True, text=True, check=True).stdout.strip()
    # like 0.1.0's commit, the version's tree has code of its own, without `archive`
    (repo / "civharm").mkdir()
    (repo / "civharm" / "__init__.py").write_text('"""The version\'s own code: no release module yet."""\n')
    git("init", "--quiet")
    git("add", "-A")
    git("commit", "--quiet", "-m", "0.1.0")
    version_commit = git("rev-parse", "HEAD")
    shutil.copytree(REPO_ROOT / "civharm", repo / "civharm", ignore=shutil.ignore_patterns("__pycache__", "_package"),
                    dirs_exist_ok=True)
    code = (repo / "civharm" / "release.py").read_text(encoding="utf-8")
    line = '    entries = {"datapackage.json": _read(root, "datapackage.json", "datapackage.json")}\n'
    assert line in code
    (repo / "civharm" / "release.py").write_text(code.replace(line, line + '    entries["MARKER"] = b"built_by ran"\n'),
                                                  encoding="utf-8")
    git("add", "-A")
    git("commit", "--quiet", "-m", "the code that packs 0.1.0")
    built_by = git("rev-parse", "HEAD")

    by_hand = subprocess.run([sys.executable, "-m", "civharm.release", "archive", "--out", str(tmp_path / "by-hand")],
                             cwd=repo, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(repo)})
    assert by_hand.returncode == 0, by_hand.stderr
    zipped = tmp_path / "by-hand" / "civharm-0.1.0.zip"
    with zipfile.ZipFile(zipped) as z:
        assert z.read("civharm-0.1.0/MARKER") == b"built_by ran"
    digest = hashlib.sha256(zipped.read_bytes()).hexdigest()
    (repo / versions.LEDGER).write_text(",".join(versions.COLUMNS) + "\n"
                                        f"0.1.0,2026-11-24,{version_commit},{digest},{built_by},\n", encoding="utf-8")
    said = []
    assert verify("0.1.0", repo, log=said.append) == digest
    assert said == [f"0.1.0: commit {version_commit[:10]} rebuilds civharm-0.1.0.zip byte for byte, packed by "
                    f"commit {built_by[:10]}'s code (sha256 {digest})"]
    # a user whose git converts line endings gets the same bytes
    os.environ.update(GIT_CONFIG_COUNT="1", GIT_CONFIG_KEY_0="core.autocrlf", GIT_CONFIG_VALUE_0="true")
    try:
        assert verify("0.1.0", repo, log=said.append) == digest
    finally:
        for k in ("GIT_CONFIG_COUNT", "GIT_CONFIG_KEY_0", "GIT_CONFIG_VALUE_0"):
            os.environ.pop(k)


def test_a_missing_built_by_commit_is_named(tmp_path):
    repo = released_package(tmp_path / "repo")
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "init", "--quiet"], cwd=repo, check=True)
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "--quiet", "-m", "v"],
                   cwd=repo, check=True)
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True).stdout.strip()
    (repo / versions.LEDGER).write_text(",".join(versions.COLUMNS) + "\n"
                                        f"0.1.0,2026-11-24,{head},{'0' * 64},{'e' * 40},\n", encoding="utf-8")
    with pytest.raises(ReleaseError, match=r"this clone lacks 0\.1\.0's built_by commit \(the code that packs its "
                                           r"zip\), eeeeeeeeee \(git fetch --unshallow\)"):
        verify("0.1.0", repo)


def test_a_version_without_a_zip_says_so(tmp_path):
    """A version recorded with no zip hash: none is reproduced; the error says where its files
    are (its commit)."""
    pkg = released_package(tmp_path / "pkg")
    _with_ledger(pkg, "0.0.9", "")
    proc = run_module("civharm.release", "build", "--version", "0.0.9", "--package", str(pkg))
    assert proc.returncode == 1
    assert "0.0.9 was released without a zip" in proc.stderr and "make diff FROM=0.0.9" in proc.stderr
    assert f"git archive --format=zip --prefix=civharm-0.0.9/ -o civharm-0.0.9-commit.zip {'a' * 40}" in proc.stderr


def test_a_version_neither_recorded_nor_current_is_refused():
    proc = run_module("civharm.release", "build", "--version", "9.9.9")
    assert proc.returncode == 1
    assert "VERSION 9.9.9 is neither recorded in releases/versions.csv nor the package's version" in proc.stderr


def _with_ledger(pkg, version: str, sha: str):
    (pkg / versions.LEDGER).write_text(
        "version,released_on,commit,zip_sha256,built_by,notes\n"
        f"{version},2026-11-24,{'a' * 40},{sha},,\n", encoding="utf-8")


def test_release_refuses_a_released_version_whose_bytes_changed(tmp_path):
    pkg = released_package(tmp_path / "pkg")
    out = tmp_path / "dist"
    first = run_module("civharm.release", "build", "--package", str(pkg), "--out", str(out), "--zip-only")
    assert first.returncode == 0, first.stderr
    good = (out / "civharm-0.1.0.zip").read_bytes()
    _with_ledger(pkg, "0.1.0", "0" * 64)
    proc = run_module("civharm.release", "build", "--package", str(pkg), "--out", str(out), "--zip-only")
    assert proc.returncode == 1
    assert f"0.1.0 was released as a zip with sha256 {'0' * 64}" in proc.stderr
    assert "A released version never changes: make bump VERSION=<next> FROM=0.1.0." in proc.stderr
    assert (out / "civharm-0.1.0.zip").read_bytes() == good  # the previous build is left in place
    assert sorted(p.name for p in out.iterdir()) == ["civharm-0.1.0.zip", "civharm-0.1.0.zip.sha256"]


def test_release_of_a_recorded_version_with_the_same_bytes_passes(tmp_path):
    pkg = released_package(tmp_path / "pkg")
    out = tmp_path / "dist"
    first = run_module("civharm.release", "build", "--package", str(pkg), "--out", str(out), "--zip-only")
    sha = (out / "civharm-0.1.0.zip.sha256").read_text().split()[0]
    _with_ledger(pkg, "0.1.0", sha)
    again = run_module("civharm.release", "build", "--package", str(pkg), "--out", str(out), "--zip-only")
    assert first.returncode == again.returncode == 0, again.stderr


def test_a_malformed_ledger_is_reported(tmp_path):
    pkg = released_package(tmp_path / "pkg")
    (pkg / versions.LEDGER).write_text("version,released_on,commit,zip_sha256,built_by,notes\n0.1,2026-11-24,abc,,,\n",
                                       encoding="utf-8")
    proc = run_module("civharm.release", "build", "--package", str(pkg), "--out", str(tmp_path / "dist"), "--zip-only")
    assert proc.returncode == 1
    # make release validates first: the validator's release layer names each bad cell with its line
    assert "releases/versions.csv\n" in proc.stderr
    assert "line 2, column version: The version ledger is malformed: a version is MAJOR.MINOR.PATCH" in proc.stderr
    assert "line 2, column commit: The version ledger is malformed: the commit is the full 40-digit" in proc.stderr
    assert "[version-ledger-invalid]" in proc.stderr and "nothing was released" in proc.stderr
    # rebuilding a recorded version reads the ledger without validating: its reader refuses the row
    proc = run_module("civharm.release", "build", "--version", "0.2.0", "--package", str(pkg),
                      "--out", str(tmp_path / "dist"), "--zip-only")
    assert proc.returncode == 1
    assert "releases/versions.csv line 2: a version (0.2.0) and a full 40-digit commit are required" in proc.stderr


def test_record_never_changes_a_released_version(tmp_path):
    (tmp_path / "releases").mkdir()
    shutil.copyfile(REPO_ROOT / versions.LEDGER, tmp_path / versions.LEDGER)
    row = LEDGER["0.2.0"]
    assert versions.record(tmp_path, "0.2.0", "2026-11-24", row["commit"], row["zip_sha256"]) is False
    with pytest.raises(versions.VersionLedgerError, match="a released version never changes"):
        versions.record(tmp_path, "0.2.0", "2026-11-24", "b" * 40, row["zip_sha256"])
    before = list(versions.read(tmp_path))
    assert versions.record(tmp_path, "9.0.0", "2026-12-31", "c" * 40, "d" * 64) is True
    assert list(versions.read(tmp_path)) == before + ["9.0.0"] and before[:2] == ["0.1.0", "0.2.0"]


def test_no_committed_row_of_the_ledger_ever_changed_or_disappeared():
    """What make validate cannot see (it reads no git): a released version's row edited in place.
    Every version the ledger ever recorded, in any commit of the file, is still recorded with
    the same release date, commit and zip hash."""
    log = subprocess.run(["git", "log", "--format=%H", "--", versions.LEDGER], cwd=REPO_ROOT,
                         capture_output=True, text=True)
    if log.returncode != 0 or not log.stdout.strip():
        pytest.skip("not a git checkout with the ledger's history")
    checked = 0
    for sha in log.stdout.split():
        shown = subprocess.run(["git", "show", f"{sha}:{versions.LEDGER}"], cwd=REPO_ROOT, capture_output=True, text=True)
        if shown.returncode != 0:  # the commit deleted the file: the current file is checked anyway
            continue
        for row in csvfile.dict_rows(shown.stdout):
            now = LEDGER.get(row["version"])
            assert now is not None, f"{row['version']} (recorded in {sha[:10]}) is no longer in {versions.LEDGER}"
            for column in ("released_on", "commit", "zip_sha256"):
                if column == "zip_sha256" and not row[column] and now["built_by"]:
                    continue  # released without a zip; the zip defined later names the code that packs it
                assert now[column] == row[column], f"{row['version']}'s {column} changed since {sha[:10]}"
            if row.get("built_by"):
                assert now["built_by"] == row["built_by"], f"{row['version']}'s built_by changed since {sha[:10]}"
            checked += 1
    assert checked >= 2  # 0.1.0 and 0.2.0 at least


def test_validate_lets_the_version_being_released_lack_its_row_but_no_earlier_one(tmp_path):
    """make release validates before it records the package's own version, so that version may
    lack its row; a version released before it may not."""

    pkg = released_package(tmp_path / "pkg")  # version 0.1.0, CHANGELOG.md's top entry
    (pkg / versions.LEDGER).write_text(",".join(versions.COLUMNS) + "\n", encoding="utf-8")
    assert validate(pkg).errors == 0
    changelog = (pkg / "CHANGELOG.md").read_text(encoding="utf-8")
    (pkg / "CHANGELOG.md").write_text(changelog + "\n## 0.0.1 — 2026-11-01\n\nA preview.\n", encoding="utf-8")
    report = validate(pkg)
    assert [(p.rule, p.file, p.value) for p in report.problems if RULES[p.rule].severity == "error"] == [
        ("version-unrecorded", versions.LEDGER, "0.0.1")]
