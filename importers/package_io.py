"""Read a civharm package's tables as rows, and write changed files back atomically.

Shared by the importers. Rows are dicts of CSV text keyed by the schema's field names ('' is
blank). Every CSV is written through `civharm.fmt.canonical`, so an importer's output is
byte-identical to what `make fmt` would make of it.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path

from civharm.fmt import canonical
from civharm.validate.engine import CannotRun, validate  # an importer edits only a valid package
from civharm.metadata import csvfile
from civharm.metadata.ids import LEDGER, read_ledger
from civharm.metadata.atomic import write_atomically  # noqa: F401 (the one writer, for ucdp_ged)
from civharm.metadata.package import ID_PATTERN, Resource, descriptor_path, id_sort_key, load_json, load_resources


class PackageError(Exception):
    """The package cannot be read as a civharm package (the importer exits 2)."""


@dataclass
class TableRows:
    """One table held as rows of text for an importer to edit, and rendered back canonically
    (not the validator's civharm.validate.structure.Table, a DuckDB table read for checking)."""
    resource: Resource
    path: Path
    rows: list[dict[str, str]]
    original: bytes
    changed: bool = False

    @property
    def fields(self) -> list[str]:
        return self.resource.field_names

    def render(self) -> bytes:
        """The table in canonical form (schema column order, rows sorted by primary key)."""
        text = csvfile.render(self.fields, ([row.get(f, "") for f in self.fields] for row in self.rows))
        return canonical(text, self.fields, self.resource.primary_key).encode("utf-8")


@dataclass
class Package:
    root: Path
    descriptor_path: Path
    descriptor: dict
    descriptor_bytes: bytes
    tables: dict[str, TableRows] = field(default_factory=dict)

    def __getitem__(self, name: str) -> TableRows:
        return self.tables[name]


def released_ids(root: Path) -> list[str]:
    """Every ID the package's ledger (releases/ids.csv) says was released; none without a ledger."""

    path = root / LEDGER
    return read_ledger(path)["id"].drop_nulls().to_list() if path.is_file() else []


def load_package(path: str | Path, names: tuple[str, ...]) -> Package:
    """The descriptor and the named tables; PackageError (with the reason) when they can't be read."""
    desc = descriptor_path(path)
    if not desc.is_file():
        raise PackageError(f"no datapackage.json at {path}")
    try:
        raw = desc.read_bytes()
        descriptor = load_json(desc)
        resources = {r.name: r for r in load_resources(desc.parent, descriptor)}
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise PackageError(f"cannot read the package at {desc}: {e}; run make validate") from e
    pkg = Package(desc.parent, desc, descriptor, raw)
    for name in names:
        res = resources.get(name)
        if res is None:
            raise PackageError(f"{desc} has no '{name}' resource")
        file = desc.parent / res.path
        try:
            data = file.read_bytes()
            text = data.decode("utf-8")
        except OSError as e:
            raise PackageError(f"cannot read {res.path}: {e.strerror or e}") from e
        except UnicodeDecodeError as e:
            raise PackageError(f"{res.path} is not UTF-8; run make validate") from e
        try:
            records = csvfile.records(text)
        except csv.Error as e:
            raise PackageError(f"{res.path} is not a readable CSV ({e}); run make validate") from e
        if not records:
            raise PackageError(f"{res.path} is empty; run make validate")
        header, body = records[0], records[1:]
        if sorted(header) != sorted(res.field_names) or len(set(header)) != len(header):
            missing = [f for f in res.field_names if f not in header]
            extra = [h for h in header if h not in res.field_names]
            raise PackageError(
                f"{res.path}: the header does not list exactly the schema's fields"
                + (f" (missing: {', '.join(missing)})" if missing else "")
                + (f" (unknown: {', '.join(extra)})" if extra else "") + "; run make validate")
        rows = []
        for n, rec in enumerate(body, start=2):
            if len(rec) != len(header):
                raise PackageError(f"{res.path}: record {n} has {len(rec)} cells, not {len(header)}; "
                                   "run make validate")
            rows.append(dict(zip(header, rec)))
        pkg.tables[name] = TableRows(res, file, rows, data)
    return pkg




class IdAllocator:
    """Hands out the next free IDs of one kind (by number, never reusing one in the file).

    CH-000041 is followed by CH-000042 whatever the rows' order; IDs keep six digits at least,
    as the schemas' patterns ask.
    """

    def __init__(self, prefix: str, existing, released=()):
        """existing: the IDs in the file; released: every ID the ledger lists (a withdrawn one is
        gone from the file but must never be handed out again)."""
        self.prefix = prefix
        numbers = [id_sort_key(v)[1] for v in [*existing, *released] if isinstance(v, str) and v.startswith(prefix)
                   and ID_PATTERN.match(v)]
        self.next = max(numbers, default=0) + 1

    def __call__(self) -> str:
        value = f"{self.prefix}{self.next:06d}"
        self.next += 1
        return value


def dump_descriptor(descriptor: dict) -> bytes:
    """datapackage.json as the project formats it: indent 2, UTF-8 as is, trailing newline."""
    return (json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def load_valid_package(path: str | Path, names: tuple[str, ...], optional: tuple[str, ...] = ()) -> Package:
    """The package's named tables (and those of `optional` it has), once `make validate`'s rules
    pass on it: an importer edits only a valid package. PackageError says why not."""
    root = Path(path)
    try:
        report = validate(root / "datapackage.json")
    except CannotRun as e:
        raise PackageError(f"cannot validate the package: {e}") from e
    if report.errors:
        raise PackageError(f"the package is invalid ({report.errors} error(s)): run make validate and fix it first")
    have = {r.get("name") for r in load_json(root / "datapackage.json").get("resources", []) if isinstance(r, dict)}
    return load_package(root, names + tuple(n for n in optional if n in have))


def write_files(files: dict[Path, bytes], dry_run: bool) -> None:
    """An importer's plan carried out: each changed file replaced in one step, or, for a dry run,
    nothing written and that said."""
    if dry_run:
        print("dry run: nothing written.")
        return
    for path, data in files.items():
        write_atomically(path, data)
