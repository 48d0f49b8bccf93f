"""SQL runs as written: every cookbook file through `make sql FILE=`, and no DuckDB warning on the
way (building the database, creating the views, running every view and every cookbook file, and
the plain CLI's `duckdb -init sql/load.sql`).

DuckDB announces syntax it is about to remove as a warning that the Python binding never shows and
the CLI prints on stderr: the first sign that the totals rest on something that will change. The
Python side is checked through DuckDB's own log (enable_logging at level warning).
"""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
from pathlib import Path

import pytest

import civharm
import civharm.db

REPO = Path(__file__).resolve().parents[1]
COOKBOOK = sorted((REPO / "sql" / "cookbook").glob("*.sql"))
VIEWS = sorted(p.stem for p in (REPO / "sql" / "views").glob("*.sql"))
DUCKDB_CLI = REPO / ".venv" / "bin" / "duckdb"
ENV = {k: v for k, v in os.environ.items() if k not in ("MAKELEVEL", "MAKEFLAGS", "MFLAGS")}


def _plain(value):
    """A value as DuckDB's JSON output writes it (dates as text, floats to 9 significant digits)."""
    value = json.loads(json.dumps(value, default=str))
    if isinstance(value, float):
        return float(f"{value:.9g}")
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _rows(records) -> list[dict]:
    return [{k: _plain(v) for k, v in r.items()} for r in records]


@pytest.fixture(scope="module")
def con():
    return civharm.connect(REPO)


@pytest.fixture(scope="module")
def json_home(tmp_path_factory):
    """A HOME whose ~/.duckdbrc sets DuckDB's output to JSON, as a user's own could."""
    home = tmp_path_factory.mktemp("home")
    (home / ".duckdbrc").write_text(".mode json\n")
    return home


@pytest.mark.parametrize("path", COOKBOOK, ids=[p.name for p in COOKBOOK])
def test_every_cookbook_file_runs_through_make_sql_file(path, con, json_home):
    rel = path.relative_to(REPO).as_posix()
    r = subprocess.run(["make", "sql", f"FILE={rel}"], cwd=REPO, capture_output=True, text=True,
                       env={**ENV, "HOME": str(json_home)}, timeout=600)
    assert r.returncode == 0, r.stderr
    assert "WARNING" not in r.stderr and "Error" not in r.stderr, r.stderr
    printed = _rows(json.loads(r.stdout))
    result = con.sql(path.read_text())
    expected = _rows(dict(zip(result.columns, row)) for row in result.fetchall())
    assert printed, f"{rel} printed no rows"
    assert printed == expected  # the rows test_cookbook.py asserts, as make sql prints them


def test_the_deadliest_incidents_as_make_sql_prints_them(json_home):
    r = subprocess.run(["make", "sql", "FILE=sql/cookbook/09-deadliest-incidents.sql"], cwd=REPO,
                       capture_output=True, text=True, env={**ENV, "HOME": str(json_home)}, timeout=600)
    first = json.loads(r.stdout)[0]
    assert (first["incident_id"], first["civilians_killed_max"]) == ("CH-000030", 700)
    assert "CH-000029" in first["counted_with"].split(", ")  # its companion entry, among those it is counted with


def test_a_missing_file_is_a_clear_error():
    r = subprocess.run(["make", "sql", "FILE=sql/cookbook/no-such.sql"], cwd=REPO, capture_output=True,
                       text=True, env=ENV, timeout=600)
    assert r.returncode == 2
    assert 'Failed to open file "sql/cookbook/no-such.sql"' in r.stderr


# --- no DuckDB warning ----------------------------------------------------------------------------


def test_no_duckdb_warning_in_python(tmp_path, monkeypatch):
    """Every connection civharm opens logs DuckDB's warnings to a folder of its own; none may hold one."""
    logs = tmp_path / "logs"
    opened = []
    original = civharm.db.open_duckdb

    def logging_duckdb(*args, **kwargs):
        c = original(*args, **kwargs)
        folder = logs / str(len(opened))
        folder.mkdir(parents=True)
        c.execute(f"CALL enable_logging(level = 'warning', storage = 'file', storage_path = '{folder}')")
        opened.append(c)
        return c

    monkeypatch.setattr(civharm.db, "open_duckdb", logging_duckdb)
    civharm.db.build_db(REPO / "datapackage.json", tmp_path / "civharm.duckdb")  # make db
    c = civharm.connect(REPO)  # tables and views in memory
    for view in VIEWS:
        c.sql(f"FROM {view}").fetchall()
    for path in COOKBOOK:
        c.sql(path.read_text()).fetchall()
    c.close()
    assert len(opened) == 2
    entries = [row for f in logs.rglob("duckdb_log_entries.csv") for row in csv.DictReader(f.open())]
    assert [(e["log_level"], e["message"]) for e in entries] == []


def test_no_duckdb_warning_from_the_cli():
    """`duckdb -init sql/load.sql` (the DuckDB CLI over the CSVs), then every view and cookbook file."""
    script = "".join(f"FROM {v} LIMIT 1;\n" for v in VIEWS) + "".join(p.read_text() + "\n" for p in COOKBOOK)
    r = subprocess.run([str(DUCKDB_CLI), "-init", "sql/load.sql", "-bail", "-no-stdin", "-c", script],
                       cwd=REPO, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr
    said = re.sub(r"\x1b\[[0-9;]*m", "", r.stderr).strip()  # the CLI colours what it says
    assert said == "-- Loading resources from sql/load.sql", said
