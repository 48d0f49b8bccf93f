"""make release, make bump and the release layer of make validate.

The release zip is reproducible byte for byte and, unpacked anywhere, passes frictionless
validate (hashes included) and the project's validator; the release layer fails on a released
ID that disappears or changes kind, and on a version or date that disagrees between files.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from conftest import build_package, frictionless_cli, run_validate
from package_edits import edit_rows, read_rows, released_package, run_module, set_ledger_row


def build(pkg: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    """make release, as a command."""
    return run_module("civharm.release", "build", "--package", str(pkg), "--out", str(out), *extra)


def build_zip(pkg: Path, out: Path) -> str:
    """The zip alone, built in this process; the ReleaseError message when it refuses."""
    from civharm.release import ReleaseError, build as build_release

    try:
        return build_release(pkg, out, zip_only=True, log=lambda *a: None)["sha256"]
    except ReleaseError as e:
        return f"refused: {e}"


def problems(pkg: Path) -> tuple[int, list[dict]]:
    """make validate's exit status and errors, run in this process (the CLI is run where the exit
    status itself is the point)."""
    from civharm.validate.engine import validate

    report = validate(pkg)
    return report.exit_code, [p.as_dict() for p in report.sorted() if p.as_dict()["severity"] == "error"]


def cli_problems(pkg: Path) -> tuple[int, list[dict]]:
    """The same through `python -m civharm.validate --format json`, as make validate runs it."""
    proc = run_validate(pkg, "--format", "json")
    report = json.loads(proc.stdout)
    return proc.returncode, [p for p in report["problems"] if p["severity"] == "error"]


@pytest.fixture(scope="module")
def released(tmp_path_factory):
    """A released package and one full build of it (zip, Parquet, DuckDB)."""
    base = tmp_path_factory.mktemp("release")
    pkg = released_package(base / "pkg")
    proc = build(pkg, base / "dist")
    assert proc.returncode == 0, proc.stderr + proc.stdout
    return pkg, base / "dist", proc


# --- the zip ---------------------------------------------------------------------------------------

def test_two_builds_give_the_same_zip(released, tmp_path):
    pkg, dist, _ = released
    first = (dist / "civharm-0.1.0.zip").read_bytes()
    for p in pkg.rglob("*"):  # other file times must not matter
        os.utime(p, (1_900_000_000, 1_900_000_000))
    assert build_zip(pkg, tmp_path) == hashlib.sha256(first).hexdigest()
    second = (tmp_path / "civharm-0.1.0.zip").read_bytes()
    assert hashlib.sha256(first).hexdigest() == hashlib.sha256(second).hexdigest()
    assert (dist / "civharm-0.1.0.zip.sha256").read_text() == f"{hashlib.sha256(first).hexdigest()}  civharm-0.1.0.zip\n"


def test_zip_layout(released):
    pkg, dist, _ = released
    with zipfile.ZipFile(dist / "civharm-0.1.0.zip") as z:
        infos = z.infolist()
        names = [i.filename for i in infos]
        assert names == sorted(names)
        # one folder, civharm-<version>/, so that unpacking never scatters files where it runs
        assert all(n.startswith("civharm-0.1.0/") for n in names)
        names = [n.removeprefix("civharm-0.1.0/") for n in names]
        assert names == ["CHANGELOG.md", "CITATION.cff", "COVERAGE.md", "LICENSE", "LICENSE-DATA", "README.md",
                         "data/actors.csv", "data/claims.csv", "data/incident_relations.csv", "data/incidents.csv",
                         "data/places.csv", "data/sources.csv", "data/tallies.csv", "data/victims.csv",
                         "datapackage.json", "releases/ids.csv",
                         "schemas/actors.schema.json", "schemas/civharm-dp-profile.json", "schemas/claims.schema.json",
                         "schemas/incident_relations.schema.json", "schemas/incidents.schema.json",
                         "schemas/places.schema.json", "schemas/sources.schema.json", "schemas/tallies.schema.json",
                         "schemas/victims.schema.json"]
        for info in infos:
            assert info.date_time == (2026, 11, 24, 0, 0, 0)  # the release date, datapackage.json's created
            assert (info.external_attr >> 16) & 0o777 == 0o644
            assert info.compress_type == zipfile.ZIP_DEFLATED
        descriptor = json.loads(z.read("civharm-0.1.0/datapackage.json"))
        for res in descriptor["resources"]:
            data = z.read("civharm-0.1.0/" + res["path"])
            assert data == (pkg / res["path"]).read_bytes()
            assert res["bytes"] == len(data)
            assert res["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
    # the repository's descriptor stays free of sizes and hashes
    assert all("hash" not in r and "bytes" not in r
               for r in json.loads((pkg / "datapackage.json").read_text())["resources"])


def test_zip_carries_the_coverage_of_its_data(released):
    """COVERAGE.md: each campaign's deduplicated and raw totals as campaign_totals gives them."""
    import civharm

    pkg, dist, _ = released
    with zipfile.ZipFile(dist / "civharm-0.1.0.zip") as z:
        text = z.read("civharm-0.1.0/COVERAGE.md").decode("utf-8")
    assert text.startswith("# ") and "0.1.0: what the data holds" in text.splitlines()[0]
    con = civharm.connect(pkg)
    for campaign, lo, hi, raw_lo, raw_hi in con.sql(
            "SELECT CAST(campaign AS VARCHAR), dedup_min, dedup_max, raw_min, raw_max FROM campaign_totals").fetchall():
        from civharm.coverage import figure_range

        assert f"| `{campaign}` |" in text
        assert f"**{figure_range(lo, hi)}** | {figure_range(raw_lo, raw_hi)} |" in text
    assert "**The campaigns are not comparable.**" in text


