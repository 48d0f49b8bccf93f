"""Helpers shared by the docs tests: copy the package, plant a hostile value, build the site.

The site is always built the way `make docs` builds it (`python -m mkdocs build --strict`), for
a package chosen with CIVHARM_PACKAGE, so the tests exercise the real build.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
BUILD_TIMEOUT = 300  # seconds; a build takes a few

# An incident summary that would run script if any page put data into HTML unescaped.
HOSTILE = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'

PACKAGE_FILES = ("datapackage.json", "schemas", "data", "LICENSE-DATA", "CITATION.cff")


def copy_package(dest: Path) -> Path:
    """A copy of the repository's package (descriptor, schemas, data, licence) in dest."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in PACKAGE_FILES:
        src = REPO_ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name)
        elif src.is_file():
            shutil.copyfile(src, dest / name)
    return dest


def plant_hostile_summary(package: Path) -> str:
    """Set the summary of the first active incident with coordinates (so it is on the map too)
    to HOSTILE; returns that incident's id."""
    path = package / "data" / "incidents.csv"
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        fields, rows = reader.fieldnames, list(reader)
    target = next(r for r in rows if r["status"] == "active" and r["latitude"] and r["longitude"])
    target["summary"] = HOSTILE
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return target["incident_id"]


def plant_tombstone(package: Path) -> tuple[str, str]:
    """Turn the last incident into a tombstone merged into the one before it (the real data has no
    merged incident yet); returns (tombstone id, target id)."""
    path = package / "data" / "incidents.csv"
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        fields, rows = reader.fieldnames, list(reader)
    tomb, target = rows[-1], rows[-2]
    tomb.update(status="merged", merged_into=target["incident_id"],
                status_reason="A test tombstone: the same event as its target.")
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return tomb["incident_id"], target["incident_id"]


def build_site(dest: Path, package: Path | None = None, cookbook: Path | None = None) -> subprocess.CompletedProcess:
    """`mkdocs build --strict` into dest, for `package` (default: the repository's own)."""
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1", PYTHONDONTWRITEBYTECODE="1")
    env.pop("CIVHARM_PACKAGE", None)
    env.pop("CIVHARM_COOKBOOK", None)
    if package is not None:
        env["CIVHARM_PACKAGE"] = str(package)
    if cookbook is not None:
        env["CIVHARM_COOKBOOK"] = str(cookbook)
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file", str(REPO_ROOT / "mkdocs.yml"),
         "--site-dir", str(dest)],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=BUILD_TIMEOUT,
    )


def site_for(tmp: Path, plant) -> tuple[Path, object, Path]:
    """A copy of the package in tmp/package, changed by plant(package), and the site built for it
    in tmp/site: (site, what plant returned, package)."""
    package = copy_package(tmp / "package")
    planted = plant(package)
    proc = build_site(tmp / "site", package=package)
    assert proc.returncode == 0, f"mkdocs build --strict failed:\n{proc.stdout}\n{proc.stderr}"
    return tmp / "site", planted, package


def pages(site: Path) -> list[str]:
    """Every page of a built site as a URL path ('/', '/incidents/', ...), from its index.html files."""
    return sorted("/" + p.parent.relative_to(site).as_posix().removeprefix(".") + ("/" if p.parent != site else "")
                  for p in site.rglob("index.html"))


# Hostile values for every kind of place a data value reaches: HTML text, an attribute, a <script>
# or <title> element, Markdown (a link, emphasis). (A javascript: URL is not among them: the
# validator refuses any url that is not http(s), and html.link gives only http(s) URLs an href.) Each runs script if it is not escaped, and
# each one sets window.__pwned to a different number, so a failure says which value ran.
HOSTILE_TEXT = {
    "summary": '<img src=x onerror="window.__pwned=1">&amp; </script><script>window.__pwned=2</script>',
    "locality": '"><svg onload=window.__pwned=3></title><script>window.__pwned=4</script>',
    "neighbourhood": "[a link](javascript:window.__pwned=5) *not emphasis* `not code` <b>not bold</b>",
    "notes": '<a href="javascript:window.__pwned=6">notes</a>',
    "statement": "<img src=x onerror=window.__pwned=7> the claim",
    "title": '</script><svg onload="window.__pwned=8"> a source title',
    "publisher": "'><img src=x onerror=window.__pwned=9> [p](javascript:window.__pwned=10)",
    "dataset_publisher": '<img src=x onerror="window.__pwned=11"> | a dataset',
    # beyond the rows: the descriptor, a Table Schema, an actor, a relation's note
    "actor_name": '<img src=x onerror="window.__pwned=12"> an actor',
    "relation_note": '</li><script>window.__pwned=13</script> [x](javascript:window.__pwned=14)',
    "resource_description": '"><svg onload="window.__pwned=15"> the incidents table',
    "field_description": "<img src=x onerror=window.__pwned=16> *the summary* field",
}


