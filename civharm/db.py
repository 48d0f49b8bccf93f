"""`make db` and `make parquet`: the package as a typed DuckDB database and as Parquet files.

Both build only from a package that validates, write to a temporary path beside the target and
rename it into place, so an interrupted or failed build leaves the previous output untouched.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

import duckdb
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from .metadata.atomic import clean_stale, replace_folder
from .metadata.connection import open_duckdb
from .metadata.ddl import column_comment, lit, load_script, q
from .metadata.package import Resource, descriptor_path, load_json, load_resources
from .metadata.paths import DEFAULT_PACKAGE
from .metadata.label import label as version_label
from .metadata.versions import LEDGER as VERSIONS_LEDGER
from .validate.engine import validate  # the same checks as make validate


def connect(package: str | Path | None = None, database: str | Path | None = None) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection to the civharm package: typed tables, comments and views.

    With `database` (for example "build/civharm.duckdb" from `make db`), opens that file read-only.
    Otherwise loads the package's CSVs into an in-memory database (no build step needed): the
    package folder given, or by default the one civharm came with (the checkout, or the copy
    inside the installed wheel).

        >>> import civharm
        >>> con = civharm.connect()
        >>> con.sql("FROM official_vs_monitors").df()    # or .pl(), .fetchall()
    """
    if database is not None:
        return open_duckdb(database, read_only=True)
    desc = descriptor_path(DEFAULT_PACKAGE if package is None else package)
    if not desc.is_file():
        raise FileNotFoundError(f"no datapackage.json at {desc.parent}: give civharm.connect() a package folder")
    con = open_duckdb()
    _load(con, desc)
    return con


READERS = ("arrow", "polars", "pandas", "duckdb")


def read(table: str, to: str = "polars", package: str | Path | None = None):
    """One table or view as a typed frame: counts as integers (nullable), dates as dates, enums as
    categoricals, blanks as nulls, and each column's description in the metadata.

        >>> civharm.read("incidents")                  # polars
        >>> civharm.read("incidents", to="pandas")     # pandas: Int64 counts, enums as category

    to: "polars", "pandas", "arrow" (a pyarrow.Table) or "duckdb" (a relation on a new connection)."""
    if to not in READERS:
        raise ValueError(f"to={to!r}: choose one of {', '.join(READERS)}")
    desc = descriptor_path(DEFAULT_PACKAGE if package is None else package)
    con = connect(desc)
    if to == "duckdb":
        return con.sql(f"FROM {q(table)}")
    meta = load_json(desc)
    res = next((r for r in load_resources(desc.parent, meta) if r.name == table), None)
    if res is not None:
        t = arrow_table(con, res, meta, version_label(desc.parent, meta).text)
    else:
        names = {n for (n,) in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()}
        if table not in names:
            tables = [r.name for r in load_resources(desc.parent, meta)]
            raise KeyError(f"civharm has no table or view {table!r}; tables: {', '.join(tables)}; "
                           f"views: {', '.join(sorted(names))}")
        t = con.sql(f"FROM {q(table)}").to_arrow_table()
    if to == "arrow":
        return t
    if to == "polars":
        return pl.from_arrow(t)
    df = t.to_pandas(types_mapper=pandas_type)
    if t.schema.metadata and b"PANDAS_ATTRS" in t.schema.metadata:
        df.attrs = json.loads(t.schema.metadata[b"PANDAS_ATTRS"])
    return df


def pandas_type(kind: pa.DataType):
    """The pandas dtype of an Arrow column, the same for `civharm.read(to="pandas")` and for
    `pd.read_parquet` on the Parquet files (whose pandas metadata is written from it): pandas' own
    nullable dtype where pandas has one (Int64, Float64, boolean, string: what pandas' tools know
    best, each with <NA> for a blank), enums (dictionaries) as category, and dates Arrow-backed
    (date32), as pandas has no date-only dtype of its own."""
    if pa.types.is_dictionary(kind):
        return None
    if pa.types.is_integer(kind):
        return pd.Int64Dtype()
    if pa.types.is_floating(kind):
        return pd.Float64Dtype()
    if pa.types.is_boolean(kind):
        return pd.BooleanDtype()
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return pd.StringDtype(na_value=pd.NA)
    return pd.ArrowDtype(kind)


def package_metadata(meta: dict, named: str) -> dict[str, str]:
    """What every Parquet file and frame carries about the package: version (named: its label,
    "0.2.0" or "unreleased changes since 0.2.0 (commit …)"), licence, citation."""
    return {"civharm_version": named,
            "license": ", ".join(lic.get("name", "") for lic in meta.get("licenses", [])),
            "citation": citation(meta, named)}


def arrow_table(con: duckdb.DuckDBPyConnection, res: Resource, meta: dict, named: str) -> pa.Table:
    """A table as Arrow with what DuckDB keeps and a bare Parquet file would lose: each column's
    description (field metadata), the table's, the package's version, licence and citation, and
    pandas' own metadata so that pandas.read_parquet gives Int64 counts and <NA> blanks.

    Enums arrive as Arrow dictionaries (DuckDB's ENUM), so Parquet stores them dictionary-encoded
    and pyarrow, polars and pandas read them back as categoricals."""
    order = ", ".join(map(q, res.primary_key)) or "ALL"
    t = con.sql(f"SELECT * FROM {q(res.name)} ORDER BY {order}").to_arrow_table()
    described = {f["name"]: column_comment(f) for f in res.fields}
    t = t.cast(pa.schema([field.with_metadata({"description": described.get(field.name, "")})
                          for field in t.schema]))
    kv = package_metadata(meta, named)
    kv.update(civharm_table=res.name,
              civharm_table_description=res.descriptor.get("description") or res.descriptor.get("title") or "",
              civharm_columns=json.dumps(described, ensure_ascii=False))
    attrs = {**package_metadata(meta, named), "table": res.name,
             "description": kv["civharm_table_description"], "columns": described}
    # pandas' metadata is written by pandas itself, from an empty frame of the pandas types we
    # want back (Int64, string with <NA>); writing it by hand would copy pandas' private format.
    empty = t.slice(0, 0).to_pandas(types_mapper=pandas_type)
    pandas_meta = pa.Table.from_pandas(empty, schema=t.schema, preserve_index=False).schema.metadata[b"pandas"]
    return t.replace_schema_metadata({**kv, "PANDAS_ATTRS": json.dumps(attrs, ensure_ascii=False),
                                      "pandas": pandas_meta})


