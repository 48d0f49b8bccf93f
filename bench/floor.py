"""The floor of `make bench`: DuckDB reading every CSV of a package as text and counting its rows.

Run as its own process (`python -m bench.floor <package>`), like `python -m civharm.validate`, so both
pay the same interpreter start and the ratio compares like with like. No check can cost less
than reading the bytes once.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from civharm.metadata.connection import open_duckdb


def csv_paths(package: Path) -> list[Path]:
    """The data files the descriptor names, in its order (a new resource is read too)."""
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    return [package / r["path"] for r in descriptor["resources"] if isinstance(r.get("path"), str)]


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m bench.floor <package folder>", file=sys.stderr)
        return 2
    con = open_duckdb()
    for path in csv_paths(Path(args[0])):
        (rows,) = con.execute("SELECT count(*) FROM read_csv(?, header = true, all_varchar = true)",
                              [str(path)]).fetchone()
        print(f"{path.name}: {rows} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
