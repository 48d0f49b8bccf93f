"""The range rule, applied: an incident's eight figure fields from the claims behind it.

The methodology's rule (docs/methodology.md, "The range rule"; its exact wording is in the
docstring of `civharm.metadata.ranges`): an incident's `_min` is the smallest `_min` its claims state and
its `_max` the largest `_max`; blank (None) when no claim states one. Blank never means zero.

The rule is written once, as SQL, in `civharm.metadata.ranges` (the validator checks incidents with it).
The functions here evaluate that same SQL over claims given as dicts, so the importer sets
incidents exactly as the validator will check them. They are pure: no files, no globals; the
input is left as it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import pyarrow as pa

from civharm.metadata.connection import open_duckdb
from civharm.metadata.grades import DERIVED_FIELDS, derived_from_rows
from civharm.metadata.package import load_json
from civharm.metadata.types import TYPES
from civharm.metadata.ranges import expected_ranges_sql, figure_stems

#: The figures recorded as `_min`/`_max` pairs, read from the claims schema (the one place they are defined).
FIGURE_STEMS = tuple(figure_stems([f["name"] for f in load_json(
    Path(__file__).resolve().parents[1] / "schemas" / "claims.schema.json")["fields"]]))
#: The eight incident fields the rule sets, in schema order.
RANGE_FIELDS = tuple(f"{s}_{end}" for s in FIGURE_STEMS for end in ("min", "max"))


def _int(value) -> int | None:
    """A claim's cell as a number: '' and None are 'not stated'; '42' and 42 are 42."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(f"not a figure: {value!r}")
    return int(value)


def ranges_by_incident(claims: Iterable[Mapping]) -> dict[str, dict[str, int | None]]:
    """The range rule for every incident the claims name.

    claims: dicts with `incident_id`, any of the eight figure fields (CSV text such as '42'
    or '', ints, or None; a missing key counts as blank) and `superseded_by` (a claim that has
    one is left out, as the rule says). Returns {incident_id: {field: int or
    None}} with all eight RANGE_FIELDS for each incident that has at least one claim.
    """
    ids: list[str] = []
    superseded: list[str | None] = []
    cols: dict[str, list[int | None]] = {f: [] for f in RANGE_FIELDS}
    for claim in claims:
        ids.append(str(claim["incident_id"]))
        superseded.append(claim.get("superseded_by") or None)
        for f in RANGE_FIELDS:
            cols[f].append(_int(claim.get(f)))
    if not ids:
        return {}
    text, integer = TYPES["string"].arrow, TYPES["integer"].arrow
    table = pa.table({"incident_id": pa.array(ids, text),
                      "superseded_by": pa.array(superseded, text),
                      **{f: pa.array(v, integer) for f, v in cols.items()}})
    con = open_duckdb()
    try:
        con.register("claims", table)
        cur = con.execute(expected_ranges_sql(list(FIGURE_STEMS)))
        names = [d[0] for d in cur.description]
        rows = cur.fetchall()
    finally:
        con.close()
    out = {}
    for row in rows:
        rec = dict(zip(names, row))
        out[rec["incident_id"]] = {f: (None if rec[f] is None else int(rec[f])) for f in RANGE_FIELDS}
    return out


def incident_ranges(claims: Iterable[Mapping]) -> dict[str, int | None]:
    """The range rule for one incident: its claims in, its eight figure fields out.

    >>> incident_ranges([{"civilians_killed_min": 42, "civilians_killed_max": 42},
    ...                  {"civilians_killed_min": "55", "civilians_killed_max": "55",
    ...                   "children_killed_min": "19"}])["civilians_killed_max"]
    55

    The claims are taken as one incident's, whatever their `incident_id`. With no claims, or
    none stating a figure, every field is None.
    """
    merged = [{**c, "incident_id": "_"} for c in claims]
    return ranges_by_incident(merged).get("_", {f: None for f in RANGE_FIELDS})


def set_derived(pkg, touched: set[str]) -> None:
    """Set the touched incidents' figure ranges (the range rule) and grade and belligerent position
    (the grade rule, which reads every table as validation does) from their claims, in place."""
    if not touched:
        return
    incidents = pkg["incidents"].rows
    ranges = ranges_by_incident(c for c in pkg["claims"].rows if c["incident_id"] in touched)
    for inc in incidents:
        if inc["incident_id"] in touched:
            inc.update({f: "" if v is None else str(v) for f, v in ranges[inc["incident_id"]].items()})
    want = derived_from_rows({name: (pkg[name].fields, pkg[name].rows)
                              for name in ("incidents", "claims", "sources", "actors", "tallies")})
    for inc in incidents:
        if inc["incident_id"] in touched and inc["incident_id"] in want:
            inc.update({f: want[inc["incident_id"]][f] for f in DERIVED_FIELDS})
