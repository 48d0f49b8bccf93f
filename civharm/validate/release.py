"""Layer 6, release: the version and the release date agree everywhere they are written, declared
sizes and hashes match the files (as in a release zip, whose descriptor carries them), the
generated .zenodo.json is current, and no released ID has disappeared or changed kind.

Where the version and the release date live (docs/versions.md):
- datapackage.json: `version`, and `created`, whose date is the release date;
- CITATION.cff: `version` and `date-released`, at the top and in `preferred-citation`;
- CHANGELOG.md: the top version entry, `## 0.2.0 — 2026-12-01` (an `## Unreleased` section
  above it is fine).
The ID ledger is releases/ids.csv (civharm/ids.py); the version ledger is releases/versions.csv
(civharm/metadata/versions.py), checked here only on its own evidence, since validation reads no
git (docs/versions.md). Each file is optional: a package without one (the test fixtures) skips
the checks that need it.
"""

from __future__ import annotations

import csv
import datetime as _dt
import hashlib
import json
import re
from collections import Counter
from pathlib import Path
from typing import NamedTuple

from civharm.metadata import csvfile, versions
from civharm.metadata.citation import CFF, ZENODO, Citation, CitationError, read_cff, zenodo_differences
from civharm.metadata.confine import UnsafePath, package_file
from civharm.metadata.ddl import q
from civharm.metadata.ids import COLUMNS, LEDGER, has_tombstones, ledger_rows, ledgered
from civharm.metadata.package import Resource
from .report import Problem
from .rules import raises

SEMVER = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$")
CHANGELOG = "CHANGELOG.md"
# `## 0.2.0 — 2026-12-01`, `## [0.2.0] - 2026-12-01`, `## v0.2.0 (2026-12-01)`; the first one is the top entry.
_CHANGELOG_ENTRY = re.compile(
    r"^##\s+\[?v?([0-9]+\.[0-9]+\.[0-9]+)\]?[ \t]*(?:[-–—:(][ \t]*)*([0-9]{4}-[0-9]{2}-[0-9]{2})?", re.M)
_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}")



def _present(root: Path, name: str, out: list[Problem]) -> bool:
    """Whether the package has this file of its own; a symlink is reported, never followed."""
    try:
        return package_file(root, name, "the file").is_file()
    except UnsafePath as e:
        out.append(Problem("path-outside-package", name, column="the file", value=name, detail=e.reason))
        return False


def _digest(path: Path, algo: str) -> tuple[int, str]:
    """(size, hex digest) of a file, read in chunks: a large file is never held whole."""
    h = hashlib.new(algo)
    size = 0
    with open(path, "rb") as f:
        while chunk := f.read(1 << 24):
            size += len(chunk)
            h.update(chunk)
    return size, h.hexdigest()


def _changelog_top(root: Path) -> tuple[str | None, str | None, int | None] | None:
    """(version, date, line) of CHANGELOG.md's top version entry; None without the file."""
    path = root / CHANGELOG
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8", errors="replace")
    m = _CHANGELOG_ENTRY.search(text)
    if not m:
        return (None, None, None)
    return (m.group(1), m.group(2), text.count("\n", 0, m.start()) + 1)


def _cff_line(root: Path, key: str, nested: bool) -> int | None:
    """The line of a key in CITATION.cff: top level, or inside preferred-citation."""
    inside = False
    for i, line in enumerate((root / CFF).read_text(encoding="utf-8", errors="replace").splitlines(), 1):
        if re.match(r"^\S", line):
            inside = line.startswith("preferred-citation:")
            if not nested and line.startswith(f"{key}:"):
                return i
        elif nested and inside and re.match(rf"^\s+{re.escape(key)}:", line):
            return i
    return None


@raises("path-outside-package", "version-format", "version-mismatch", "release-date-mismatch", "citation-unreadable", "zenodo-stale",
        "resource-bytes-mismatch", "resource-hash-mismatch")
