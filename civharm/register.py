"""`python -m civharm.register REGISTER.csv [--package .] [--check]`: apply a register of cell
values to the package's CSVs.

A register is how values read from sources reach the data when they were gathered apart from it
(a re-read of the sources, say): one row per cell, with the columns `table,row_id,field,value,url,note`.
`table` is a resource of the package, `row_id` the row's primary key, `field` a field of that
resource's schema, `value` the cell's new text (blank clears it); `url` and `note` say where the
value was read, for the reviewer, and are not written anywhere.

Nothing is written unless every row of the register names a known table, an existing row and a
field of the schema, and no cell is given two different values: a register with a wrong row is
refused whole, with every wrong row listed. Each cell that changes is printed (`table row_id:
field old -> new`), and each file is replaced atomically. Run `make validate` afterwards: the
register's values are checked there like any edit.
"""

from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

from .metadata import csvfile
from .metadata.package import descriptor_path, load_json, load_resources, write_atomically

COLUMNS = ["table", "row_id", "field", "value", "url", "note"]


class RegisterError(Exception):
    """The register cannot be applied; the message lists every row at fault."""


def plan(register_text: str, package: Path) -> tuple[dict[Path, bytes], list[str]]:
    """The files to write and the changes, one line each; RegisterError when a row is wrong."""
    records = csvfile.records(register_text)
    header = records[0] if records else []
    if header[:len(COLUMNS)] != COLUMNS:
        raise RegisterError(f"the register's header must be {','.join(COLUMNS)}, not {','.join(header)}")
    rows = csvfile.dict_rows(register_text)
    desc = descriptor_path(package)
    resources = {r.name: r for r in load_resources(desc.parent, load_json(desc))}
    tables: dict[str, tuple[list[dict], dict[str, dict]]] = {}
    errors, wanted = [], {}
    for line, r in enumerate(rows, start=2):
        name, row_id, fld = r["table"], r["row_id"], r["field"]
        res = resources.get(name)
        if res is None:
            errors.append(f"line {line}: no table '{name}' (the package has {', '.join(resources)})")
            continue
        if fld not in res.field_names:
            errors.append(f"line {line}: {name} has no field '{fld}'")
            continue
        if len(res.primary_key) != 1:
            errors.append(f"line {line}: {name} has no one-field primary key to find row '{row_id}' by")
            continue
        if name not in tables:
            data = csvfile.dict_rows((desc.parent / res.path).read_text(encoding="utf-8"))
            tables[name] = (data, {d[res.primary_key[0]]: d for d in data})
        if row_id not in tables[name][1]:
            errors.append(f"line {line}: {name} has no row '{row_id}'")
            continue
        key = (name, row_id, fld)
        if key in wanted and wanted[key][1] != r["value"]:
            errors.append(f"line {line}: {name} {row_id} {fld} is given '{r['value']}' here and "
                          f"'{wanted[key][1]}' on line {wanted[key][0]}")
            continue
        wanted[key] = (line, r["value"])
    if errors:
        raise RegisterError("\n".join(errors))
    changes, touched = [], set()
    for (name, row_id, fld), (_, value) in wanted.items():
        row = tables[name][1][row_id]
        if row.get(fld, "") != value:
            changes.append(f"{name} {row_id}: {fld} {row.get(fld) or 'blank'} -> {value or 'blank'}")
            row[fld] = value
            touched.add(name)
    files = {desc.parent / resources[n].path:
             csvfile.render_dicts(resources[n].field_names, tables[n][0]).encode("utf-8") for n in sorted(touched)}
    return files, changes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="civharm-register", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("register", help="the register CSV (table,row_id,field,value,url,note)")
    parser.add_argument("--package", default=".", help="package folder (default: .)")
    parser.add_argument("--check", action="store_true", help="change nothing; print what would change")
    args = parser.parse_args(argv)
    try:
        text = Path(args.register).read_text(encoding="utf-8")
        files, changes = plan(text, Path(args.package))
    except (OSError, UnicodeDecodeError, csv.Error, ValueError, RegisterError) as e:
        print(f"civharm-register: {args.register}: nothing was changed:\n{e}", file=sys.stderr)
        return 2
    for c in changes:
        print(c)
    if files and not args.check:
        write_atomically(files)
    verb = "would change" if args.check else "changed"
    print(f"{verb} {len(changes)} cell(s) in {len(files)} file(s).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
