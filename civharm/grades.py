"""`python -m civharm.grades [package] [--check]`: fill incidents' derived columns (grade,
belligerent_position, belligerent_position_date) from the rule in civharm.metadata.grades."""

from __future__ import annotations

import argparse

from .db import connect
from .metadata import csvfile
from .metadata.grades import DERIVED_FIELDS, derived
from .metadata.package import descriptor_path, load_json, load_resources, write_atomically


def main(argv: list[str] | None = None) -> int:
    """`python -m civharm.grades [package]`: set every incident's grade, belligerent_position and
    belligerent_position_date to what its claims give, after claims were added or changed.
    Rewrites data/incidents.csv only where a value differs; prints each change."""
    parser = argparse.ArgumentParser(prog="civharm-grades", description=main.__doc__)
    parser.add_argument("path", nargs="?", default=".", help="package folder (default: .)")
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if a value differs")
    args = parser.parse_args(argv)
    desc = descriptor_path(args.path)
    want = derived(connect(desc))
    res = next(r for r in load_resources(desc.parent, load_json(desc)) if r.name == "incidents")
    path = desc.parent / res.path
    text = path.read_text(encoding="utf-8")
    rows = csvfile.dict_rows(text)
    changes = []
    for row in rows:
        new = want.get(row["incident_id"])
        if new is None:
            continue  # a tombstone, or no claims (make validate reports incident-without-claim)
        for f in DERIVED_FIELDS:
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
