"""One table says what each engine calls a Table Schema type (civharm/metadata/types.py), one
module reads and writes the package's CSV form (civharm/metadata/csvfile.py), and one helper
opens DuckDB (civharm/metadata/connection.py). These tests hold each to what the engines do."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import duckdb
import pytest

from civharm.metadata import csvfile, types, versions
from civharm.metadata.connection import BadSetting, open_duckdb
from civharm.metadata.ddl import load_script
from civharm.metadata.package import load_json, load_resources
from civharm.validate.models import model

REPO = Path(__file__).resolve().parents[1]
RESOURCES = load_resources(REPO, load_json(REPO / "datapackage.json"))


def test_every_schema_type_is_in_the_table():
    used = {f.get("type", "string") for r in RESOURCES for f in r.fields}
    assert used <= set(types.TYPES), f"types the table lacks: {used - set(types.TYPES)}"


@pytest.mark.parametrize("kind", sorted(types.TYPES))
def test_duckdb_hands_each_engine_the_type_the_table_names(kind):
    """A column of the table's DuckDB type reaches Arrow and polars as the table says."""
    t = types.TYPES[kind]
    con = duckdb.connect()
    con.execute(f"CREATE TABLE t (v {t.duckdb})")
    assert con.execute("FROM t").arrow().schema.field("v").type == t.arrow
    assert con.execute("FROM t").pl().schema["v"] == t.polars


def test_load_script_and_pandera_models_use_the_table():
    script = load_script(REPO, load_json(REPO / "datapackage.json"))
    claims = next(r for r in RESOURCES if r.name == "claims")
    cells, _, _ = model("claims", claims.schema, tuple(claims.field_names))
    for f in claims.fields:
        if (f.get("constraints") or {}).get("enum"):
            continue  # an enum is its own DuckDB type, named after the field
        assert f"{json.dumps(f['name'])} {types.of(f).duckdb}" in script
        assert f"'{f['name']}': '{types.of(f).duckdb}'" in script  # the typed read_csv
        assert cells.columns[f["name"]].dtype.type == types.of(f).polars


def test_a_field_without_a_type_is_a_string():
    assert types.of({"name": "x"}) is types.TYPES["string"]


# --- the two read_csv option strings: why they differ ------------------------------------------


def _read(path: Path, options: str, names: list[str]) -> list[tuple]:
    columns = ", ".join(f"'{n}': 'VARCHAR'" for n in names)
    return duckdb.connect().execute(f"FROM read_csv('{path}', {options}, columns = {{{columns}}})").fetchall()


def test_loading_reads_an_empty_cell_as_null(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a,b\n1,\n")
    assert _read(path, csvfile.READ_CSV_LOAD, ["a", "b"]) == [("1", None)]


def test_checking_tells_an_empty_cell_from_a_missing_one(tmp_path):
    """An empty cell is '', a cell missing from a short row is NULL, and a long row fills the
    extra column: the fast reader sends the last two to the exact reader."""
    path = tmp_path / "t.csv"
    path.write_text("a,b\n1,\n2\n3,x,y\n")
    assert _read(path, csvfile.READ_CSV_CHECK, ["a", "b", "extra"]) == [("1", "", None), ("2", None, None),
                                                                       ("3", "x", "y")]
    with pytest.raises(duckdb.Error):  # the loading options refuse the same file outright
        _read(path, csvfile.READ_CSV_LOAD, ["a", "b"])


# --- the Python CSV path ---------------------------------------------------------------------------


def test_records_drop_a_bom_and_blank_lines_and_keep_quoted_line_breaks():
    assert csvfile.records('\ufeffa,b\n\n1,"x\ny"\n') == [["a", "b"], ["1", "x\ny"]]
    assert csvfile.dict_rows('\ufeffa,b\n1,2\n') == [{"a": "1", "b": "2"}]


def test_a_stray_quote_is_an_error_not_a_guess():
    with pytest.raises(csv.Error):
        csvfile.records('a,b\n"1"x,2\n')


def test_render_writes_the_canonical_form():
    text = csvfile.render(["a", "b"], [["1", "x, y"], ["2", 'say "hi"']])
    assert text == 'a,b\n1,"x, y"\n2,"say ""hi"""\n'
    assert csvfile.records(text)[1:] == [["1", "x, y"], ["2", 'say "hi"']]
    assert csvfile.render_dicts(["a", "b"], [{"b": None, "a": "1"}]) == "a,b\n1,\n"


# --- the DuckDB helper -----------------------------------------------------------------------------


def test_open_duckdb_is_quiet_and_bounded_when_it_may_spill(tmp_path, monkeypatch):
    monkeypatch.setenv("CIVHARM_MEMORY_LIMIT", "100MB")
    con = open_duckdb(spill=tmp_path)
    assert con.execute("SELECT current_setting('enable_progress_bar')").fetchone()[0] is False
    assert con.execute("SELECT current_setting('temp_directory')").fetchone()[0] == str(tmp_path)
    assert con.execute("SELECT current_setting('memory_limit')").fetchone()[0].startswith("95")  # MiB
    monkeypatch.setenv("CIVHARM_MEMORY_LIMIT", "lots")
    with pytest.raises(BadSetting, match="CIVHARM_MEMORY_LIMIT='lots'"):
        open_duckdb(spill=tmp_path)


def test_open_duckdb_opens_a_file_read_only(tmp_path):
    path = tmp_path / "x.duckdb"
    con = open_duckdb(path)
    con.execute("CREATE TABLE t AS SELECT 1 AS v")
    con.close()
    ro = open_duckdb(path, read_only=True)
    assert ro.execute("FROM t").fetchall() == [(1,)]
    with pytest.raises(duckdb.Error):
        ro.execute("INSERT INTO t VALUES (2)")


def test_a_ledger_the_csv_path_cannot_read_is_named(tmp_path):
    """The strict reader turns a malformed version ledger into the ledger's own error."""
    (tmp_path / "releases").mkdir()
    (tmp_path / "releases" / "versions.csv").write_text('version,released_on,commit,zip_sha256,built_by,notes\n"0.1.0"x,,,,,\n')
    with pytest.raises(versions.VersionLedgerError, match="not a readable CSV"):
        versions.read(tmp_path)