def _load(con: duckdb.DuckDBPyConnection, desc: Path) -> None:
    root = desc.parent.resolve()
    meta = load_json(desc)
    con.execute(load_script(root, meta, absolute=True))
    # Which data this is, in the database itself: a released version's name only for that version's
    # bytes, else "unreleased changes since X" (civharm/metadata/label.py). Not in sql/load.sql, a
    # committed file that would go stale with every commit.
    named = version_label(desc.parent, meta).text
    con.execute(f"CREATE VIEW package_version AS SELECT {lit(named)} AS version, "
                f"{lit(str(meta.get('version', '')))} AS descriptor_version, {lit(citation(meta, named))} AS citation;"
                "COMMENT ON VIEW package_version IS 'Which data this database holds: a released version, or "
                "unreleased changes since one, with the citation to give.'")


def _validated(desc: Path) -> None:

    report = validate(desc)
    if report.errors:
        sys.stderr.write(report.to_text())
        raise SystemExit(f"civharm: the package is invalid ({report.errors} error(s)); nothing was built. "
                         "Run make validate and fix the errors first.")


def build_db(desc: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    clean_stale(target.parent, target.name)  # left by a build that was killed (with its .wal)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    os.unlink(tmp)  # DuckDB creates the file itself
    try:
        con = open_duckdb(tmp)
        _load(con, desc)
        con.execute("CHECKPOINT")
        con.close()
        os.replace(tmp, target)
    finally:
        for leftover in (tmp, tmp + ".wal"):
            if os.path.exists(leftover):
                os.unlink(leftover)
    return target


def citation(meta: dict, named: str) -> str:
    """The citation a Parquet file or frame carries: version (named: the package's label),
    release date and where its bytes are (the wheel has no cffconvert, so this short form comes
    from datapackage.json)."""
    if named != meta.get("version"):  # not a released version: no release date to give
        return (f"{', '.join(c.get('title', '') for c in meta.get('contributors', []))}. "
                f"{meta.get('title', meta.get('name'))}, {named}: not a released version. "
                f"The released versions, their commits and zip sha256: {VERSIONS_LEDGER}. {meta.get('homepage', '')}").strip()
    released = f" Released {meta['created'][:10]}." if meta.get("created") else ""
    return (f"{', '.join(c.get('title', '') for c in meta.get('contributors', []))} ({meta.get('created', '')[:4]}). "
            f"{meta.get('title', meta.get('name'))}, version {meta.get('version')}.{released} "
            f"Its commit and zip sha256: {VERSIONS_LEDGER}. {meta.get('homepage', '')}").strip()


def build_parquet(desc: Path, target: Path, named: str | None = None) -> Path:
    """One Parquet file per resource, typed as in DuckDB (enums dictionary-encoded, nullable
    integers, dates), with every column's description and the package's version, licence and
    citation in its metadata (arrow_table). Written by pyarrow, not DuckDB's COPY: only pyarrow
    stores the Arrow schema (field descriptions, dictionary types) that the readers restore.
    named: the version label to write (make release gives the release's); by default the package's."""
    meta = load_json(desc)
    named = named or version_label(desc.parent, meta).text
    target.parent.mkdir(parents=True, exist_ok=True)
    clean_stale(target.parent, target.name)  # folders left by a build that was killed
    tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"))
    try:
        con = open_duckdb()
        _load(con, desc)
        for res in load_resources(desc.parent, meta):
            pq.write_table(arrow_table(con, res, meta, named), tmp / f"{res.name}.parquet")
        con.close()
        # one exchange of the new folder and the old: never a moment without the folder
        os.chmod(tmp, 0o755)
        replace_folder(tmp, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="civharm-db", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("what", choices=("db", "parquet"), help="db: build/civharm.duckdb; parquet: build/parquet/")
    parser.add_argument("--package", default=".", help="package folder or its datapackage.json (default: .)")
    parser.add_argument("--out", help="output path (default: build/civharm.duckdb or build/parquet)")
    args = parser.parse_args(argv)
    desc = descriptor_path(args.package)
    if not desc.is_file():
        print(f"civharm-db: no datapackage.json at {args.package}", file=sys.stderr)
        return 2
    out = Path(args.out or ("build/civharm.duckdb" if args.what == "db" else "build/parquet"))
    if args.what == "db" and out.is_dir():
        print(f"civharm-db: --out {out} is a folder; give the database file's path", file=sys.stderr)
        return 2
    _validated(desc)
    try:
        if args.what == "db":
            build_db(desc, out)
            print(f"built {out}: open it with  make sql   or   duckdb -readonly {out}")
        else:
            build_parquet(desc, out)
            print(f"wrote {out}/: {', '.join(sorted(p.name for p in out.glob('*.parquet')))}")
    except (OSError, duckdb.Error) as e:
        print(f"civharm-db: could not build {out} ({type(e).__name__}: {' '.join(str(e).split())[:300]}); "
              "the previous output, if any, is unchanged.", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