def test_parquet_and_duckdb_beside_the_zip(released):
    _, dist, proc = released
    assert (dist / "civharm-0.1.0-py3-none-any.whl").is_file()  # tested in test_wheel.py
    assert sorted(p.name for p in (dist / "civharm-0.1.0-parquet").iterdir()) == [
        "actors.parquet", "claims.parquet", "incident_relations.parquet", "incidents.parquet", "places.parquet",
        "sources.parquet", "tallies.parquet", "victims.parquet"]
    assert (dist / "civharm-0.1.0.duckdb").stat().st_size > 0
    assert "wrote " + str(dist / "civharm-0.1.0.zip") in proc.stdout
    # the release's Parquet names the release, though the folder it was built from names no release
    import pyarrow.parquet as pq

    assert pq.read_schema(dist / "civharm-0.1.0-parquet" / "incidents.parquet").metadata[b"civharm_version"] == b"0.1.0"


def test_unpacked_zip_passes_frictionless_and_make_validate(released, tmp_path):
    _, dist, _ = released
    with zipfile.ZipFile(dist / "civharm-0.1.0.zip") as z:
        z.extractall(tmp_path / "somewhere")
    where = tmp_path / "somewhere" / "civharm-0.1.0"
    fl = subprocess.run([str(frictionless_cli()), "validate", "datapackage.json"], cwd=where,
                        capture_output=True, text=True, timeout=300)
    assert fl.returncode == 0, fl.stdout[-3000:]
    assert "INVALID" not in fl.stdout
    code, errors = cli_problems(where)
    assert (code, errors) == (0, [])

    # the hashes are really checked: one changed byte fails both validators
    path = where / "data" / "actors.csv"
    path.write_bytes(path.read_bytes().replace(b"ISIS", b"ISIL", 1))
    fl = subprocess.run([str(frictionless_cli()), "validate", "datapackage.json"], cwd=where,
                        capture_output=True, text=True, timeout=300)
    assert fl.returncode != 0 and "hash-count" in fl.stdout
    code, errors = problems(where)
    assert code == 1 and [(p["rule"], p["file"]) for p in errors] == [("resource-hash-mismatch", "data/actors.csv")]


def test_release_refuses_an_invalid_package(tmp_path):
    pkg = released_package(tmp_path / "pkg")
    edit_rows(pkg, "actors", "actor_id", {"A-000003": {"actor_type": "militia"}})
    proc = build(pkg, tmp_path / "dist", "--zip-only")
    assert proc.returncode == 1
    assert "[cell-enum]" in proc.stderr and "nothing was released" in proc.stderr
    assert not (tmp_path / "dist").exists()