def check(root: Path, rel: str, descriptor: dict, resources: list[Resource]) -> list[Problem]:
    out: list[Problem] = []
    version = descriptor.get("version")
    if version is not None and not (isinstance(version, str) and SEMVER.match(version)):
        out.append(Problem("version-format", rel, column="version", value=str(version)))
    created = descriptor.get("created")
    date = created[:10] if isinstance(created, str) and _DATE.match(created) else None

    cff = None
    if _present(root, CFF, out):
        try:
            cff = read_cff(root / CFF)
        except CitationError as e:
            out.append(Problem("citation-unreadable", CFF, detail=str(e)))
    top = _changelog_top(root) if _present(root, CHANGELOG, out) else None

    # Versions: datapackage.json is the reference; every other place must say the same.
    if isinstance(version, str):
        found: list[tuple[str, int | None, str, object]] = []
        if cff is not None:
            found.append((CFF, _cff_line(root, "version", False), "version", cff.get("version")))
            if isinstance(cff.get("preferred-citation"), dict):
                found.append((CFF, _cff_line(root, "version", True), "preferred-citation.version",
                              cff["preferred-citation"].get("version")))
        if top is not None:
            found.append((CHANGELOG, top[2], "version", top[0]))
        for file, line, column, value in found:
            value = None if value is None else str(value)
            if value != version:
                where = f"{file} ({column})" if column != "version" else file
                out.append(Problem("version-mismatch", file, line=line, column=column, value=value,
                                   detail=f"{where} gives version {value or '(none)'}; datapackage.json gives {version}."))

    # Release dates: datapackage.json's created date is the reference, else CITATION.cff's.
    dates: list[tuple[str, int | None, str, object]] = []
    if cff is not None:
        dates.append((CFF, _cff_line(root, "date-released", False), "date-released", cff.get("date-released")))
        pref = cff.get("preferred-citation")
        if isinstance(pref, dict) and "date-released" in pref:
            dates.append((CFF, _cff_line(root, "date-released", True), "preferred-citation.date-released",
                          pref.get("date-released")))
    if top is not None and top[0] is not None:
        dates.append((CHANGELOG, top[2], f"## {top[0]}", top[1]))
    reference, ref_name = date, "datapackage.json (created)"
    if reference is None and dates and dates[0][3]:
        reference, ref_name = str(dates[0][3])[:10], "CITATION.cff (date-released)"
    if reference is not None:
        for file, line, column, value in dates:
            value = None if value is None else str(value)[:10]
            if value != reference:
                what = f"{file} ({column})"
                out.append(Problem("release-date-mismatch", file, line=line, column=column, value=value,
                                   expected=reference,
                                   detail=f"{what} gives the release date {value or '(none)'}; {ref_name} gives {reference}."))

    # .zenodo.json is generated: it must be what CITATION.cff and datapackage.json give now.
    if _present(root, ZENODO, out):
        try:
            committed = json.loads((root / ZENODO).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            committed = None
        if cff is None:
            out.append(Problem("zenodo-stale", ZENODO, detail=f"there is no readable {CFF} to generate it from"))
        else:
            # Checked without cffconvert (not in the wheel's environment): the keys a bump
            # changes and our own; make zenodo CHECK=1 compares the whole record.
            keys = zenodo_differences(Citation(root, cff, str(version or cff.get("version") or ""), descriptor),
                                      committed)
            if keys:
                out.append(Problem("zenodo-stale", ZENODO, detail="it differs in " + ", ".join(keys)))

    for res in resources:
        declared = res.descriptor.get("bytes")
        if declared is not None:
            size = (root / res.path).stat().st_size
            if size != declared:
                out.append(Problem("resource-bytes-mismatch", res.path, value=str(size), expected=str(declared)))
        declared = res.descriptor.get("hash")
        if isinstance(declared, str):
            algo, _, digest = declared.rpartition(":")
            algo = algo or "md5"
            if algo not in hashlib.algorithms_available:
                out.append(Problem("resource-hash-mismatch", res.path, value=f"(cannot compute {algo})", expected=declared))
                continue
            actual = _digest(root / res.path, algo)[1]
            if actual != digest.lower():
                out.append(Problem("resource-hash-mismatch", res.path, value=f"{algo}:{actual}", expected=declared))
    return out


def ledger_ids(root: Path) -> list[str]:
    """Every ID the ledger names (id and resolves_to): the only IDs of the data that check_ids
    looks up, so the engine fetches those rows' IDs and lines, not every key of a large package
    (35M IDs at 10M incidents, gigabytes in Python). Empty when there is no readable ledger:
    check_ids then looks nothing up."""
    if not _present(root, LEDGER, []):  # absent, or a symlink (check_ids reports it)
        return []
    try:
        ledger = ledger_rows(root / LEDGER)
    except (OSError, ValueError):
        return []
    return [i for i in dict.fromkeys(v for r in ledger for v in (r["id"], r["resolves_to"])) if i is not None]


class IdRows(NamedTuple):
    """The raw (text) ID column and the line column of the rows of one file whose ID the ledger
    names, as check_ids reads them. Plain rows, not a polars frame: the ledger's checks are a few
    hundred dict look-ups, and importing polars for them was a sixth of make validate's start-up."""
    columns: list[str]
    rows: list[tuple]


def id_frame(cursor, line_column: str) -> IdRows:
    """A DuckDB result of raw (text) ID columns and the line column, fetched as rows (DuckDB's
    .pl() or .df() would go through pandas and pyarrow: about a second of imports on every run)."""
    return IdRows([d[0] for d in cursor.description], cursor.fetchall())


@raises("path-outside-package", "id-ledger-invalid", "id-removed", "id-kind-changed", "id-tombstone-unresolved")
def check_ids(root: Path, resources: list[Resource], raws: dict[str, IdRows], line_column: str,
              declared: set[str] | None = None) -> list[Problem]:
    """No released ID disappears or changes kind; withdrawn IDs resolve.

    raws: resource name -> the raw (text) ID rows the structure layer read, with each row's CSV
    line in `line_column` (the rows whose ID is in `ledger_ids` suffice). A resource missing from
    raws (unreadable) or lacking its key column is skipped, so that one broken file does not report
    every released ID as removed. The engine runs it only on a package with a ledger (the test
    fixtures have none)."""
    path = root / LEDGER
    unsafe: list[Problem] = []
    if not _present(root, LEDGER, unsafe):
        return unsafe
    try:
        ledger = ledger_rows(path)
    except (OSError, ValueError) as e:
        return [Problem("id-ledger-invalid", LEDGER, line=1, detail=f"it cannot be read: {' '.join(str(e).split())[:200]}")]
    out: list[Problem] = []
    by_name = {r.name: r for r in resources}

    def bad(rows, column: str, why: str) -> None:
        for r in rows:
            out.append(Problem("id-ledger-invalid", LEDGER, line=r["__line"], column=column,
                               value=r[column], detail=why.format(**r)))

    bad([r for r in ledger if r["id"] is None or r["resource"] is None or r["released_in"] is None],
        "id", "id, resource and released_in are required")
    times = Counter(r["id"] for r in ledger)
    bad([r for r in ledger if r["id"] is not None and times[r["id"]] > 1], "id", "the ID {id} is listed twice")
    # declared: every resource the descriptor names, readable or not (an unreadable one is
    # reported by the descriptor layer; its ledger rows are not wrong for that)
    known = set(declared or by_name)
    bad([r for r in ledger if r["resource"] is not None and r["resource"] not in known],
        "resource", "the package has no resource {resource}")
    tombstoned = {n for n, r in by_name.items() if has_tombstones(r)}
    bad([r for r in ledger if r["withdrawn_in"] is not None and r["resource"] in tombstoned],
        "withdrawn_in", "{resource} rows retire in the data, as tombstones (status merged or retracted), "
        "never by withdrawal from the ledger")
    bad([r for r in ledger if r["withdrawn_in"] is not None and r["reason"] is None],
        "reason", "a withdrawn ID needs a reason")
    bad([r for r in ledger if r["withdrawn_in"] is None and (r["resolves_to"] is not None or r["reason"] is not None)],
        "resolves_to", "resolves_to and reason are for withdrawn IDs only (set withdrawn_in)")

    # Where every ID of the data is now: id -> (resource it is in, its CSV line), the first found.
    now: dict[str, tuple[str, int]] = {}
    readable = set()
    for name, raw in raws.items():
        res = by_name.get(name)
        if res is None or not ledgered(res) or res.primary_key[0] not in raw.columns:
            continue
        readable.add(name)
        key, line = raw.columns.index(res.primary_key[0]), raw.columns.index(line_column)
        for row in raw.rows:
            if row[key] is not None:
                now.setdefault(row[key], (name, row[line]))
    if not readable:
        return out
    checked = [r for r in ledger if r["id"] is not None and r["resource"] in readable]

    for r in checked:
        now_in, now_line = now.get(r["id"], (None, None))
        if r["withdrawn_in"] is None and now_in is None:
            res = by_name[r["resource"]]
            out.append(Problem("id-removed", res.path, column=res.primary_key[0], value=r["id"],
                               expected=r["released_in"], detail=f"{LEDGER} line {r['__line']}"))
    for r in checked:
        now_in, now_line = now.get(r["id"], (None, None))
        if now_in is not None and now_in != r["resource"]:
            res = by_name[now_in]
            out.append(Problem("id-kind-changed", res.path, line=now_line, column=res.primary_key[0],
                               value=r["id"], expected=r["resource"]))
    for r in checked:
        if r["withdrawn_in"] is not None and now.get(r["id"], (None,))[0] == r["resource"]:
            out.append(Problem("id-ledger-invalid", LEDGER, line=r["__line"], column="withdrawn_in", value=r["withdrawn_in"],
                               detail=f"{r['id']} is withdrawn here but still a row of {r['resource']}: "
                                      "delete the row, or clear withdrawn_in, resolves_to and reason"))
    for r in checked:
        if r["withdrawn_in"] is not None and r["resolves_to"] is not None:
            target_in = now.get(r["resolves_to"], (None,))[0]
            if target_in is None or target_in != r["resource"]:
                out.append(Problem("id-tombstone-unresolved", LEDGER, line=r["__line"], column="resolves_to",
                                   value=r["resolves_to"], expected=r["resource"],
                                   detail=f"{r['id']} was withdrawn in {r['withdrawn_in']}"))
    return out


def _changelog_released(root: Path) -> dict[str, tuple[str | None, int]]:
    """version -> (date, line) of every released entry of CHANGELOG.md (`## Unreleased` is none)."""
    text = (root / CHANGELOG).read_text(encoding="utf-8", errors="replace")
    out: dict[str, tuple[str | None, int]] = {}
    for m in _CHANGELOG_ENTRY.finditer(text):
        out.setdefault(m.group(1), (m.group(2), text.count("\n", 0, m.start()) + 1))
    return out


def _ids_released(root: Path) -> dict[str, int]:
    """version -> the first line of releases/ids.csv naming it in released_in or withdrawn_in;
    empty when the ledger is absent or unreadable (check_ids reports that)."""
    if not _present(root, LEDGER, []):
        return {}
    try:
        ledger = ledger_rows(root / LEDGER)
    except (OSError, ValueError):
        return {}
    out: dict[str, int] = {}
    for column in ("released_in", "withdrawn_in"):
        for r in ledger:
            if r[column] is not None:
                out[r[column]] = min(out.get(r[column], r["__line"]), r["__line"])
    return out


def _is_date(value: str) -> bool:
    try:
        _dt.date.fromisoformat(value)
    except ValueError:
        return False
    return bool(re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value))


