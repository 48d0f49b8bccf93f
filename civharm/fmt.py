"""`make fmt`: rewrite the package's CSVs in one canonical form.

Canonical: UTF-8 without BOM, LF line ends, columns in schema order (a column the schema defines
but the file lacks is added blank, unless the schema requires it: so a field added to a schema
reaches the CSVs by one run; a resource whose file does not exist yet gets one, its header only),
rows sorted by primary key (IDs by number, so CH-1000000 follows CH-999999), minimal quoting, text in Unicode NFC,
no blank lines. Idempotent, and lossless: every value of every row survives (NFC changes
bytes, never characters as a reader sees them). A file that cannot be read unambiguously
(ragged rows, unknown or repeated columns, a missing required column, bad UTF-8) is left untouched and reported; run
make validate for the details. Files are replaced atomically, and only when they change.
"""

from __future__ import annotations

import argparse
import csv
import sys
import unicodedata

from .metadata import csvfile
from .metadata.package import descriptor_path, id_sort_key, load_resources, write_atomically
from .validate.descriptor import check


class CannotFormat(Exception):
    pass


def canonical(text: str, field_names: list[str], primary_key: list[str], required: frozenset = frozenset()) -> str:
    """The canonical form of one CSV's text. A field of `field_names` the header lacks is added
    blank, unless it is in `required` (a blank would break its rule: the file is left alone)."""
    records = csvfile.records(text)
    if not records:
        raise CannotFormat("the file is empty")
    header, rows = records[0], records[1:]
    unknown = [h for h in header if h not in field_names]
    if unknown or len(set(header)) != len(header):
        raise CannotFormat("its header has a column the schema does not define, or one twice: "
                           + ", ".join(unknown or sorted({h for h in header if header.count(h) > 1})))
    lacking = [n for n in field_names if n not in header and n in required]
    if lacking:
        raise CannotFormat(f"its header lacks the required column(s) {', '.join(lacking)}")
    for row in rows:
        if len(row) != len(header):
            raise CannotFormat("it has a row with the wrong number of cells (make validate shows which)")
    order = [header.index(n) if n in header else None for n in field_names]
    rows = [["" if i is None else unicodedata.normalize("NFC", row[i]) for i in order] for row in rows]
    keys = [field_names.index(k) for k in primary_key]
    rows.sort(key=lambda r: [id_sort_key(r[k]) for k in keys])
    return csvfile.render(field_names, rows)



def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="civharm-fmt", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", nargs="?", default=".", help="package folder or its datapackage.json (default: .)")
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if a file is not canonical")
    args = parser.parse_args(argv)
    desc = descriptor_path(args.path)
    if not desc.is_file():
        print(f"civharm-fmt: no datapackage.json at {args.path}", file=sys.stderr)
        return 2
    # Only what the validator's descriptor layer accepts: valid schemas, paths inside the package.

    meta, resources, problems = check(desc.parent, desc.name)
    missing = {p.value for p in problems if p.rule == "resource-file-missing"}  # fmt writes these files
    problems = [p for p in problems if p.rule != "resource-file-missing"]
    if missing and not problems:  # the descriptor's check leaves a resource without a file out
        resources = [r for r in load_resources(desc.parent, meta) if r.path in missing or r.name in
                     {x.name for x in resources}]
    if problems:
        print(f"civharm-fmt: the descriptor or a schema of {desc} has {len(problems)} problem(s); nothing was "
              "changed. Run make validate to see them.", file=sys.stderr)
        return 2
    changed, failed = [], []
    new: dict = {}
    for res in resources:
        path = desc.parent / res.path
        if not path.exists() and not path.is_symlink():  # a table new to the package: its header only
            changed.append(res.path)
            new[path] = csvfile.render(res.field_names, []).encode("utf-8")
            continue
        try:
            before = path.read_bytes()
            required = frozenset(f["name"] for f in res.fields if (f.get("constraints") or {}).get("required"))
            after = canonical(before.decode("utf-8"), res.field_names, res.primary_key, required).encode("utf-8")
        except (OSError, UnicodeDecodeError, csv.Error, CannotFormat) as e:
            failed.append(res.path)
            print(f"{res.path}: left as it is: {e}", file=sys.stderr)
            continue
        if after != before:
            changed.append(res.path)
            new[path] = after
    if new and not args.check:
        write_atomically(new)  # every file whole, old or new, whenever the run is killed
    verb = "would rewrite" if args.check else "rewrote"
    for p in changed:
        print(f"{verb} {p}")
    print(f"{len(resources) - len(changed) - len(failed)} file(s) already canonical, {len(changed)} "
          + ("to rewrite" if args.check else "rewritten")
          + (f", {len(failed)} left as they are (see above)" if failed else "") + ".")
    if failed:
        return 1
    return 1 if (args.check and changed) else 0


if __name__ == "__main__":
    sys.exit(main())