def _edit_csv(path: Path, edit) -> None:
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        fields, rows = reader.fieldnames, list(reader)
    edit(rows)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def plant_hostile_fields(package: Path) -> dict[str, str]:
    """Put HOSTILE_TEXT into a located active incident with an official claim (summary, locality, neighbourhood, notes),
    its first claim's statement, that claim's source (title, publisher)
    and a dataset source's publisher (which the coverage text names); the incident's actor (name and short name),
    the first relation's note, the incidents resource's description in datapackage.json and its
    summary field's description in the Table Schema. Returns the ids touched: incident, claim,
    source, dataset_source, actor, relation_incident."""
    ids: dict[str, str] = {}

    with (package / "data" / "claims.csv").open(encoding="utf-8", newline="") as f:
        official = {r["incident_id"] for r in csv.DictReader(f) if r["claim_type"] in ("admission", "denial")}

    def incidents(rows):  # one on the map and in the official-against-monitors chart
        target = next(r for r in rows if r["status"] == "active" and r["latitude"] and r["longitude"]
                      and r["incident_id"] in official and r["actor_id"])
        ids["incident"] = target["incident_id"]
        for k in ("summary", "locality", "neighbourhood", "notes"):
            target[k] = HOSTILE_TEXT[k]
        if "place_id" in target:  # no gazetteer place: the pages show the incident's own locality
            target["place_id"] = ""

    def claims(rows):
        claim = next(r for r in rows if r["incident_id"] == ids["incident"])
        ids["claim"], ids["source"] = claim["claim_id"], claim["source_id"]
        claim["statement"] = HOSTILE_TEXT["statement"]

    def sources(rows):
        for r in rows:
            if r["source_id"] == ids["source"]:
                r.update(title=HOSTILE_TEXT["title"], publisher=HOSTILE_TEXT["publisher"])
        dataset = next(r for r in rows if r["category"] == "dataset" and r["source_id"] != ids["source"])
        ids["dataset_source"] = dataset["source_id"]
        dataset["publisher"] = HOSTILE_TEXT["dataset_publisher"]

    def actors(rows):
        actor = next(r for r in rows if r["actor_id"] == ids["actor"])
        actor["name"] = actor["short_name"] = HOSTILE_TEXT["actor_name"]

    def relations(rows):
        ids["relation_incident"] = rows[0]["incident_id"]
        rows[0]["note"] = HOSTILE_TEXT["relation_note"]

    _edit_csv(package / "data" / "incidents.csv", incidents)
    _edit_csv(package / "data" / "claims.csv", claims)
    _edit_csv(package / "data" / "sources.csv", sources)
    with (package / "data" / "incidents.csv").open(encoding="utf-8", newline="") as f:
        ids["actor"] = next(r["actor_id"] for r in csv.DictReader(f) if r["incident_id"] == ids["incident"])
    assert ids["actor"], f"{ids['incident']} names no actor"
    _edit_csv(package / "data" / "actors.csv", actors)
    _edit_csv(package / "data" / "incident_relations.csv", relations)
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    for res in descriptor["resources"]:
        if res["name"] == "incidents":
            res["description"] = HOSTILE_TEXT["resource_description"]
            schema_path = package / res["schema"]
    (package / "datapackage.json").write_text(json.dumps(descriptor, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    next(f for f in schema["fields"] if f["name"] == "summary")["description"] = HOSTILE_TEXT["field_description"]
    schema_path.write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return ids
