"""The DuckDB layer: typed tables with comments, lossless round trips, the plain-CLI script,
and builds that never leave a broken database behind."""

from __future__ import annotations

import csv
import hashlib
import io
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from civharm.metadata import types
from civharm.metadata.ddl import load_script
from civharm.metadata.label import label as version_label
from civharm.metadata.package import RESOURCE_NAMES, load_json, load_resources

REPO = Path(__file__).resolve().parents[1]
PY = sys.executable
DUCKDB_CLI = Path(sys.executable).parent / "duckdb"


def package_copy(tmp_path: Path) -> Path:
    dest = tmp_path / "pkg"
    dest.mkdir()
    for name in ("datapackage.json", "schemas", "data"):
        src = REPO / name
        (shutil.copytree if src.is_dir() else shutil.copyfile)(src, dest / name)
    return dest


def build(pkg: Path, what: str = "db", out: Path | None = None) -> subprocess.CompletedProcess:
    cmd = [PY, "-m", "civharm.db", what, "--package", str(pkg)] + (["--out", str(out)] if out else [])
    return subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, timeout=300)


def csv_rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def values(path: Path, resource: str) -> list[tuple]:
    """A CSV's rows as values of their schema types: 36.3450 and 36.345 are one number."""
    fields = {f["name"]: f.get("type") for f in load_json(REPO / "schemas" / f"{resource}.schema.json")["fields"]}
    rows = csv_rows(path)
    kinds = [fields[name] for name in rows[0]]
    cast = lambda kind, v: float(v) if (kind == "number" and v) else v  # noqa: E731
    return sorted(tuple(cast(k, v) for k, v in zip(kinds, row)) for row in rows[1:])


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("db") / "civharm.duckdb"
    r = build(REPO, out=out)
    assert r.returncode == 0, r.stderr
    return out


def test_tables_are_typed_from_the_schemas(db):
    con = duckdb.connect(str(db), read_only=True)
    types = dict(con.execute(
        "SELECT table_name || '.' || column_name, data_type FROM duckdb_columns() WHERE NOT internal").fetchall())
    assert types["incidents.date_start"] == "DATE"
    assert types["incidents.civilians_killed_min"] == "BIGINT"  # as wide as the validator reads it
    assert types["incidents.latitude"] == "DOUBLE"
    assert types["incidents.status"].startswith("ENUM('active', 'merged', 'retracted')")
    assert types["claims.means"] == types["incidents.means"]  # one shared ENUM type


def test_every_column_carries_its_schema_description(db):
    con = duckdb.connect(str(db), read_only=True)
    comments = dict(con.execute(
        "SELECT table_name || '.' || column_name, comment FROM duckdb_columns() WHERE NOT internal "
        f"AND table_name IN ({', '.join(repr(n) for n in RESOURCE_NAMES)})").fetchall())
    for res in load_resources(REPO, load_json(REPO / "datapackage.json")):
        for f in res.fields:
            assert comments[f"{res.name}.{f['name']}"].startswith(f["description"])
    assert "merged = A tombstone" in comments["incidents.status"]


def test_keys_are_declared(db):
    con = duckdb.connect(str(db), read_only=True)
    kinds = con.execute("SELECT table_name, constraint_type, constraint_column_names FROM duckdb_constraints() "
                        "WHERE constraint_type IN ('PRIMARY KEY', 'FOREIGN KEY')").fetchall()
    assert ("incidents", "PRIMARY KEY", ["incident_id"]) in kinds
    assert ("claims", "FOREIGN KEY", ["source_id"]) in kinds
    assert ("incidents", "FOREIGN KEY", ["merged_into"]) in kinds  # a self reference


@pytest.mark.parametrize("resource", RESOURCE_NAMES)
def test_csv_duckdb_csv_keeps_every_value(db, tmp_path, resource):
    con = duckdb.connect(str(db), read_only=True)
    out = tmp_path / f"{resource}.csv"
    con.execute(f"COPY (FROM {resource}) TO '{out}' (HEADER, DELIMITER ',', DATEFORMAT '%Y-%m-%d')")
    assert csv_rows(out)[0] == csv_rows(REPO / "data" / f"{resource}.csv")[0]
    assert values(out, resource) == values(REPO / "data" / f"{resource}.csv", resource)


@pytest.mark.parametrize("resource", RESOURCE_NAMES)
def test_parquet_keeps_every_value_and_carries_citation(tmp_path, resource):
    out = tmp_path / "parquet"
    r = build(REPO, "parquet", out)
    assert r.returncode == 0, r.stderr
    meta = pq.read_metadata(out / f"{resource}.parquet").metadata
    named = version_label(REPO).text  # "0.2.0" for the release byte for byte, else "unreleased changes since …"
    assert meta[b"civharm_version"] == named.encode()
    assert meta[b"license"] == b"CC-BY-4.0"
    assert named.encode() in meta[b"citation"]
    schema = pq.read_schema(out / f"{resource}.parquet")
    for f in load_json(REPO / "schemas" / f"{resource}.schema.json")["fields"]:
        got = schema.field(f["name"]).type
        if (f.get("constraints") or {}).get("enum"):  # an enum is dictionary-encoded text
            assert pa.types.is_dictionary(got) and got.value_type == types.TYPES["string"].arrow, f["name"]
        else:
            assert got == types.of(f).arrow, f["name"]
    con = duckdb.connect()
    back = tmp_path / f"{resource}.csv"
    con.execute(f"COPY (FROM '{out / (resource + '.parquet')}') TO '{back}' (HEADER, DATEFORMAT '%Y-%m-%d')")
    assert values(back, resource) == values(REPO / "data" / f"{resource}.csv", resource)


