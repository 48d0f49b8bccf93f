"""The ID ledger, `releases/ids.csv`: every ID the package has ever released, with its kind.

An ID once released never disappears and never changes kind (`make validate` checks both, in
the release layer). One row per released ID:

    id            the primary-key value (CH-000001, S-000004, CL-000012, T-000002, A-000001)
    resource      the resource it was released in: its kind, for good
    released_in   the version that first released it
    withdrawn_in  blank, or the version that withdrew it (see below)
    resolves_to   for a withdrawn ID, the ID of the same resource that holds its content now
    reason        for a withdrawn ID, one sentence on why

Incidents retire in the data, as tombstones (status merged or retracted, with merged_into and
status_reason), so an incident ID stays in data/incidents.csv for good. The other resources
have no status column: a released source, claim, tally or actor that has to go (a duplicate
source, say) is withdrawn here instead: it leaves the CSV, and its ledger row gets
withdrawn_in, resolves_to (blank when its content went nowhere) and a reason.

`make bump` appends the IDs a new version releases; nothing else writes the ledger.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING

from . import csvfile
from .confine import limit
from .package import Resource, id_sort_key, write_atomically

LEDGER = "releases/ids.csv"
COLUMNS = ["id", "resource", "released_in", "withdrawn_in", "resolves_to", "reason"]

if TYPE_CHECKING:  # polars is imported where a frame is made: make validate reads the ledger without it
    import polars as pl


def has_tombstones(resource: Resource) -> bool:
    """True for a resource whose rows retire in the data (a status field with 'retracted')."""
    for f in resource.fields:
        if f.get("name") == "status":
            return "retracted" in ((f.get("constraints") or {}).get("enum") or [])
    return False


def ledgered(resource: Resource) -> bool:
    """Resources whose IDs the ledger tracks: those with a one-field primary key."""
    return len(resource.primary_key) == 1


def ledger_rows(path: Path) -> list[dict[str, str | None]]:
    """The ledger's rows as dicts of COLUMNS (blank = None), each with the CSV line its record
    starts on in `__line`. Python's csv module, not polars: the validator reads the ledger on
    every run, and importing polars for a few hundred rows was a sixth of its start-up.

    Raises ValueError when the file is not a ledger: not UTF-8, not a strict CSV, a header other
    than COLUMNS, or a row with another number of cells."""
    text = path.read_text(encoding="utf-8").removeprefix(csvfile.BOM)  # UnicodeDecodeError is a ValueError
    rdr = csvfile.reader(text)
    rows = []
    # the package's one limit on a line, as the validator's readers have (not the csv module's
    # 128 KB default); the process-wide cap is put back after
    previous = csv.field_size_limit(limit("CIVHARM_MAX_LINE_BYTES"))
    try:
        header = next(rdr, [])
        if header != COLUMNS:
            raise ValueError(f"its header is {','.join(header) or '(empty)'}; expected {','.join(COLUMNS)}")
        start = rdr.line_num + 1
        for record in rdr:
            if record:  # a blank line is no row
                if len(record) != len(COLUMNS):
                    raise ValueError(f"line {start} has {len(record)} cells; the header has {len(COLUMNS)}")
                rows.append({**{c: v or None for c, v in zip(COLUMNS, record)}, "__line": start})
            start = rdr.line_num + 1
    except csv.Error as e:
        raise ValueError(f"line {rdr.line_num}: {e}") from e
    finally:
        csv.field_size_limit(previous)
    return rows


def read_ledger(path: Path) -> pl.DataFrame:
    """The ledger as a polars frame of text columns (blank = null) and `__line` (see ledger_rows,
    which reads it; ValueError when the file is not a ledger)."""
    import polars as pl  # here, not at the top: make validate reads the ledger with ledger_rows

    schema = {**{c: pl.Utf8 for c in COLUMNS}, "__line": pl.Int64}
    return pl.DataFrame(ledger_rows(path), schema=schema, orient="row")


def data_ids(root: Path, resource: Resource) -> list[str]:
    """The primary-key values of one resource's CSV, read as text."""
    import polars as pl  # here, not at the top: make validate never calls this

    key = resource.primary_key[0]
    frame = pl.read_csv(root / resource.path, columns=[key], infer_schema=False, encoding="utf8")
    return [v for v in frame[key].to_list() if v]


def render(rows: list[dict], order: list[str]) -> str:
    """The ledger's canonical text: resources in descriptor order, IDs by number."""
    rank = {name: i for i, name in enumerate(order)}
    rows = sorted(rows, key=lambda r: (rank.get(r["resource"], len(rank)), r["resource"], id_sort_key(r["id"])))
    return csvfile.render(COLUMNS, ([r.get(c) or "" for c in COLUMNS] for r in rows))


def updated(root: Path, resources: list[Resource], version: str) -> tuple[str, dict[str, int]]:
    """The ledger with every ID in the data that it lacks recorded as released in `version`.

    Returns the new text and how many IDs it adds per resource; writes nothing."""
    path = root / LEDGER
    rows: list[dict] = []
    if path.is_file():
        rows = [{c: v for c, v in r.items() if c in COLUMNS}
                for r in csvfile.dict_rows(path.read_text(encoding="utf-8"))]
    known = {r["id"] for r in rows}
    added: dict[str, int] = {}
    for res in resources:
        if not ledgered(res):
            continue
        for value in data_ids(root, res):
            if value not in known:
                known.add(value)
                rows.append({"id": value, "resource": res.name, "released_in": version})
                added[res.name] = added.get(res.name, 0) + 1
    return render(rows, [r.name for r in resources]), added


def unledgered(root: Path, resources: list[Resource]) -> dict[str, list[str]]:
    """IDs in the data that the ledger does not record yet (all of them when there is no ledger)."""
    path = root / LEDGER
    known = set(read_ledger(path)["id"].drop_nulls().to_list()) if path.is_file() else set()
    out = {}
    for res in resources:
        if ledgered(res):
            missing = [v for v in data_ids(root, res) if v not in known]
            if missing:
                out[res.name] = missing
    return out


def write_text(path: Path, text: str) -> None:
    """Replace a text file atomically (UTF-8)."""
    write_atomically(path, text.encode("utf-8"))
