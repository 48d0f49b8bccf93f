"""The Parquet files keep what DuckDB keeps: each reader (pyarrow, pandas, polars, DuckDB) gets
integer counts, dates and categorical enums, and finds every column's description and the
package's citation in the file."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import civharm
from civharm.metadata.label import label as version_label
from civharm.metadata.package import load_json, load_resources

REPO = Path(__file__).resolve().parents[1]
RESOURCES = load_resources(REPO, load_json(REPO / "datapackage.json"))
FIELDS = {r.name: {f["name"]: f for f in r.fields} for r in RESOURCES}
# What the checkout's files are: "0.2.0" only when they are that release byte for byte, else
# "unreleased changes since 0.2.0 (commit …)" (test_label_in_both_states checks each form)
VERSION = version_label(REPO).text


def kinds(resource: str, kind: str) -> list[str]:
    """The columns of one schema type; "enum" for the string columns with an enum constraint."""
    if kind == "enum":
        return [n for n, f in FIELDS[resource].items() if (f.get("constraints") or {}).get("enum")]
    return [n for n, f in FIELDS[resource].items() if f.get("type") == kind]


@pytest.fixture(scope="module")
def parquet(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("parquet") / "parquet"
    r = subprocess.run([sys.executable, "-m", "civharm.db", "parquet", "--out", str(out)],
                       cwd=REPO, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    return out


def test_pyarrow_reads_types_descriptions_and_citation(parquet):
    for res in RESOURCES:
        schema = pq.read_schema(parquet / f"{res.name}.parquet")
        for name, f in FIELDS[res.name].items():
            field = schema.field(name)
            assert field.metadata[b"description"].decode().startswith(f["description"]), name
        for name in kinds(res.name, "integer"):
            assert schema.field(name).type == pa.int64()
        for name in kinds(res.name, "date"):
            assert schema.field(name).type == pa.date32()
        for name in kinds(res.name, "enum"):
            assert pa.types.is_dictionary(schema.field(name).type), name
        meta = schema.metadata
        assert meta[b"civharm_version"] == VERSION.encode()
        assert VERSION in meta[b"citation"].decode() and b"releases/versions.csv" in meta[b"citation"]
        assert meta[b"license"] == b"CC-BY-4.0"
    # the enum's meanings travel with the column
    status = pq.read_schema(parquet / "incidents.parquet").field("status").metadata[b"description"].decode()
    assert "merged = A tombstone" in status


def test_pandas_reads_nullable_integers_dates_categories_and_descriptions(parquet):
    df = pd.read_parquet(parquet / "incidents.parquet")  # the README's recipe, no options
    assert str(df["civilians_killed_min"].dtype) == "Int64"
    assert df["women_killed_min"].isna().any()  # blanks are <NA>, and the column stays integer
    assert isinstance(df["status"].dtype, pd.CategoricalDtype)
    assert list(df["status"].cat.categories) == FIELDS["incidents"]["status"]["constraints"]["enum"]
    assert df["date_start"].iloc[0] == dt.date.fromisoformat(df["date_start"].astype(str).iloc[0])
    assert df["neighbourhood"].isna().any() and df["neighbourhood"].dtype != object  # <NA>, not NaN in an object column
    assert df["neighbourhood"][df["neighbourhood"].isna()].iloc[0] is pd.NA
    assert df.attrs["civharm_version"] == VERSION
    for name, f in FIELDS["incidents"].items():
        assert df.attrs["columns"][name].startswith(f["description"])


def test_polars_reads_integers_dates_categoricals_and_descriptions(parquet):
    df = pl.read_parquet(parquet / "claims.parquet")
    for name in kinds("claims", "integer"):
        assert df.schema[name] == pl.Int64, name
    for name in kinds("claims", "date"):
        assert df.schema[name] == pl.Date, name
    for name in kinds("claims", "enum"):
        assert df.schema[name] in (pl.Categorical, pl.Enum) or isinstance(df.schema[name], (pl.Categorical, pl.Enum)), name
    kv = pl.read_parquet_metadata(parquet / "claims.parquet")
    described = json.loads(kv["civharm_columns"])
    assert set(described) == set(FIELDS["claims"])
    assert all(described[n].startswith(f["description"]) for n, f in FIELDS["claims"].items())
    assert VERSION in kv["citation"]


def test_duckdb_reads_integers_dates_and_descriptions(parquet):
    con = duckdb.connect()
    path = str(parquet / "incidents.parquet")
    types = dict(con.execute("SELECT column_name, column_type FROM (DESCRIBE FROM read_parquet(?))", [path]).fetchall())
    for name in kinds("incidents", "integer"):
        assert types[name] == "BIGINT"
    for name in kinds("incidents", "date"):
        assert types[name] == "DATE"
    # DuckDB reads a dictionary-encoded column as VARCHAR; the values are stored once per page.
    encodings = {r[0]: r[1] for r in con.execute(
        "SELECT path_in_schema, encodings FROM parquet_metadata(?)", [path]).fetchall()}
    assert "DICTIONARY" in encodings["status"]
    kv = {k.decode(): v.decode() for k, v in con.execute(
        "SELECT key, value FROM parquet_kv_metadata(?)", [path]).fetchall()}
    assert json.loads(kv["civharm_columns"])["incident_id"].startswith(FIELDS["incidents"]["incident_id"]["description"])
    assert kv["civharm_version"] == VERSION


@pytest.mark.parametrize("to", ["polars", "pandas", "arrow"])
def test_civharm_read_gives_typed_frames(to):
    t = civharm.read("incidents", to=to)
    if to == "pandas":
        assert str(t["civilians_killed_min"].dtype) == "Int64"
        assert str(t["date_start"].dtype) == "date32[day][pyarrow]"
        assert isinstance(t["status"].dtype, pd.CategoricalDtype)
        assert t.attrs["columns"]["status"].startswith(FIELDS["incidents"]["status"]["description"])
    elif to == "polars":
        assert t.schema["civilians_killed_min"] == pl.Int64 and t.schema["date_start"] == pl.Date
        assert t.schema["status"] in (pl.Categorical, pl.Enum) or isinstance(t.schema["status"], (pl.Categorical, pl.Enum))
    else:
        assert t.schema.field("civilians_killed_min").type == pa.int64()
        assert t.schema.field("status").metadata[b"description"].decode().startswith(
            FIELDS["incidents"]["status"]["description"])
    assert len(t) == civharm.connect().execute("SELECT count(*) FROM incidents").fetchone()[0]


def test_civharm_read_names_what_exists():
    with pytest.raises(KeyError, match="incidents"):
        civharm.read("incident")


def test_pandas_gets_the_same_dtypes_from_civharm_read_and_from_parquet(parquet):
    """One pandas type per column whichever way a user reads a table: Int64 counts (not
    int64[pyarrow] from one and Int64 from the other), Arrow dates and strings, category enums."""
    for res in RESOURCES:
        from_read = civharm.read(res.name, to="pandas").dtypes.astype(str).to_dict()
        from_parquet = pd.read_parquet(parquet / f"{res.name}.parquet").dtypes.astype(str).to_dict()
        assert from_read == from_parquet, res.name
        for name in kinds(res.name, "integer"):
            assert from_read[name] == "Int64", (res.name, name)


def test_label_in_both_states(tmp_path):
    """A released package (its zip's hashes) carries its version and release date; the same
    package changed since carries "unreleased changes since 0.1.0" and no release date."""
    from civharm.db import build_parquet
    from package_edits import edit_rows, released_package, with_release_hashes

    released = with_release_hashes(released_package(tmp_path / "released"))
    changed = released_package(tmp_path / "changed")
    edit_rows(changed, "incidents", "incident_id", {"CH-000001": {"civilians_killed_max": "56"}})
    for pkg, named, cites in ((released, "0.1.0", "civharm test fixture: a minimal valid package, version 0.1.0. Released 2026-11-24."),
                              (changed, "unreleased changes since 0.1.0",
                               "civharm test fixture: a minimal valid package, unreleased changes since 0.1.0: not a released version.")):
        out = build_parquet(pkg / "datapackage.json", tmp_path / f"{pkg.name}-parquet")
        meta = pq.read_schema(out / "incidents.parquet").metadata
        assert meta[b"civharm_version"].decode() == named
        assert cites in meta[b"citation"].decode()
        assert civharm.read("incidents", to="pandas", package=pkg).attrs["civharm_version"] == named
