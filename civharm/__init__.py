"""civharm: tooling for the civharm data package (civilian-harm incidents and their sources).

    >>> import civharm
    >>> con = civharm.connect()            # typed DuckDB tables and views from the CSVs
    >>> con.sql("FROM relay_discrepancies").fetchall()
"""


def connect(package=".", database=None):
    """A DuckDB connection to the package; see `civharm.db.connect`."""
    from .db import connect as _connect  # imported here so `python -m civharm.db` loads it once

    return _connect(package, database)


__all__ = ["connect"]