def test_release_refuses_ids_not_yet_in_the_ledger(tmp_path):
    pkg = released_package(tmp_path / "pkg")
    header, rows = read_rows(pkg, "actors")
    edit_rows(pkg, "actors", "actor_id", {}, add=[dict(rows[-1], actor_id="A-000004", name="Another actor")])
    out = build_zip(pkg, tmp_path / "dist")
    assert out.startswith("refused: ") and "actors: 1 (A-000004)" in out and "make bump" in out
    assert not (tmp_path / "dist").exists()


# --- the release layer of make validate ------------------------------------------------------------

def test_the_released_package_is_valid(released):
    pkg, _, _ = released
    assert problems(pkg) == (0, [])


def test_a_package_without_release_files_is_still_checked(tmp_path):
    pkg = build_package(tmp_path / "pkg")  # no ledger, CITATION.cff or CHANGELOG.md
    proc = run_validate(pkg, "--format", "json")
    assert proc.returncode == 0, proc.stdout[-2000:]


def test_removing_a_released_id_fails(tmp_path):
    pkg = released_package(tmp_path / "pkg")
    edit_rows(pkg, "tallies", "tally_id", {"T-000003": None})
    code, errors = cli_problems(pkg)
    assert code == 1
    assert [(p["rule"], p["file"], p["line"], p["column"], p["value"]) for p in errors] == [
        ("id-removed", "data/tallies.csv", None, "tally_id", "T-000003")]
    assert errors[0]["message"] == "The ID T-000003, released in 0.1.0 (releases/ids.csv line 14), is no longer in the data."


def test_an_id_that_changes_kind_fails(tmp_path):
    pkg = released_package(tmp_path / "pkg")
    set_ledger_row(pkg, "S-000004", resource="claims")  # as if S-000004 had been released as a claim
    code, errors = problems(pkg)
    assert code == 1
    assert [(p["rule"], p["file"], p["line"], p["column"], p["value"]) for p in errors] == [
        ("id-kind-changed", "data/sources.csv", 5, "source_id", "S-000004")]


def test_a_withdrawal_must_resolve(tmp_path):
    pkg = released_package(tmp_path / "pkg")
    edit_rows(pkg, "sources", "source_id", {"S-000002": None})
    set_ledger_row(pkg, "S-000002", withdrawn_in="0.1.1", resolves_to="S-000001", reason="A republication of S-000001.")
    assert problems(pkg) == (0, [])
    set_ledger_row(pkg, "S-000002", resolves_to="S-000099")
    code, errors = problems(pkg)
    assert code == 1
    assert [(p["rule"], p["file"], p["column"], p["value"]) for p in errors] == [
        ("id-tombstone-unresolved", "releases/ids.csv", "resolves_to", "S-000099")]


def test_incidents_retire_as_tombstones_not_withdrawals(tmp_path):
    pkg = released_package(tmp_path / "pkg")
    set_ledger_row(pkg, "CH-000002", withdrawn_in="0.1.1", reason="Duplicate.")
    code, errors = problems(pkg)
    assert code == 1
    assert {(p["rule"], p["column"]) for p in errors} == {("id-ledger-invalid", "withdrawn_in")}


def test_a_version_that_disagrees_fails(tmp_path):
    pkg = released_package(tmp_path / "pkg")
    cff = pkg / "CITATION.cff"
    cff.write_text(cff.read_text().replace('version: "0.1.0"\ndate-released', 'version: "0.2.0"\ndate-released'))
    code, errors = cli_problems(pkg)
    assert code == 1
    assert [(p["rule"], p["file"], p["line"], p["column"], p["value"]) for p in errors] == [
        ("version-mismatch", "CITATION.cff", 8, "version", "0.2.0")]
    assert errors[0]["message"] == "CITATION.cff gives version 0.2.0; datapackage.json gives 0.1.0."


def test_a_changelog_whose_top_entry_disagrees_fails(tmp_path):
    pkg = released_package(tmp_path / "pkg")
    log = pkg / "CHANGELOG.md"
    log.write_text(log.read_text().replace("## 0.1.0 — 2026-11-24", "## Unreleased\n\n- More rows.\n\n"
                                           "## 0.1.1 — 2026-11-30\n\nFixes.\n\n## 0.1.0 — 2026-11-24"))
    code, errors = problems(pkg)
    assert code == 1
    assert [(p["rule"], p["file"], p["line"], p["value"]) for p in errors] == [
        ("release-date-mismatch", "CHANGELOG.md", 7, "2026-11-30"),
        ("version-mismatch", "CHANGELOG.md", 7, "0.1.1")]


