"""Runs the seven layers in order and collects every problem in one report.

A layer runs on whatever the layer before left usable: a resource with a broken schema is not
read, a column missing from a header is not checked, but everything else still is.

One pass, out of core: each file is read once, into a DuckDB table, and every later layer is
SQL over DuckDB's tables; only failing rows come back to Python. DuckDB holds at most
MEMORY_LIMIT (civharm/metadata/connection.py) and spills the rest to a temporary directory,
removed at the end.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Callable

from civharm.metadata import label, versions
from civharm.metadata.connection import open_duckdb
from civharm.metadata.ddl import lit, q
from civharm.metadata.ids import LEDGER
from civharm.metadata.package import descriptor_path
from . import cells, descriptor, hygiene, release, structure, tables
from .report import Problem, Report
from .rules import raises


# Structure problems after which some rows of a file were not read.
_ROWS_LOST = {"row-ragged", "csv-unclosed-quote", "csv-parse"}


class CannotRun(Exception):
    """Validation cannot start (exit 2): there is nothing to validate at the path given."""

    def __init__(self, path):
        super().__init__(f"no datapackage.json at {path}")
        self.path = str(path)


@raises("descriptor-not-found")
def locate(path: str | Path) -> Path:
    """The descriptor to validate; CannotRun (exit 2, no report) when there is none."""
    desc = descriptor_path(path)
    if not desc.is_file():
        raise CannotRun(desc)
    return desc


def validate(path: str | Path, progress: Callable[[str], None] | None = None) -> Report:
    """Every problem of the package at path. progress, if given, is told each step as it starts.
    Each check runs through report.run, which counts the rules it declares as run."""
    step = progress or (lambda stage: None)
    t0 = time.perf_counter()
    desc = locate(path)
    root, rel = desc.parent, desc.name
    report = Report(package=str(desc))
    report.rules_run |= locate.rules

    report.rules_run |= internal.rules
    try:
        meta, resources, problems = report.run(descriptor.check, root, rel)
    except Exception as e:  # a bug of ours on a hostile descriptor: reported with the file
        meta, resources, problems = None, [], [internal(rel, e, "reading the descriptor")]
    report.extend(problems)
    if meta is not None:
        try:  # "civharm 0.2.0" only for the released version byte for byte (civharm.metadata.label)
            named = label.label(root, meta).text
        except Exception:  # a descriptor too broken to label: the version it names, as written
            named = str(meta.get("version", ""))
        report.title = f"{meta.get('name', '?')} {named}".strip() + f" ({desc})"
        try:
            report.extend(report.run(release.check, root, rel, meta, resources))
        except Exception as e:
            report.extend([internal(rel, e, "checking the release metadata")])
        try:
            report.extend(report.run(release.check_versions, root, meta))
        except Exception as e:
            report.extend([internal(versions.LEDGER, e, "checking the version ledger")])

    with structure.spill_directory() as spill:
        con = open_duckdb(spill=spill)
        try:
            _data(con, root, meta, resources, report, step)
        finally:
            con.close()
    report.seconds = time.perf_counter() - t0
    return report


def _data(con, root: Path, meta: dict | None, resources: list, report: Report, step) -> None:
    """Layers 2 to 7 over the data files, in one DuckDB connection. A failure of ours on one file
    (a bug) is reported as an internal-error problem of that file, and the other files and
    layers still run: one hostile file must not hide every other problem."""
    frames, by_name, raws = {}, {}, {}
    ledgered_ids = release.ledger_ids(root)  # the only IDs the release layer looks up
    for res in resources:
        try:
            _resource(con, root, res, report, frames, by_name, raws, step, ledgered_ids)
        except (KeyboardInterrupt, MemoryError):
            raise
        except Exception as e:
            report.extend([internal(res.path, e)])
            frames.pop(res.name, None)
            by_name.pop(res.name, None)
            raws.pop(res.name, None)
    # Every file is read: from here on DuckDB may touch no file (the views and rule SQL come from
    # the repository, which a pull request can change: `FROM read_csv('/etc/passwd')` must fail).
    # Spilling to the temporary directory still works; the lock keeps SQL from turning it back on.
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")
    if frames:
        step("keys and rules across tables")
        lossy = set(frames) - set(raws)  # tables that lost rows to structure problems
        try:
            in_cycle, problems = report.run(tables.keys, con, frames, by_name, lossy)
            report.extend(problems)
            if not lossy:  # a row lost would make the rules across tables report what is not so
                report.extend(report.run(tables.own_rules, con, frames, by_name, in_cycle))
        except Exception as e:
            report.extend([internal("datapackage.json", e, "checking keys and rules across tables")])
    step("released IDs")
    if meta is not None and frames:
        try:
            report.extend(report.run(release.check_updated, con, meta, frames, by_name, structure.LINE))
        except Exception as e:
            report.extend([internal("datapackage.json", e, "checking updated_on against the release date")])
    if meta is not None and (root / LEDGER).is_file():  # released IDs against the IDs as written
        declared = {r.get("name") for r in meta.get("resources", []) if isinstance(r, dict)}
        try:
            report.extend(report.run(release.check_ids, root, resources, raws, structure.LINE, declared))
        except Exception as e:
            report.extend([internal(LEDGER, e, "checking released IDs")])


def _resource(con, root: Path, res, report: Report, frames: dict, by_name: dict, raws: dict, step,
              ledgered_ids: list[str]) -> None:
    """Layers 2 to 5 and 7 over one data file."""
    step(f"{res.path}: reading")
    table, problems = report.run(structure.read, con, root, res, hygiene.columns)
    report.extend(problems)
    if table is None:
        return
    report.rows[res.name] = table.rows
    if not any(p.rule in _ROWS_LOST for p in problems):  # else released IDs would look removed
        # the IDs as written (a broken cell is still the ID it was), for the release layer
        key = [k for k in res.primary_key[:1] if k in table.present]
        # The IDs go in as one string literal: DuckDB converts a Python list parameter element by
        # element (about a second for the ledger's 600 IDs), and binding any Python parameter
        # imports pandas and pyarrow (another second). A ledger ID holding the separator only
        # fetches more rows than needed, which check_ids ignores; one holding a NUL byte, which
        # no SQL text can carry, matches no ID of the data, so it is left out of the lookup.
        ids = lit("\x1f".join(i for i in ledgered_ids if "\x00" not in i))
        where = f"{q(key[0])} IN (SELECT unnest(string_split({ids}, chr(31))))" if key else "false"
        raws[res.name] = release.id_frame(con.execute(
            f"SELECT {', '.join([*map(q, key), structure.LINE])} FROM {q(table.raw)} WHERE {where}"), structure.LINE)
    step(f"{res.path}: text hygiene")  # first: the cells layer empties broken cells
    report.extend(report.run(hygiene.check, con, table))
    step(f"{res.path}: cells and rows")
    broken, problems = report.run(cells.check, con, table)
    report.extend(problems)
    report.extend(report.run(cells.rows, con, table, broken))
    frames[res.name] = [*table.present, structure.LINE, structure.BROKEN]
    by_name[res.name] = res


@raises("internal-error")
def internal(file: str, e: Exception, doing: str = "") -> Problem:
    """An unexpected failure of ours, reported on the file it was reading (never a crash that
    loses every other problem)."""
    return Problem("internal-error", file, detail=f"{doing + ': ' if doing else ''}{type(e).__name__}: {e}"[:500])


__all__ = ["validate", "CannotRun", "Problem", "Report"]
