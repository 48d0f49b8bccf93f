"""`python -m civharm.grades [package] [--check]`: fill incidents' derived columns: grade,
belligerent_position and belligerent_position_date by the rules in civharm.metadata.grades, and
each figure's range (civilians, children, women, men killed; injured) by the range rule in
civharm.metadata.ranges."""

from __future__ import annotations

import argparse

from .db import connect
from .metadata import csvfile
from .metadata.grades import derived
from .metadata.ranges import expected_ranges_sql, figure_stems
from .metadata.package import descriptor_path, load_json, load_resources, write_atomically


def ranges(con, claim_fields: list[str], incident_fields: list[str]) -> dict[str, dict[str, str]]:
    """incident_id -> each figure's `_min` and `_max` by the range rule, as CSV text ('' for blank),
    for every incident with current claims; only the figures both tables record."""
    stems = [s for s in figure_stems(claim_fields) if f"{s}_min" in incident_fields and f"{s}_max" in incident_fields]
    cur = con.execute(expected_ranges_sql(stems))
    names = [d[0] for d in cur.description]
    return {r[0]: {n: "" if v is None else str(v) for n, v in zip(names[1:], r[1:])} for r in cur.fetchall()}


def main(argv: list[str] | None = None) -> int:
    """`python -m civharm.grades [package]`: set every active incident's grade, belligerent_position,
    belligerent_position_date and figure ranges to what its claims give, after claims were added
    or changed. Rewrites data/incidents.csv only where a value differs; prints each change."""
    parser = argparse.ArgumentParser(prog="civharm-grades", description=main.__doc__)
    parser.add_argument("path", nargs="?", default=".", help="package folder (default: .)")
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if a value differs")
    args = parser.parse_args(argv)
    desc = descriptor_path(args.path)
    resources = {r.name: r for r in load_resources(desc.parent, load_json(desc))}
    res = resources["incidents"]
    con = connect(desc)
    want = derived(con)
    for incident_id, figures in ranges(con, resources["claims"].field_names, res.field_names).items():
        if incident_id in want:
            want[incident_id].update(figures)
    path = desc.parent / res.path
    text = path.read_text(encoding="utf-8")
    rows = csvfile.dict_rows(text)
    changes = []
    for row in rows:
        new = want.get(row["incident_id"])
        if new is None:
            continue  # a tombstone, or no claims (make validate reports incident-without-claim)
        for f in new:
            if row[f] != new[f]:
                changes.append(f"{row['incident_id']}: {f} {row[f] or 'blank'} -> {new[f] or 'blank'}")
                row[f] = new[f]
    for c in changes:
        print(c)
    if args.check or not changes:
        return 1 if changes and args.check else 0
    write_atomically(path, csvfile.render_dicts(res.field_names, rows).encode("utf-8"))
    print(f"rewrote {res.path}: {len(changes)} value(s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
