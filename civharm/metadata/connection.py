"""The one way the project opens DuckDB: quiet, and, for work that may outgrow memory, bounded.

Every command that runs SQL (the validator, make db and make parquet, civharm.connect, the grade
rule, the importers, the bench) opens its connection here, so that a setting is made once.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

# DuckDB's memory for a validation run: tables past it spill to a temporary directory, so a
# package larger than memory still validates. CIVHARM_MEMORY_LIMIT overrides it (any DuckDB
# size: 2GB, 800MB).
MEMORY_LIMIT = "512MB"


class BadSetting(Exception):
    """A setting from the environment that the work cannot run with (the validator exits 2)."""


def open_duckdb(database: str | Path | None = None, *, read_only: bool = False,
                spill: str | Path | None = None) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection (in memory unless `database` names a file) that prints nothing: its
    progress bar would land in a command's report. Given `spill`, a directory, it also holds
    DuckDB to MEMORY_LIMIT (or CIVHARM_MEMORY_LIMIT) and spills the rest there; BadSetting when
    CIVHARM_MEMORY_LIMIT is not a size DuckDB takes."""
    con = duckdb.connect(":memory:" if database is None else str(database), read_only=read_only)
    con.execute("SET enable_progress_bar = false")
    if spill is not None:
        limit = os.environ.get("CIVHARM_MEMORY_LIMIT", MEMORY_LIMIT)
        try:
            con.execute(f"SET memory_limit = {_lit(limit)}")
        except duckdb.Error:
            con.close()
            raise BadSetting(f"CIVHARM_MEMORY_LIMIT={limit!r} is not a memory size DuckDB takes (e.g. 2GB, 800MB)")
        con.execute(f"SET temp_directory = {_lit(str(spill))}")
    return con


def _lit(text: str) -> str:
    """A SQL string literal (ddl.lit; not imported, as ddl's own imports open DuckDB here)."""
    return "'" + text.replace("'", "''") + "'"
