"""`make diff FROM=… [TO=…]`: what changed between two versions of the package, and which
version bump that needs.

A version is a released version number (0.2.0 or v0.2.0, resolved to its commit by the version
ledger releases/versions.csv, so no git tag is needed), a git revision (anything `git rev-parse`
takes: a tag, a commit, HEAD~3), a package folder, a datapackage.json, or a release zip; TO defaults to the working tree (.).
Each resource is compared by its primary key, with every CSV read as text (what a reader
sees, blank = missing) and each version's own schemas:

- rows added, removed, and changed with old → new values per field; incidents that became
  tombstones are shown as merged (with their target) or retracted;
- the schema, per field: added, removed, retyped, enum values added or removed, constraints
  and documentation changed; the primary key.

The bump, by the version policy (docs/versions.md):
  MAJOR  a change that breaks readers: a resource or field removed, a field renamed (shown as
         removed + added) or retyped, an enum value removed, a primary key changed; rows removed
         outright (which also breaks the stable-ID rule: make validate reports id-removed)
  MINOR  new rows, resources, fields or enum values; other schema constraints changed
  PATCH  corrections: values changed, incidents merged or retracted as tombstones, rows withdrawn
         through the ID ledger, documentation and package metadata changed

    python -m civharm.diff FROM [TO] [--format text|json|markdown] [--limit N]

Text is for people, JSON for machines (every change, values in full), Markdown for CHANGELOG.md.
Output order is fixed: resources in descriptor order, rows by ID (CH-1000000 after CH-999999),
fields in schema order.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import polars as pl

from .metadata.citation import LABEL_FIELDS
from .metadata.ids import LEDGER, has_tombstones, read_ledger
from .metadata.confine import TooLarge, UnsafePath, check_size, extract_zip, limit, package_file, parse_json
from .metadata.package import Resource, descriptor_path, id_sort_key, load_json, load_resources
from .metadata import versions

LEVELS = ("none", "patch", "minor", "major")
MD_LIST = 30  # markdown: more added rows than this in one resource are given as ID ranges
# Package metadata that changes with every release and so says nothing about the data.
RELEASE_KEYS = {"version", "created", "resources"}
# Field properties that document a field; a change to them is a PATCH.
DOC_PROPS = {"description", "example", "title", "categories", "rdfType"}
PACKAGE_FILES = ("datapackage.json", "schemas", "data", "releases", "CITATION.cff", "CHANGELOG.md")


class DiffError(Exception):
    """A version cannot be read (exit 2)."""


# --- opening a version -----------------------------------------------------------------------------

@dataclass
class Version:
    spec: str
    kind: str  # git | folder | zip
    root: Path
    descriptor: dict
    resources: list[Resource]
    label: str

    @property
    def version(self) -> str:
        return str(self.descriptor.get("version") or "?")


def _git(args: list[str], cwd: Path, binary: bool = False):
    proc = subprocess.run(["git", *versions.GIT_AS_COMMITTED, *args], cwd=cwd, capture_output=True)
    if proc.returncode != 0:
        return None
    return proc.stdout if binary else proc.stdout.decode("utf-8").strip()


def _package_root(folder: Path) -> Path:
    """The folder holding datapackage.json: the folder itself or its only subfolder (a zip's top folder)."""
    if (folder / "datapackage.json").is_file():
        return folder
    subs = [p for p in folder.iterdir() if p.is_dir()]
    if len(subs) == 1 and (subs[0] / "datapackage.json").is_file():
        return subs[0]
    raise DiffError(f"no datapackage.json in {folder}")


def _load(spec: str, kind: str, root: Path, label: str) -> Version:
    try:
        desc = load_json(root / "datapackage.json")
        resources = load_resources(root, desc)
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise DiffError(f"cannot read the package of {label}: {e} (run make validate on it)") from e
    return Version(spec, kind, root, desc, resources, label)


@contextlib.contextmanager
def open_version(spec: str, cwd: str | Path = ".") -> Iterator[Version]:
    """A version of the package, read-only; a git revision or zip is unpacked into a temporary folder."""
    cwd = Path(cwd)
    path = cwd / spec
    if path.is_file() and zipfile.is_zipfile(path):
        with tempfile.TemporaryDirectory(prefix="civharm-diff-") as tmp:
            _unzip(path, Path(tmp), spec)
            yield _load(spec, "zip", _package_root(Path(tmp)), spec)
        return
    if path.is_dir() or path.is_file():
        desc = descriptor_path(path)
        if not desc.is_file():
            raise DiffError(f"no datapackage.json at {spec}")
        yield _load(spec, "folder", desc.parent, spec)
        return
    sha = _git(["rev-parse", "--verify", "--quiet", f"{spec}^{{commit}}"], cwd)
    released = None if sha else _released(spec, cwd)
    if released:
        sha = _git(["rev-parse", "--verify", "--quiet", f"{released}^{{commit}}"], cwd)
        if not sha:
            raise DiffError(f"{spec} was released from commit {released[:10]} ({versions.LEDGER}), "
                            "which this clone does not have: fetch the full history (git fetch --unshallow)")
    if not sha:
        raise DiffError(f"{spec!r} is neither a released version ({versions.LEDGER}), a package folder, "
                        "a datapackage.json, a release zip, nor a git revision of this repository")
    prefix = _git(["rev-parse", "--show-prefix"], cwd) or ""
    tree = f"{sha}:{prefix}" if prefix else sha
    names = set((_git(["ls-tree", "--name-only", tree], cwd) or "").splitlines())
    wanted = [n for n in PACKAGE_FILES if n in names]
    if "datapackage.json" not in wanted:
        raise DiffError(f"revision {spec} has no datapackage.json{' in ' + prefix if prefix else ''}")
    archive = _git(["archive", "--format=tar", tree, "--", *wanted], cwd, binary=True)
    if archive is None:
        raise DiffError(f"git archive failed for {spec}")
    with tempfile.TemporaryDirectory(prefix="civharm-diff-") as tmp:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            try:
                tar.extractall(tmp, filter="data")
            except TypeError:  # a Python 3.11 before 3.11.4; git archive writes only plain files anyway
                tar.extractall(tmp)
        label = spec if sha.startswith(spec) else f"{spec}, commit {sha[:10]}"
        yield _load(spec, "git", Path(tmp), label)


def _unzip(path: Path, dest: Path, spec: str) -> None:
    """Unpack only the package's own files of a release zip (its descriptor, the data and schema
    files the descriptor names, the ID ledger), within the limits of civharm.metadata.confine: a
    zip bomb or an entry aimed outside the folder is refused before anything is written."""
    try:
        with zipfile.ZipFile(path) as z:
            infos = {i.filename: i for i in z.infolist()}
            tops = [n for n in infos if n == "datapackage.json" or (n.count("/") == 1 and n.endswith("/datapackage.json"))]
            if len(tops) != 1:
                raise DiffError(f"{spec}: a release zip holds one datapackage.json, at its top or in its one folder")
            prefix = tops[0][: -len("datapackage.json")]
            info = infos[tops[0]]
            cap = limit("CIVHARM_MAX_JSON_BYTES")
            if info.file_size > cap:
                raise TooLarge(f"{tops[0]}", info.file_size, cap, "CIVHARM_MAX_JSON_BYTES")
            with z.open(info) as fh:
                meta = parse_json(fh.read(cap + 1))
        wanted = {tops[0], prefix + LEDGER}
        for res in meta.get("resources", []) if isinstance(meta, dict) else []:
            for key in ("path", "schema"):
                if isinstance(res, dict) and isinstance(res.get(key), str):
                    wanted.add(prefix + res[key])
        extract_zip(path, dest, wanted.__contains__)
    except (UnsafePath, TooLarge) as e:
        raise DiffError(f"{spec}: {e}") from e
    except (ValueError, zipfile.BadZipFile, OSError) as e:
        raise DiffError(f"{spec}: cannot read the zip ({e})") from e


def _released(spec: str, cwd: Path) -> str | None:
    """The commit the version ledger records for '0.2.0' / 'v0.2.0', or None."""
    top = _git(["rev-parse", "--show-toplevel"], cwd)
    try:
        row = versions.lookup(spec, top or cwd)
    except versions.VersionLedgerError as e:
        raise DiffError(str(e)) from e
    return row["commit"] if row else None


# --- reading -------------------------------------------------------------------------------------

def read_table(v: Version, res: Resource) -> pl.DataFrame:
    """A resource's CSV as text columns, blank cells as null."""
    try:
        path = package_file(v.root, res.path, f"the path of {res.name}")
        if path.is_file():
            check_size(path, res.path)
    except (UnsafePath, TooLarge) as e:
        raise DiffError(f"{v.label}: {e}") from e
    if not path.is_file():
        raise DiffError(f"{v.label}: {res.path} does not exist")
    try:
        frame = pl.read_csv(path, infer_schema=False, encoding="utf8-lossy", raise_if_empty=False)
    except pl.exceptions.PolarsError as e:
        raise DiffError(f"{v.label}: {res.path} cannot be read as CSV ({' '.join(str(e).split())[:200]}); "
                        "run make validate on it") from e
    return frame.with_columns(pl.when(pl.col(c).str.len_bytes() > 0).then(pl.col(c)).alias(c) for c in frame.columns)


def withdrawn_ids(v: Version) -> dict[str, dict]:
    """IDs the version's ledger withdraws: id -> ledger row."""
    try:
        path = package_file(v.root, LEDGER, "the ID ledger")
    except UnsafePath as e:
        raise DiffError(f"{v.label}: {e}") from e
    if not path.is_file():
        return {}
    try:
        ledger = read_ledger(path)
    except (OSError, ValueError, pl.exceptions.PolarsError):
        return {}
    return {r["id"]: r for r in ledger.filter(pl.col("withdrawn_in").is_not_null()).iter_rows(named=True)}


# --- comparing -----------------------------------------------------------------------------------

@dataclass
class ResourceDiff:
    name: str
    status: str  # added | removed | changed | unchanged
    rows_from: int | None
    rows_to: int | None
    key: list[str]
    schema: dict
    added: list[dict] = field(default_factory=list)       # {"key", "label"}
    removed: list[dict] = field(default_factory=list)     # {"key", "label"}
    withdrawn: list[dict] = field(default_factory=list)   # {"key", "resolves_to", "reason"}
    changed: list[dict] = field(default_factory=list)     # {"key", "kind", "merged_into"?, "changes": [...]}
    note: str | None = None

    def counts(self) -> dict[str, int]:
        out = {"added": len(self.added), "removed": len(self.removed), "withdrawn": len(self.withdrawn)}
        for kind in ("changed", "merged", "retracted", "restored"):
            out[kind] = sum(c["kind"] == kind for c in self.changed)
        return out

    def as_dict(self) -> dict:
        return {"name": self.name, "status": self.status, "rows_from": self.rows_from, "rows_to": self.rows_to,
                "key": self.key, "schema": self.schema, "added": self.added, "removed": self.removed,
                "withdrawn": self.withdrawn, "changed": self.changed, "note": self.note}


def _empty_schema() -> dict:
    return {"fields_added": [], "fields_removed": [], "fields_retyped": [], "enum_values_added": [],
            "enum_values_removed": [], "constraints_changed": [], "docs_changed": [], "primary_key": None,
            "foreign_keys_changed": False, "fields_reordered": False}


def schema_changes(old: Resource, new: Resource) -> dict:
    out = _empty_schema()
    fo = {f["name"]: f for f in old.fields}
    fn = {f["name"]: f for f in new.fields}
    out["fields_added"] = [{"name": n, "type": fn[n].get("type", "string")} for n in fn if n not in fo]
    out["fields_removed"] = [{"name": n, "type": fo[n].get("type", "string")} for n in fo if n not in fn]
    for n in fn:
        if n not in fo:
            continue
        a, b = fo[n], fn[n]
        if a.get("type", "string") != b.get("type", "string"):
            out["fields_retyped"].append({"name": n, "old": a.get("type", "string"), "new": b.get("type", "string")})
        ca, cb = dict(a.get("constraints") or {}), dict(b.get("constraints") or {})
        ea, eb = ca.pop("enum", None), cb.pop("enum", None)
        if ea is not None or eb is not None:
            ea, eb = ea or [], eb or []
            plus = [v for v in eb if v not in ea]
            minus = [v for v in ea if v not in eb]
            if ea and not eb:  # the field lost its enum: every value is allowed now
                plus = []
            if plus:
                out["enum_values_added"].append({"field": n, "values": plus})
            if minus and eb:
                out["enum_values_removed"].append({"field": n, "values": minus})
            if minus and not eb:
                out["constraints_changed"].append({"field": n, "property": "enum", "old": ea, "new": None})
            if eb and not ea:
                out["constraints_changed"].append({"field": n, "property": "enum", "old": None, "new": eb})
        for prop in sorted(set(ca) | set(cb)):
            if ca.get(prop) != cb.get(prop):
                out["constraints_changed"].append({"field": n, "property": prop, "old": ca.get(prop), "new": cb.get(prop)})
        for prop in ("format", "bareNumber", "groupChar", "decimalChar", "trueValues", "falseValues", "missingValues"):
            if a.get(prop) != b.get(prop):
                out["constraints_changed"].append({"field": n, "property": prop, "old": a.get(prop), "new": b.get(prop)})
        docs = sorted(p for p in DOC_PROPS if a.get(p) != b.get(p))
        if docs:
            out["docs_changed"].append({"field": n, "properties": docs})
    if old.primary_key != new.primary_key:
        out["primary_key"] = {"old": old.primary_key, "new": new.primary_key}
    if (old.schema.get("foreignKeys") or []) != (new.schema.get("foreignKeys") or []):
        out["foreign_keys_changed"] = True
    if (old.schema.get("missingValues") or [""]) != (new.schema.get("missingValues") or [""]):
        out["constraints_changed"].append({"field": None, "property": "missingValues",
                                           "old": old.schema.get("missingValues"), "new": new.schema.get("missingValues")})
    common_old = [n for n in fo if n in fn]
    common_new = [n for n in fn if n in fo]
    out["fields_reordered"] = common_old != common_new
    return out


def _key_text(row: dict, key: list[str]) -> str:
    return ",".join(str(row[k]) for k in key)


def _sort(items: list[dict]) -> list[dict]:
    return sorted(items, key=lambda d: [id_sort_key(p) for p in d["key"].split(",")])


def _label(frame: pl.DataFrame) -> str | None:
    return next((f for f in LABEL_FIELDS if f in frame.columns), None)


def compare_rows(rd: ResourceDiff, old: pl.DataFrame, new: pl.DataFrame, fields: list[str],
                 withdrawn: dict[str, dict], tombstones: bool) -> None:
    key = rd.key
    common = [f for f in fields if f in old.columns and f in new.columns and f not in key]
    o = old.select(*key, *common).rename({c: f"{c}\x1fo" for c in common}).with_columns(pl.lit(True).alias("\x1fin_o"))
    n = new.select(*key, *common).rename({c: f"{c}\x1fn" for c in common}).with_columns(pl.lit(True).alias("\x1fin_n"))
    label_o, label_n = _label(old), _label(new)
    joined = o.join(n, on=key, how="full", coalesce=True)

    added = joined.filter(pl.col("\x1fin_o").is_null()).select(key)
    if label_n:
        added = added.join(new.select(*key, pl.col(label_n).alias("\x1flabel")), on=key, how="left")
    for r in added.iter_rows(named=True):
        rd.added.append({"key": _key_text(r, key), "label": r.get("\x1flabel")})
    removed = joined.filter(pl.col("\x1fin_n").is_null()).select(key)
    if label_o:
        removed = removed.join(old.select(*key, pl.col(label_o).alias("\x1flabel")), on=key, how="left")
    for r in removed.iter_rows(named=True):
        k = _key_text(r, key)
        w = withdrawn.get(k)
        if w is not None:
            rd.withdrawn.append({"key": k, "resolves_to": w.get("resolves_to"), "reason": w.get("reason"),
                                 "withdrawn_in": w.get("withdrawn_in")})
        else:
            rd.removed.append({"key": k, "label": r.get("\x1flabel")})

    if common:
        both = joined.filter(pl.col("\x1fin_o") & pl.col("\x1fin_n"))
        differs = [pl.col(f"{c}\x1fo").ne_missing(pl.col(f"{c}\x1fn")) for c in common]
        changed = both.filter(pl.any_horizontal(differs))
        tomb = tombstones and "status" in common
        for r in changed.iter_rows(named=True):
            changes = [{"field": c, "old": r[f"{c}\x1fo"], "new": r[f"{c}\x1fn"]}
                       for c in common if r[f"{c}\x1fo"] != r[f"{c}\x1fn"]]
            entry = {"key": _key_text(r, key), "kind": "changed", "changes": changes}
            if tomb:
                so, sn = r["status\x1fo"], r["status\x1fn"]
                if sn == "merged" and so != "merged":
                    entry["kind"] = "merged"
                    entry["merged_into"] = r.get("merged_into\x1fn")
                elif sn == "retracted" and so != "retracted":
                    entry["kind"] = "retracted"
                elif so in ("merged", "retracted") and sn not in ("merged", "retracted"):
                    entry["kind"] = "restored"
            rd.changed.append(entry)
    rd.added, rd.removed, rd.withdrawn, rd.changed = (_sort(rd.added), _sort(rd.removed),
                                                      _sort(rd.withdrawn), _sort(rd.changed))


def _duplicates(frame: pl.DataFrame, key: list[str]) -> int:
    return int(frame.select(pl.struct(key).is_duplicated().sum()).item()) if frame.height else 0


def diff_resource(vf: Version, vt: Version, old: Resource | None, new: Resource | None,
                  withdrawn: dict[str, dict]) -> ResourceDiff:
    if new is None:
        rows = read_table(vf, old).height
        return ResourceDiff(old.name, "removed", rows, None, old.primary_key, _empty_schema())
    if old is None:
        rows = read_table(vt, new).height
        return ResourceDiff(new.name, "added", None, rows, new.primary_key, _empty_schema())
    fo, fn = read_table(vf, old), read_table(vt, new)
    schema = schema_changes(old, new)
    key = new.primary_key if all(k in fo.columns and k in fn.columns for k in new.primary_key) else old.primary_key
    rd = ResourceDiff(new.name, "changed", fo.height, fn.height, key, schema)
    if not key or not all(k in fo.columns and k in fn.columns for k in key):
        rd.note = "no primary key common to both versions: rows not compared"
    elif _duplicates(fo, key) or _duplicates(fn, key):
        rd.note = "duplicate primary keys in a version: rows not compared (run make validate)"
    else:
        compare_rows(rd, fo, fn, new.field_names, withdrawn, has_tombstones(new))
    if not (rd.added or rd.removed or rd.withdrawn or rd.changed or rd.note or _schema_changed(schema)):
        rd.status = "unchanged"
    return rd


def _schema_changed(s: dict) -> bool:
    return any(v for v in s.values())


def _metadata_changes(vf: Version, vt: Version) -> list[dict]:
    a, b = vf.descriptor, vt.descriptor
    keys = [k for k in list(a) + [k for k in b if k not in a] if k not in RELEASE_KEYS]
    return [{"key": k, "old": a.get(k), "new": b.get(k)} for k in keys if a.get(k) != b.get(k)]


def _bumped(version: str, level: str) -> str | None:
    try:
        major, minor, patch = (int(p) for p in version.split("."))
    except ValueError:
        return None
    return {"major": f"{major + 1}.0.0", "minor": f"{major}.{minor + 1}.0",
            "patch": f"{major}.{minor}.{patch + 1}", "none": version}[level]


def _vtuple(version: str) -> tuple | None:
    try:
        return tuple(int(p) for p in version.split("."))
    except ValueError:
        return None


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


@dataclass
class Diff:
    from_: Version
    to: Version
    resources: list[ResourceDiff]
    package: list[dict]

    @property
    def reasons(self) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        for rd in self.resources:
            n, s = rd.name, rd.schema
            if rd.status == "removed":
                out.append(("major", f"resource {n} removed ({_plural(rd.rows_from or 0, 'row')})"))
                continue
            if rd.status == "added":
                out.append(("minor", f"resource {n} added ({_plural(rd.rows_to or 0, 'row')})"))
                continue
            for f in s["fields_removed"]:
                out.append(("major", f"{n}: field {f['name']} removed"))
            for f in s["fields_retyped"]:
                out.append(("major", f"{n}: field {f['name']} retyped {f['old']} → {f['new']}"))
            for e in s["enum_values_removed"]:
                out.append(("major", f"{n}: {e['field']} no longer allows {', '.join(map(str, e['values']))}"))
            if s["primary_key"]:
                out.append(("major", f"{n}: primary key changed"))
            if rd.removed:
                out.append(("major", f"{n}: {_plural(len(rd.removed), 'row')} removed "
                                     "(a released ID must never disappear: see id-removed)"))
            for f in s["fields_added"]:
                out.append(("minor", f"{n}: field {f['name']} added"))
            for e in s["enum_values_added"]:
                out.append(("minor", f"{n}: {e['field']} allows {', '.join(map(str, e['values']))}"))
            if s["constraints_changed"] or s["foreign_keys_changed"]:
                what = sorted({f"{c['field']}.{c['property']}" if c["field"] else c["property"]
                               for c in s["constraints_changed"]} | ({"foreignKeys"} if s["foreign_keys_changed"] else set()))
                out.append(("minor", f"{n}: constraints changed ({', '.join(what)})"))
            if s["fields_reordered"]:
                out.append(("minor", f"{n}: fields reordered"))
            if rd.added:
                out.append(("minor", f"{n}: {_plural(len(rd.added), 'row')} added"))
            c = rd.counts()
            parts = [f"{_plural(c[k], 'row')} {k}" for k in ("changed", "merged", "retracted", "restored", "withdrawn") if c[k]]
            if parts:
                out.append(("patch", f"{n}: " + ", ".join(parts)))
            if s["docs_changed"]:
                out.append(("patch", f"{n}: field documentation changed ({', '.join(d['field'] for d in s['docs_changed'])})"))
        if self.package:
            out.append(("patch", "package metadata changed (" + ", ".join(m["key"] for m in self.package) + ")"))
        order = {lvl: i for i, lvl in enumerate(reversed(LEVELS))}
        return sorted(out, key=lambda r: order[r[0]])  # stable: within a level, resource order

    @property
    def level(self) -> str:
        levels = [lvl for lvl, _ in self.reasons]
        return max(levels, key=LEVELS.index) if levels else "none"

    @property
    def next_version(self) -> str | None:
        return _bumped(self.from_.version, self.level)

    @property
    def violations(self) -> list[dict]:
        out = []
        for rd in self.resources:
            for r in rd.removed:
                out.append({"rule": "id-removed", "resource": rd.name, "id": r["key"]})
            if rd.status == "removed":
                out.append({"rule": "id-removed", "resource": rd.name, "id": None})
        return out

    def version_check(self) -> dict:
        """Is TO's version enough for the changes? {"version", "needed", "enough"}."""
        needed = self.next_version
        have, base, want = _vtuple(self.to.version), _vtuple(self.from_.version), _vtuple(needed or "")
        enough = None
        if have and base and want:
            enough = have >= want if self.level != "none" else have >= base
        return {"version": self.to.version, "needed": needed, "enough": enough}

    # --- outputs ---

    def as_dict(self) -> dict:
        return {
            "from": {"spec": self.from_.spec, "kind": self.from_.kind, "version": self.from_.version},
            "to": {"spec": self.to.spec, "kind": self.to.kind, "version": self.to.version},
            "bump": {"level": self.level, "next_version": self.next_version,
                     "reasons": [{"level": lvl, "reason": r} for lvl, r in self.reasons],
                     "to_version": self.version_check()},
            "violations": self.violations,
            "package": self.package,
            "resources": [rd.as_dict() for rd in self.resources],
        }

    def json(self) -> str:
        return json.dumps(self.as_dict(), indent=2, ensure_ascii=False) + "\n"

    def _version_line(self) -> str | None:
        vc = self.version_check()
        if self.level == "none" or vc["enough"] is None:
            return None
        if vc["enough"]:
            return f"version {self.to.version} in {self.to.label} is enough for this bump."
        return (f"version {self.to.version} in {self.to.label} is too low for these changes: they need {vc['needed']} "
                f"(make bump VERSION={vc['needed']} FROM={self.from_.spec}).")

    def text(self, limit: int = 200) -> str:
        out = [f"civharm diff: {self.from_.version} ({self.from_.label}) → {self.to.version} ({self.to.label})", ""]
        if self.level == "none":
            out.append("No changes to the data or the schemas: no version bump needed.")
        else:
            out.append(f"Suggested version bump: {self.level.upper()}, {self.from_.version} → {self.next_version}")
            for lvl, reason in self.reasons:
                out.append(f"  {lvl:<5}  {reason}")
            line = self._version_line()
            if line:
                out.append(f"  note   {line}")
        for v in self.violations:
            if v["id"]:
                out.append(f"  ERROR  {v['resource']} {v['id']} was removed: a released ID must stay, as a tombstone "
                           "or a ledger withdrawal (make validate: id-removed)")
            else:
                out.append(f"  ERROR  resource {v['resource']} was removed: every ID it released disappears")
        if self.package:
            out += ["", "package metadata:"]
            for m in self.package:
                out.append(f"  {m['key']}: {_meta(m['old'])} → {_meta(m['new'])}")
        for rd in self.resources:
            out.append("")
            out += self._text_resource(rd, limit)
        return "\n".join(out) + "\n"

    def _text_resource(self, rd: ResourceDiff, limit: int) -> list[str]:
        if rd.status == "removed":
            return [f"{rd.name}: resource removed ({_plural(rd.rows_from or 0, 'row')} in {self.from_.label})"]
        if rd.status == "added":
            return [f"{rd.name}: resource added ({_plural(rd.rows_to or 0, 'row')})"]
        if rd.status == "unchanged":
            return [f"{rd.name}: unchanged ({_plural(rd.rows_to or 0, 'row')})"]
        c = rd.counts()
        parts = [f"{c[k]} {k}" for k in ("added", "changed", "merged", "retracted", "restored", "withdrawn", "removed") if c[k]]
        head = f"{rd.name}: {rd.rows_from} → {rd.rows_to} rows"
        if parts:
            head += "; " + ", ".join(parts)
        out = [head]
        if rd.note:
            out.append(f"  note: {rd.note}")
        out += [f"  schema: {line}" for line in _schema_lines(rd.schema)]
        width = 10
        def cap(items, render):
            for item in items[:limit] if limit else items:
                out.extend(render(item))
            if limit and len(items) > limit:
                out.append(f"  … and {len(items) - limit} more (--limit 0 shows all)")
        cap(rd.added, lambda a: [f"  {'added':<{width}} {a['key']}" + (f"  {_short(a['label'], 70)}" if a["label"] else "")])
        kinds = ("changed", "merged", "retracted", "restored")
        changed = [e for kind in kinds for e in rd.changed if e["kind"] == kind]
        def render_change(e):
            head = f"  {e['kind']:<{width}} {e['key']}"
            if e["kind"] == "merged" and e.get("merged_into"):
                head += f" → {e['merged_into']}"
            w = max(len(ch["field"]) for ch in e["changes"])
            return [head] + [f"  {'':<{width}}   {ch['field']:<{w}}  {_show(ch['old'])} → {_show(ch['new'])}"
                             for ch in e["changes"]]
        cap(changed, render_change)
        cap(rd.withdrawn, lambda w: [f"  {'withdrawn':<{width}} {w['key']}" + (f" → {w['resolves_to']}" if w["resolves_to"] else "")
                                     + (f"  ({_short(w['reason'], 70)})" if w["reason"] else "")])
        cap(rd.removed, lambda r: [f"  {'REMOVED':<{width}} {r['key']}" + (f"  {_short(r['label'], 70)}" if r["label"] else "")])
        return out

    def markdown(self, limit: int = 200, heading_level: int = 3) -> str:
        """Changelog sections (### Added / Changed / Retired / Removed) in CHANGELOG.md's style."""
        sections: dict[str, list[str]] = {"Added": [], "Changed": [], "Retired": [], "Removed": []}

        def capped(section: str, items: list, render) -> None:
            for item in items[:limit] if limit else items:
                sections[section].append(render(item))
            if limit and len(items) > limit:
                sections[section].append(f"  - … and {len(items) - limit} more (`make diff FORMAT=json` lists all).")

        for rd in self.resources:
            n = rd.name
            if rd.status == "added":
                sections["Added"].append(f"- Resource `{n}` ({_plural(rd.rows_to or 0, 'row')}).")
                continue
            if rd.status == "removed":
                sections["Removed"].append(f"- Resource `{n}`.")
                continue
            s = rd.schema
            for f in s["fields_added"]:
                sections["Added"].append(f"- `{n}`: field `{f['name']}` ({f['type']}).")
            for e in s["enum_values_added"]:
                sections["Added"].append(f"- `{n}.{e['field']}`: allowed values {_codes(e['values'])}.")
            if rd.added and len(rd.added) > MD_LIST:
                sections["Added"].append(f"- `{n}`: {_plural(len(rd.added), 'row')}, {_ranges([a['key'] for a in rd.added])}.")
            elif rd.added:
                sections["Added"].append(f"- `{n}`: {_plural(len(rd.added), 'row')}:")
                capped("Added", rd.added, lambda a: f"  - {a['key']}" + (f": {_short(a['label'], 100)}" if a["label"] else ""))
            for f in s["fields_retyped"]:
                sections["Changed"].append(f"- `{n}.{f['name']}`: type {f['old']} → {f['new']}.")
            if s["primary_key"]:
                sections["Changed"].append(f"- `{n}`: primary key {', '.join(s['primary_key']['old'])} → "
                                           f"{', '.join(s['primary_key']['new'])}.")
            for ch in s["constraints_changed"]:
                where = f"{n}.{ch['field']}" if ch["field"] else n
                sections["Changed"].append(f"- `{where}`: constraint `{ch['property']}` {_show(ch['old'])} → {_show(ch['new'])}.")
            if s["foreign_keys_changed"]:
                sections["Changed"].append(f"- `{n}`: foreign keys changed.")
            if s["docs_changed"]:
                sections["Changed"].append(f"- `{n}`: documentation of {_codes(d['field'] for d in s['docs_changed'])}.")
            plain = [e for e in rd.changed if e["kind"] in ("changed", "restored")]
            if plain:
                sections["Changed"].append(f"- `{n}`: {_plural(len(plain), 'row')} corrected:")
                capped("Changed", plain, lambda e: f"  - {e['key']}"
                       + (" (restored)" if e["kind"] == "restored" else "") + ": "
                       + "; ".join(_md_change(ch) for ch in e["changes"]) + ".")
            for e in [e for e in rd.changed if e["kind"] in ("merged", "retracted")]:
                reason = next((ch["new"] for ch in e["changes"] if ch["field"] == "status_reason" and ch["new"]), None)
                what = f"merged into {e['merged_into']}" if e["kind"] == "merged" else "retracted"
                sections["Retired"].append(f"- `{n}` {e['key']}: {what}" + (f" ({_short(reason, 120).rstrip('.')})" if reason else "") + ".")
            for w in rd.withdrawn:
                sections["Retired"].append(f"- `{n}` {w['key']}: withdrawn" + (f", resolves to {w['resolves_to']}" if w["resolves_to"] else "")
                                           + (f" ({_short(w['reason'], 120).rstrip('.')})" if w["reason"] else "") + ".")
            for f in s["fields_removed"]:
                sections["Removed"].append(f"- `{n}`: field `{f['name']}`.")
            for e in s["enum_values_removed"]:
                sections["Removed"].append(f"- `{n}.{e['field']}`: allowed values {_codes(e['values'])}.")
            for r in rd.removed:
                sections["Removed"].append(f"- `{n}` {r['key']} (breaks the stable-ID rule: make validate reports id-removed).")
        if self.package:
            sections["Changed"].append("- Package metadata: " + ", ".join(f"`{m['key']}`" for m in self.package) + ".")
        out = []
        for title, lines in sections.items():
            if lines:
                out += [f"{'#' * heading_level} {title}", "", *lines, ""]
        if not out:
            out = ["No changes to the data or the schemas.", ""]
        return "\n".join(out)


def _meta(value) -> str:
    if isinstance(value, list):
        return _plural(len(value), "entry").replace("entrys", "entries")
    if isinstance(value, dict):
        return "{…}"
    return _show(value)


def _ranges(keys: list[str]) -> str:
    """Sorted IDs as runs: CH-000003 to CH-000010, CH-000012."""
    runs: list[list] = []
    for k in keys:
        p, n, _ = id_sort_key(k)
        if runs and n >= 0 and runs[-1][0] == p and runs[-1][2] == n - 1 and len(k) == len(runs[-1][3]):
            runs[-1][2], runs[-1][3] = n, k
        else:
            runs.append([p, n, n, k, k])
    return ", ".join(r[4] if r[3] == r[4] else f"{r[4]} to {r[3]}" for r in runs)


def _codes(values) -> str:
    return ", ".join(f"`{v}`" for v in values)


def _short(value, width: int) -> str:
    s = " ".join(str(value).split())
    return s if len(s) <= width else s[: width - 1].rstrip() + "…"


def _show(value) -> str:
    if value is None or value == "":
        return "(blank)"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return _short(value, 60)


def _md_change(ch: dict) -> str:
    old, new = ch["old"], ch["new"]
    if (old and len(str(old)) > 40) or (new and len(str(new)) > 40):
        return f"{ch['field']} revised" if old and new else f"{ch['field']} {'set' if new else 'cleared'}"
    return f"{ch['field']} {_show(old)} → {_show(new)}"


def _schema_lines(s: dict) -> list[str]:
    out = []
    out += [f"field {f['name']} added ({f['type']})" for f in s["fields_added"]]
    out += [f"field {f['name']} removed ({f['type']})" for f in s["fields_removed"]]
    out += [f"field {f['name']} retyped {f['old']} → {f['new']}" for f in s["fields_retyped"]]
    out += [f"{e['field']}: enum values added: {', '.join(map(str, e['values']))}" for e in s["enum_values_added"]]
    out += [f"{e['field']}: enum values removed: {', '.join(map(str, e['values']))}" for e in s["enum_values_removed"]]
    out += [f"{c['field'] + ': ' if c['field'] else ''}{c['property']} {_show(c['old'])} → {_show(c['new'])}"
            for c in s["constraints_changed"]]
    out += [f"{d['field']}: {', '.join(d['properties'])} changed" for d in s["docs_changed"]]
    if s["primary_key"]:
        out.append(f"primary key {', '.join(s['primary_key']['old'])} → {', '.join(s['primary_key']['new'])}")
    if s["foreign_keys_changed"]:
        out.append("foreign keys changed")
    if s["fields_reordered"]:
        out.append("fields reordered")
    return out


def diff(vf: Version, vt: Version) -> Diff:
    old = {r.name: r for r in vf.resources}
    new = {r.name: r for r in vt.resources}
    names = [r.name for r in vt.resources] + [r.name for r in vf.resources if r.name not in new]
    withdrawn = withdrawn_ids(vt)
    resources = [diff_resource(vf, vt, old.get(n), new.get(n), withdrawn) for n in names]
    return Diff(vf, vt, resources, _metadata_changes(vf, vt))


def run(from_spec: str, to_spec: str = ".", cwd: str | Path = ".") -> Diff:
    with open_version(from_spec, cwd) as vf, open_version(to_spec, cwd) as vt:
        return diff(vf, vt)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="civharm-diff", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("from_", metavar="FROM", help="git revision, package folder, datapackage.json or release zip")
    parser.add_argument("to", nargs="?", default=".", metavar="TO", help="the same kinds (default: . , the working tree)")
    parser.add_argument("--format", choices=("text", "json", "markdown"), default="text",
                        help="text for people (default), json for machines, markdown for CHANGELOG.md")
    parser.add_argument("--limit", type=int, default=200,
                        help="text and markdown: list at most N rows per kind of change per resource (0: all)")
    args = parser.parse_args(argv)
    try:
        d = run(args.from_, args.to)
    except DiffError as e:
        print(f"civharm-diff: {e}", file=sys.stderr)
        return 2
    out = {"text": lambda: d.text(args.limit), "json": d.json, "markdown": lambda: d.markdown(args.limit)}[args.format]()
    sys.stdout.write(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
