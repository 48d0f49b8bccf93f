"""Helpers for the versioning tests (diff, release, cite): edit copies of the minimal package.

Every package is built by conftest.build_package (the minimal fixture and the real schemas) in a
temporary folder; these helpers change rows, fields and release files in such a copy.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import REPO_ROOT, build_package

CITATION = """\
cff-version: 1.2.0
message: "If you use this dataset, please cite it using these metadata."
type: dataset
title: "civharm test: a minimal package"
abstract: A few rows per resource.
authors:
  - name: civharm contributors
version: "0.1.0"
date-released: "2026-11-24"
license: CC-BY-4.0
keywords:
  - test
preferred-citation:
  type: data
  title: "civharm test: a minimal package"
  authors:
    - name: civharm contributors
  version: "0.1.0"
  date-released: "2026-11-24"
  year: 2026
  license: CC-BY-4.0
references:
  - type: article
    title: Introducing the UCDP Georeferenced Event Dataset
    authors:
      - family-names: Sundberg
        given-names: Ralph
      - family-names: Melander
        given-names: Erik
    journal: Journal of Peace Research
    volume: 50
    issue: "4"
    start: 523
    end: 532
    year: 2013
    doi: 10.1177/0022343313484347
"""

CHANGELOG = """\
# Changelog

## 0.1.0 — 2026-11-24

First release.
"""


def run_module(module: str, *args: str, cwd: Path = REPO_ROOT) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    return subprocess.run([sys.executable, "-m", module, *args], cwd=cwd, capture_output=True, text=True,
                          encoding="utf-8", timeout=300, env=env)


def read_rows(pkg: Path, name: str) -> tuple[list[str], list[dict]]:
    with (pkg / "data" / f"{name}.csv").open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames), list(reader)


def write_rows(pkg: Path, name: str, header: list[str], rows: list[dict]) -> None:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: r.get(k, "") for k in header} for r in rows)
    (pkg / "data" / f"{name}.csv").write_text(out.getvalue(), encoding="utf-8")


def edit_rows(pkg: Path, name: str, key: str, changes: dict[str, dict | None], add: list[dict] = ()) -> None:
    """Change (changes[id] = {field: value}), delete (changes[id] = None) and append rows."""
    header, rows = read_rows(pkg, name)
    out = []
    for r in rows:
        if r[key] in changes:
            if changes[r[key]] is None:
                continue
            r.update(changes[r[key]])
        out.append(r)
    write_rows(pkg, name, header, out + list(add))


def add_field(pkg: Path, name: str, field: dict, after: str, values: dict[str, str]) -> None:
    """Add a field to a resource's schema (after the field `after`) and its column to the CSV."""
    path = pkg / "schemas" / f"{name}.schema.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    names = [f["name"] for f in schema["fields"]]
    schema["fields"].insert(names.index(after) + 1, field)
    path.write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    header, rows = read_rows(pkg, name)
    header.insert(header.index(after) + 1, field["name"])
    key = schema["primaryKey"][0]
    for r in rows:
        r[field["name"]] = values.get(r[key], "")
    write_rows(pkg, name, header, rows)


def released_package(dest: Path) -> Path:
    """The minimal package as a release would have it: CITATION.cff, CHANGELOG.md, the licence
    notices, README and an ID ledger recording every ID as released in 0.1.0."""
    from civharm.metadata import ids
    from civharm.metadata.package import load_json, load_resources

    pkg = build_package(dest)
    (pkg / "CITATION.cff").write_text(CITATION, encoding="utf-8")
    (pkg / "CHANGELOG.md").write_text(CHANGELOG, encoding="utf-8")
    for name in ("LICENSE", "LICENSE-DATA", "README.md"):
        shutil.copyfile(REPO_ROOT / name, pkg / name)
    text, _ = ids.updated(pkg, load_resources(pkg, load_json(pkg / "datapackage.json")), "0.1.0")
    (pkg / ids.LEDGER).parent.mkdir(parents=True, exist_ok=True)
    (pkg / ids.LEDGER).write_text(text, encoding="utf-8")
    return pkg


def set_ledger_row(pkg: Path, identifier: str, **values: str) -> None:
    from civharm.metadata.ids import LEDGER

    path = pkg / LEDGER
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        header, rows = reader.fieldnames, list(reader)
    for r in rows:
        if r["id"] == identifier:
            r.update(values)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def with_release_hashes(pkg: Path) -> Path:
    """The package as its release zip holds it: datapackage.json gives every resource its `bytes`
    and sha256 `hash` (civharm.release.release_descriptor), which is what makes a copy outside the
    kept records a released version (civharm.metadata.label)."""
    from civharm.metadata.package import load_json
    from civharm.release import release_descriptor

    (pkg / "datapackage.json").write_bytes(release_descriptor(pkg, load_json(pkg / "datapackage.json")))
    return pkg
