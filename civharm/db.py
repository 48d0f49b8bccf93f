"""`make db` and `make parquet`: the package as a typed DuckDB database and as Parquet files.

Both build only from a package that validates, write to a temporary path beside the target and
rename it into place, so an interrupted or failed build leaves the previous output untouched.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

import duckdb

from .metadata.ddl import load_script, lit, q
from .metadata.atomic import clean_stale, replace_folder
from .metadata.package import descriptor_path, load_json, load_resources
from .validate.engine import validate  # the same checks as make validate


def connect(package: str | Path = ".", database: str | Path | None = None) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection to the civharm package: typed tables, comments and views.

    With `database` (for example "build/civharm.duckdb" from `make db`), opens that file read-only.
    Otherwise loads the package's CSVs into an in-memory database (no build step needed):

        >>> import civharm
        >>> con = civharm.connect()
        >>> con.sql("FROM official_vs_monitors").df()    # or .pl(), .fetchall()
    """
    if database is not None:
        return duckdb.connect(str(database), read_only=True)
    desc = descriptor_path(package)
    con = duckdb.connect()
    _load(con, desc)
    return con


def _load(con: duckdb.DuckDBPyConnection, desc: Path) -> None:
    root = desc.parent.resolve()
    con.execute(load_script(root, load_json(desc), absolute=True))


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
        con = duckdb.connect(tmp)
        _load(con, desc)
        con.execute("CHECKPOINT")
        con.close()
        os.replace(tmp, target)
    finally:
        for leftover in (tmp, tmp + ".wal"):
            if os.path.exists(leftover):
                os.unlink(leftover)
    return target


def citation(meta: dict) -> str:
    return (f"{', '.join(c.get('title', '') for c in meta.get('contributors', []))} ({meta.get('created', '')[:4]}). "
            f"{meta.get('title', meta.get('name'))}, version {meta.get('version')}. {meta.get('homepage', '')}").strip()


def build_parquet(desc: Path, target: Path) -> Path:
    """One Parquet file per resource, with version, licence and citation in its key-value metadata."""
    meta = load_json(desc)
    kv = {"civharm_version": meta.get("version", ""),
          "license": ", ".join(lic.get("name", "") for lic in meta.get("licenses", [])),
          "citation": citation(meta)}
    kv_sql = "{" + ", ".join(f"{k}: {lit(v)}" for k, v in kv.items()) + "}"
    target.parent.mkdir(parents=True, exist_ok=True)
    clean_stale(target.parent, target.name)  # folders left by a build that was killed
    tmp = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"))
    try:
        con = duckdb.connect()
        _load(con, desc)
        for res in load_resources(desc.parent, meta):
            order = ", ".join(map(q, res.primary_key)) or "ALL"
            con.execute(f"COPY (SELECT * FROM {q(res.name)} ORDER BY {order}) TO {lit(str(tmp / (res.name + '.parquet')))} "
                        f"(FORMAT parquet, KV_METADATA {kv_sql})")
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
