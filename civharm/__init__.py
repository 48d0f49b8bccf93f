"""civharm: tooling for the civharm data package (civilian-harm incidents and their sources).

    >>> import civharm
    >>> con = civharm.connect()            # typed DuckDB tables and views from the CSVs
    >>> con.sql("FROM relay_discrepancies").fetchall()
    >>> civharm.read("incidents", to="pandas")  # typed frames: polars (default), pandas, arrow
"""


def connect(package=None, database=None):
    """A DuckDB connection to the package; see `civharm.db.connect`."""
    from .db import connect as _connect  # imported here so `python -m civharm.db` loads it once

    return _connect(package, database)


def read(table, to="polars", package=None):
    """One table or view as a typed frame (polars, pandas, arrow or duckdb); see `civharm.db.read`."""
    from .db import read as _read  # as in connect()

    return _read(table, to, package)


__all__ = ["connect", "read"]