def test_load_sql_is_generated_from_the_schemas():
    assert (REPO / "sql" / "load.sql").read_text() == load_script(REPO, load_json(REPO / "datapackage.json")), \
        "sql/load.sql is stale: run make sql-script"


def test_plain_duckdb_cli_builds_the_same_tables(db, tmp_path):
    cli_db = tmp_path / "cli.duckdb"
    r = subprocess.run([str(DUCKDB_CLI), str(cli_db), "-init", "sql/load.sql", "-c", "SELECT 1"],
                       cwd=REPO, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120)
    assert r.returncode == 0, r.stderr
    a = duckdb.connect(str(db), read_only=True)
    b = duckdb.connect(str(cli_db), read_only=True)
    # package_version is made by civharm only: telling a release from unreleased changes hashes the
    # files, which plain SQL in a committed script cannot (civharm/db.py).
    shape = ("SELECT table_name, column_name, data_type, comment FROM duckdb_columns() WHERE NOT internal "
             "AND table_name <> 'package_version' ORDER BY ALL")
    assert a.execute(shape).fetchall() == b.execute(shape).fetchall()
    for table in ("incidents", "sources", "claims", "tallies", "actors", "incident_relations", "official_vs_monitors", "source_chains"):
        assert a.execute(f"FROM {table} ORDER BY ALL").fetchall() == b.execute(f"FROM {table} ORDER BY ALL").fetchall()


def test_load_sql_runs_again_on_the_database_it_built(tmp_path):
    """The README's recipe, run twice on one file: the second run replaces, it neither fails
    (type already exists) nor loads the rows twice."""
    cli_db = tmp_path / "cli.duckdb"
    counts = []
    for _ in range(2):
        r = subprocess.run([str(DUCKDB_CLI), str(cli_db), "-init", "sql/load.sql", "-c",
                            "SELECT (SELECT count(*) FROM incidents) || ' ' || (SELECT count(*) FROM claims)"],
                           cwd=REPO, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120)
        assert r.returncode == 0 and "Error" not in r.stderr, r.stderr
        counts.append(r.stdout)
    con = duckdb.connect(str(cli_db), read_only=True)
    expected = len(csv_rows(REPO / "data" / "incidents.csv")) - 1
    assert con.execute("SELECT count(*) FROM incidents").fetchone()[0] == expected
    assert counts[0] == counts[1]


def test_an_invalid_package_builds_nothing(tmp_path):
    pkg = package_copy(tmp_path)
    out = tmp_path / "civharm.duckdb"
    out.write_bytes(b"previous")
    text = (pkg / "data" / "incidents.csv").read_text()
    (pkg / "data" / "incidents.csv").write_text(text.replace(",day,", ",daily,", 1))
    r = build(pkg, out=out)
    assert r.returncode == 1
    assert "invalid" in r.stderr and "cell-enum" in r.stderr
    assert out.read_bytes() == b"previous"


def test_killing_a_build_midway_leaves_the_previous_database(tmp_path):
    pkg = package_copy(tmp_path)
    out = tmp_path / "build" / "civharm.duckdb"
    assert build(pkg, out=out).returncode == 0
    before = hashlib.sha256(out.read_bytes()).hexdigest()
    claims = duckdb.connect(str(out), read_only=True).execute("SELECT count(*) FROM claims").fetchone()[0]
    # Make the load take long enough to interrupt: many more claims, each as the first one.
    rows = csv_rows(pkg / "data" / "claims.csv")
    first = rows[1]
    with open(pkg / "data" / "claims.csv", "a", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        for i in range(1, 300_001):
            w.writerow([f"CL-{900000 + i:07d}"] + first[1:])
    proc = subprocess.Popen([PY, "-m", "civharm.db", "db", "--package", str(pkg), "--out", str(out)], cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 240
    while time.time() < deadline and proc.poll() is None:
        if any(out.parent.glob(".civharm.duckdb.*.tmp*")):
            time.sleep(0.05)
            break
        time.sleep(0.002)
    assert proc.poll() is None, "the build finished before it could be interrupted"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert hashlib.sha256(out.read_bytes()).hexdigest() == before
    assert duckdb.connect(str(out), read_only=True).execute("SELECT count(*) FROM claims").fetchone()[0] == claims


def test_the_database_says_which_data_it_holds(tmp_path):
    """package_version: a released package's bytes carry its version; the same package changed
    carries "unreleased changes since", never the released name."""
    import civharm
    from package_edits import edit_rows, released_package, with_release_hashes

    released = with_release_hashes(released_package(tmp_path / "released"))
    changed = released_package(tmp_path / "changed")
    edit_rows(changed, "incidents", "incident_id", {"CH-000001": {"civilians_killed_max": "56"}})
    (version, descriptor_version, cite), = civharm.connect(released).sql("FROM package_version").fetchall()
    assert (version, descriptor_version) == ("0.1.0", "0.1.0") and "version 0.1.0" in cite
    (version, _, cite), = civharm.connect(changed).sql("FROM package_version").fetchall()
    assert version == "unreleased changes since 0.1.0" and "not a released version" in cite