@raises("path-outside-package", "version-ledger-invalid", "version-unrecorded")
def check_versions(root: Path, descriptor: dict) -> list[Problem]:
    """The version ledger is well formed and records every version released so far.

    What the validator can check without git: each row's form, one row per version, version
    order, released_on as CHANGELOG.md dates that version, and that no version CHANGELOG.md or
    releases/ids.csv calls released lacks its row (a deleted row). The version datapackage.json
    gives is exempt from the last: make release validates the package before it records that
    version's row. A row whose commit or hash was edited in place looks valid here; only the
    ledger's git history shows it (docs/versions.md)."""
    L = versions.LEDGER
    out: list[Problem] = []
    if not _present(root, L, out):
        return out
    text = (root / L).read_text(encoding="utf-8", errors="replace").removeprefix(csvfile.BOM)
    changelog = _changelog_released(root) if _present(root, CHANGELOG, out) else {}

    def bad(line: int | None, column: str | None, value: str | None, why: str) -> None:
        out.append(Problem("version-ledger-invalid", L, line=line, column=column, value=value, detail=why))

    rows: list[tuple[int, dict[str, str]]] = []
    # csv.reader, not versions.read: every malformed row is reported with its line, not the first only
    rdr = csvfile.reader(text)
    try:
        header = next(rdr, None)
        if header != versions.COLUMNS:
            bad(1, None, ",".join(header or []) or None, f"the header must be {','.join(versions.COLUMNS)}")
            return out
        start = rdr.line_num + 1
        for record in rdr:
            if record and len(record) != len(versions.COLUMNS):
                bad(start, None, None, f"the row has {len(record)} cells; the header has {len(versions.COLUMNS)}")
            elif record:
                rows.append((start, dict(zip(versions.COLUMNS, record))))
            start = rdr.line_num + 1
    except csv.Error as e:
        bad(rdr.line_num or 1, None, None, f"it is not a readable CSV ({e})")
        return out

    seen: dict[str, int] = {}
    previous: tuple[int, ...] | None = None
    for line, r in rows:
        v = r["version"]
        if not SEMVER.match(v):
            bad(line, "version", v, "a version is MAJOR.MINOR.PATCH, as in datapackage.json (0.2.0)")
        elif v in seen:
            bad(line, "version", v, f"{v} is recorded twice (also line {seen[v]}); a released version has one row")
        else:
            seen[v] = line
            key = tuple(int(p) for p in v.split("."))
            if previous is not None and key < previous:
                bad(line, "version", v, "the rows are not in version order (make release keeps them so)")
            previous = max(key, previous or key)
        if not re.fullmatch(r"[0-9a-f]{40}", r["commit"]):
            bad(line, "commit", r["commit"], "the commit is the full 40-digit lowercase hex hash the release was built from")
        if r["zip_sha256"] and not re.fullmatch(r"[0-9a-f]{64}", r["zip_sha256"]):
            bad(line, "zip_sha256", r["zip_sha256"], "zip_sha256 is blank or 64 lowercase hex digits")
        if r["built_by"] and not (r["zip_sha256"] and re.fullmatch(r"[0-9a-f]{40}", r["built_by"])):
            bad(line, "built_by", r["built_by"], "built_by is blank, or the full 40-digit commit whose code packed "
                                                 "the zip whose zip_sha256 is recorded")
        if not _is_date(r["released_on"]):
            bad(line, "released_on", r["released_on"], "released_on is a date, YYYY-MM-DD")
        elif v in changelog and changelog[v][0] and changelog[v][0] != r["released_on"]:
            bad(line, "released_on", r["released_on"],
                f"{CHANGELOG} line {changelog[v][1]} dates {v} {changelog[v][0]}")

    current = descriptor.get("version")
    named = {v: f"{CHANGELOG} line {line}" for v, (_, line) in changelog.items()}
    for v, line in _ids_released(root).items():
        named.setdefault(v, f"{LEDGER} line {line}")
    for v, where in sorted(named.items(), key=lambda kv: tuple(int(p) for p in kv[0].split(".")) if SEMVER.match(kv[0]) else (-1,)):
        if v not in seen and v != current and SEMVER.match(v):
            out.append(Problem("version-unrecorded", L, column="version", value=v, detail=where))
    return out


__all__ = ["check", "check_ids", "check_versions", "ledger_ids", "COLUMNS"]


@raises("updated-after-release")
def check_updated(con, descriptor: dict, frames: dict[str, list[str]], resources: dict, line: str) -> list[Problem]:
    """updated_on, the release date of a row's last change, is never later than the package's
    release date (datapackage.json's created): make bump sets both to the same day. Read from the
    typed tables the cells layer left (a broken date is already reported there)."""
    created = descriptor.get("created")
    if not (isinstance(created, str) and _DATE.match(created)):
        return []
    try:
        release = _dt.date.fromisoformat(created[:10])
    except ValueError:
        return []
    out = []
    for name, columns in frames.items():
        if "updated_on" not in columns:
            continue
        rows = con.execute(f"SELECT {q(line)}, CAST(updated_on AS VARCHAR) FROM {q(name)} "
                           f"WHERE updated_on > DATE '{release.isoformat()}' ORDER BY {q(line)}").fetchall()
        out += [Problem("updated-after-release", resources[name].path, line=n, column="updated_on", value=v,
                        expected=release.isoformat()) for n, v in rows]
    return out
