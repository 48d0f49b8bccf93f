"""The version ledger, `releases/versions.csv`: every released version with the commit it was
released from and the sha256 of its release zip.

Git tags do not travel with every clone, fork or mirror; this committed file does. It is what
`make diff FROM=0.2.0` resolves a version with, and what `make verify-release VERSION=0.2.0`
checks: that the recorded commit, built by its own code, gives the recorded zip byte for byte.
One row per version:

    version      MAJOR.MINOR.PATCH, as in datapackage.json
    released_on  the release date (the changelog heading's)
    commit       the full git commit the release was built from
    zip_sha256   sha256 of dist/civharm-<version>.zip (blank for a version released without one)
    built_by     blank: the zip is built by `commit`'s own code (make release). For a version
                 released before make release existed, the later commit whose code packs
                 `commit`'s files as they are (python -m civharm.release archive)
    notes        blank, or one sentence
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from . import csvfile
from .package import write_atomically

LEDGER = "releases/versions.csv"
# A version's files read from git exactly as committed: no line-ending conversion from the
# user's git settings (core.autocrlf, a global attributes file); the commit's own
# .gitattributes still apply. `git *GIT_AS_COMMITTED archive …`
GIT_AS_COMMITTED = ["-c", "core.autocrlf=false", "-c", "core.eol=lf", "-c", "core.attributesFile=/dev/null"]
COLUMNS = ["version", "released_on", "commit", "zip_sha256", "built_by", "notes"]
_VERSION = re.compile(r"^v?(\d+\.\d+\.\d+)$")


class VersionLedgerError(Exception):
    """The ledger is missing a column or holds a malformed row."""


def read(root: str | Path = ".") -> dict[str, dict[str, str]]:
    """version -> its row; empty when the package has no ledger."""
    path = Path(root) / LEDGER
    if not path.is_file():
        return {}
    try:
        rows = csvfile.dict_rows(path.read_text(encoding="utf-8"))
    except csv.Error as e:
        raise VersionLedgerError(f"{LEDGER}: not a readable CSV ({e})") from e
    if rows and list(rows[0]) != COLUMNS:
        raise VersionLedgerError(f"{LEDGER}: the header must be {','.join(COLUMNS)}")
    out = {}
    for line, row in enumerate(rows, start=2):
        if not _VERSION.match(row["version"] or "") or not re.fullmatch(r"[0-9a-f]{40}", row["commit"] or ""):
            raise VersionLedgerError(f"{LEDGER} line {line}: a version (0.2.0) and a full 40-digit commit are required")
        out[row["version"]] = row
    return out


def lookup(spec: str, root: str | Path = ".") -> dict[str, str] | None:
    """The ledger row for '0.2.0' or 'v0.2.0', or None when spec is not a recorded version."""
    m = _VERSION.match(spec)
    return read(root).get(m.group(1)) if m else None


def record(root: str | Path, version: str, released_on: str, commit: str, zip_sha256: str) -> bool:
    """Add a version's row (kept in version order); False when that exact row is there already.
    A version already recorded with another commit or hash is an error: a released version
    never changes. (The one exception, a zip defined later for a version released without one,
    is an edit of its row by hand with built_by: docs/versions.md.)"""

    rows = read(root)
    new = {"version": version, "released_on": released_on, "commit": commit, "zip_sha256": zip_sha256, "built_by": "",
           "notes": ""}
    old = rows.get(version)
    if old is not None:
        if (old["commit"], old["zip_sha256"]) == (commit, zip_sha256):
            return False
        raise VersionLedgerError(
            f"{version} is already recorded in {LEDGER} with commit {old['commit'][:10]} and zip "
            f"{old['zip_sha256'][:12] or '(none)'}; a released version never changes: bump the version instead")
    rows[version] = new
    in_order = sorted(rows, key=lambda v: tuple(int(p) for p in v.split(".")))
    text = csvfile.render_dicts(COLUMNS, (rows[v] for v in in_order))
    write_atomically(Path(root) / LEDGER, text.encode("utf-8"))
    return True