def test_a_release_date_that_disagrees_fails(tmp_path):
    pkg = released_package(tmp_path / "pkg")
    cff = pkg / "CITATION.cff"
    cff.write_text(cff.read_text().replace('  date-released: "2026-11-24"', '  date-released: "2026-11-25"'))
    code, errors = problems(pkg)
    assert code == 1
    assert [(p["rule"], p["file"], p["line"], p["column"], p["value"]) for p in errors] == [
        ("release-date-mismatch", "CITATION.cff", 19, "preferred-citation.date-released", "2026-11-25")]


def test_a_stale_zenodo_json_fails(tmp_path):
    pkg = released_package(tmp_path / "pkg")
    assert run_module("civharm.cite", "--package", str(pkg), "--zenodo").returncode == 0
    assert problems(pkg) == (0, [])
    z = pkg / ".zenodo.json"
    z.write_text(z.read_text().replace('"version": "0.1.0"', '"version": "0.0.9"'))
    code, errors = problems(pkg)
    assert code == 1 and [(p["rule"], p["message"]) for p in errors] == [
        ("zenodo-stale", ".zenodo.json is not what CITATION.cff and datapackage.json generate: it differs in version.")]


# --- make bump ---------------------------------------------------------------------------------------

def test_bump_sets_the_version_everywhere_and_records_the_new_ids(tmp_path):
    before = released_package(tmp_path / "before")
    pkg = Path(shutil.copytree(before, tmp_path / "pkg"))
    header, rows = read_rows(pkg, "actors")
    edit_rows(pkg, "actors", "actor_id", {}, add=[dict(rows[-1], actor_id="A-000004", name="Another actor")])
    assert run_module("civharm.cite", "--package", str(pkg), "--zenodo").returncode == 0

    too_small = run_module("civharm.release", "bump", "0.1.1", "--from", str(before), "--date", "2026-12-01",
                           "--package", str(pkg))
    assert too_small.returncode == 1 and "need a MINOR bump: VERSION must be at least 0.2.0" in too_small.stderr

    proc = run_module("civharm.release", "bump", "0.2.0", "--from", str(before), "--date", "2026-12-01",
                      "--package", str(pkg))
    assert proc.returncode == 0, proc.stderr
    meta = json.loads((pkg / "datapackage.json").read_text())
    assert (meta["version"], meta["created"]) == ("0.2.0", "2026-12-01T00:00:00Z")
    cff = (pkg / "CITATION.cff").read_text()
    assert cff.count('version: "0.2.0"') == 2 and cff.count('date-released: "2026-12-01"') == 2
    assert "  year: 2026\n" in cff and "    volume: 50\n" in cff  # the references are untouched
    log = (pkg / "CHANGELOG.md").read_text()
    assert log.startswith("# Changelog\n\n## 0.2.0 — 2026-12-01\n\n### Data\n\n")
    assert "#### Added\n\n- `actors`: 1 row:\n  - A-000004: Another actor\n" in log
    assert log.endswith("## 0.1.0 — 2026-11-24\n\nFirst release.\n")
    assert "A-000004,actors,0.2.0,,,\n" in (pkg / "releases" / "ids.csv").read_text()
    assert json.loads((pkg / ".zenodo.json").read_text())["version"] == "0.2.0"
    assert problems(pkg) == (0, [])
    assert not build_zip(pkg, tmp_path / "dist").startswith("refused")
    assert (tmp_path / "dist" / "civharm-0.2.0.zip").is_file()


def test_bump_sets_updated_on_on_the_rows_make_diff_finds_changed(tmp_path):
    """updated_on is the release date of a row's last change: bump sets it on added and changed rows
    only, and a later bump leaves them unless they change again."""
    before = released_package(tmp_path / "before")
    pkg = Path(shutil.copytree(before, tmp_path / "pkg"))
    edit_rows(pkg, "claims", "claim_id", {"CL-000003": {"notes": "Checked again."}})
    edit_rows(pkg, "incidents", "incident_id", {"CH-000001": {"local_time": "evening"}})
    assert run_module("civharm.cite", "--package", str(pkg), "--zenodo").returncode == 0
    proc = run_module("civharm.release", "bump", "0.1.1", "--from", str(before), "--date", "2026-12-01",
                      "--package", str(pkg))
    assert proc.returncode == 0, proc.stderr

    def updated(name, key):
        return {r[key]: r["updated_on"] for r in read_rows(pkg, name)[1]}
    assert updated("claims", "claim_id") == {"CL-000001": "", "CL-000002": "", "CL-000003": "2026-12-01"}
    assert updated("incidents", "incident_id") == {"CH-000001": "2026-12-01", "CH-000002": "", "CH-000003": ""}
    assert set(updated("sources", "source_id").values()) == {""}
    assert problems(pkg) == (0, [])
    assert run_module("civharm.fmt", str(pkg), "--check").returncode == 0


