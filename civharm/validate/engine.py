"""Runs the seven layers in order and collects every problem in one report.

A layer runs on whatever the layer before left usable: a resource with a broken schema is not
read, a column missing from a header is not checked, but everything else still is.

One pass, out of core: each file is read once, into a DuckDB table, and every later layer is
SQL over DuckDB's tables; only failing rows come back to Python. DuckDB holds at most
structure.MEMORY_LIMIT and spills the rest to a temporary directory, removed at the end.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

from civharm.metadata.ddl import q
from civharm.metadata.package import descriptor_path
from . import cells, descriptor, hygiene, release, structure, tables
from .report import Problem, Report


# Structure problems after which some rows of a file were not read.
_ROWS_LOST = {"row-ragged", "csv-unclosed-quote", "csv-parse"}


class CannotRun(Exception):
    """Validation cannot start (exit 2): there is nothing to validate at the path given."""

    def __init__(self, path):
        super().__init__(f"no datapackage.json at {path}")
        self.path = str(path)


def validate(path: str | Path, progress: Callable[[str], None] | None = None) -> Report:
    """Every problem of the package at path. progress, if given, is told each step as it starts."""
    step = progress or (lambda stage: None)
    t0 = time.perf_counter()
    desc = descriptor_path(path)
    if not desc.is_file():
        raise CannotRun(desc)
    root, rel = desc.parent, desc.name
    report = Report(package=str(desc))
    ran = report.rules_run

    meta, resources, problems = descriptor.check(root, rel, ran)
    report.extend(problems)
    if meta is not None:
        report.title = f"{meta.get('name', '?')} {meta.get('version', '')}".strip() + f" ({desc})"
        report.extend(release.check(root, rel, meta, resources, ran))

    with structure.spill_directory() as spill:
        con = structure._connect(spill)
        try:
            _data(con, root, meta, resources, report, step)
        finally:
            con.close()
    report.seconds = time.perf_counter() - t0
    return report


def _data(con, root: Path, meta: dict | None, resources: list, report: Report, step) -> None:
    """Layers 2 to 7 over the data files, in one DuckDB connection."""
    ran = report.rules_run
    frames, by_name, raws = {}, {}, {}
    ledgered_ids = release.ledger_ids(root)  # the only IDs the release layer looks up
    for res in resources:
        step(f"{res.path}: reading")
        table, problems = structure.read(con, root, res, ran, cells.columns)
        report.extend(problems)
        if table is None:
            continue
        report.rows[res.name] = table.rows
        if not any(p.rule in _ROWS_LOST for p in problems):  # else released IDs would look removed
            # the IDs as written (a broken cell is still the ID it was), for the release layer
            key = [k for k in res.primary_key[:1] if k in table.present]
            # The IDs go in as one string: DuckDB converts a Python list parameter element by
            # element, about a second for the ledger's 600 IDs. A ledger ID holding the separator
            # only fetches more rows than needed, which check_ids ignores.
            where = f"{q(key[0])} IN (SELECT unnest(string_split(?, chr(31))))" if key else "false"
            raws[res.name] = con.execute(
                f"SELECT {', '.join([*map(q, key), structure.LINE])} FROM {q(table.raw)} WHERE {where}",
                ["\x1f".join(ledgered_ids)] if key else []).pl()
        step(f"{res.path}: text hygiene")  # first: the cells layer empties broken cells
        report.extend(hygiene.check(con, table, ran))
        step(f"{res.path}: cells and rows")
        report.extend(cells.check(con, table, ran))
        frames[res.name] = [*table.present, structure.LINE, structure.BROKEN]
        by_name[res.name] = res
    if frames:
        step("keys and rules across tables")
        lossy = set(frames) - set(raws)  # tables that lost rows to structure problems
        report.extend(tables.check(con, frames, by_name, ran, lossy))
    step("released IDs")
    if meta is not None:  # released IDs against the IDs as written
        declared = {r.get("name") for r in meta.get("resources", []) if isinstance(r, dict)}
        report.extend(release.check_ids(root, resources, raws, structure.LINE, ran, declared))


__all__ = ["validate", "CannotRun", "Problem", "Report"]