def test_updated_on_after_the_release_date_fails(tmp_path):
    pkg = released_package(tmp_path / "pkg")
    edit_rows(pkg, "sources", "source_id", {"S-000002": {"updated_on": "2026-11-25"}})
    code, errors = problems(pkg)
    assert code == 1 and [(p["rule"], p["file"], p["line"], p["message"]) for p in errors] == [
        ("updated-after-release", "data/sources.csv", 3,
         "updated_on is 2026-11-25, after the package's release date 2026-11-24.")]


def test_set_cff_changes_only_the_version_lines():
    from civharm.metadata.citation import set_cff
    from package_edits import CITATION

    new = set_cff("# a comment\n" + CITATION, "1.0.0", "2027-01-02")
    changed = [(a, b) for a, b in zip(("# a comment\n" + CITATION).splitlines(), new.splitlines()) if a != b]
    assert changed == [
        ('version: "0.1.0"', 'version: "1.0.0"'),
        ('date-released: "2026-11-24"', 'date-released: "2027-01-02"'),
        ('  version: "0.1.0"', '  version: "1.0.0"'),
        ('  date-released: "2026-11-24"', '  date-released: "2027-01-02"'),
        ("  year: 2026", "  year: 2027"),
    ]


def test_bump_turns_an_unreleased_section_into_the_new_entry():
    from civharm.release import changelog_entry

    text = "# Changelog\n\nIntro.\n\n## Unreleased\n\n- New tooling.\n\n## 0.1.0 — 2026-11-24\n\nFirst release.\n"
    assert changelog_entry(text, "0.2.0", "2026-12-01", "### Data\n\n- Rows.\n") == (
        "# Changelog\n\nIntro.\n\n## 0.2.0 — 2026-12-01\n\n- New tooling.\n\n### Data\n\n- Rows.\n\n"
        "## 0.1.0 — 2026-11-24\n\nFirst release.\n")


def test_an_unreadable_citation_cff_is_reported(tmp_path):
    pkg = released_package(tmp_path / "pkg")
    (pkg / "CITATION.cff").write_text('title: "civharm\nversion: [0.1.0\n', encoding="utf-8")
    code, errors = problems(pkg)
    assert code == 1 and [p["rule"] for p in errors] == ["citation-unreadable"]


def test_a_ragged_row_is_not_also_reported_as_a_removed_id(tmp_path):
    pkg = released_package(tmp_path / "pkg")
    path = pkg / "data" / "actors.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("A-000002,United States Armed Forces,United States,",
                                                             "A-000002,United States Armed Forces,"), encoding="utf-8")
    code, errors = problems(pkg)
    assert code == 1 and "id-removed" not in {p["rule"] for p in errors} and "row-ragged" in {p["rule"] for p in errors}


def test_the_ledger_takes_a_cell_as_long_as_the_line_limit_and_leaves_the_csv_cap_as_it_was(tmp_path):
    """The ledger is read with the csv module under the package's one line limit
    (CIVHARM_MAX_LINE_BYTES), not the module's 128 KB default, like the data files; the
    process-wide cap is put back after."""
    import csv

    from civharm.metadata import ids

    path = tmp_path / "ids.csv"
    row = ["incidents", "CH-000001", "0.1.0", "x" * 200_000] + [""] * (len(ids.COLUMNS) - 4)
    path.write_text(",".join(ids.COLUMNS) + "\n" + ",".join(row) + "\n", encoding="utf-8")
    before = csv.field_size_limit()
    rows = ids.ledger_rows(path)
    assert [r["__line"] for r in rows] == [2] and rows[0][ids.COLUMNS[3]] == "x" * 200_000
    assert csv.field_size_limit() == before
