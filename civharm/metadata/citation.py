"""The citation metadata: CITATION.cff read once, and what is projected from it with the
package's version (the references' APA, the Zenodo deposit record; the data set's own APA and
BibTeX are cffconvert's, in civharm.cite).

CITATION.cff is the one place the citation metadata is written; the version comes from
datapackage.json, which `make validate` keeps equal to CITATION.cff's. `make cite`
(civharm.cite) prints it; the validator's release layer checks .zenodo.json against it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import yaml

from .label import Label, label as version_label
from .package import descriptor_path, load_json

CFF = "CITATION.cff"
ZENODO = ".zenodo.json"
EXAMPLE_ID = "CH-000002"
KIND = {"incidents": "incident", "sources": "source", "claims": "claim", "tallies": "tally", "actors": "actor",
        "incident_relations": "relation"}
LABEL_FIELDS = ("summary", "title", "statement", "name", "note")
LICENCE_URLS = {"CC-BY-4.0": "https://creativecommons.org/licenses/by/4.0/"}


class CitationError(Exception):
    """The citation metadata cannot be read (exit 2)."""


def yaml_plain(value):
    """YAML values as JSON-like data: dates as ISO text."""
    if isinstance(value, dict):
        return {str(k): yaml_plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [yaml_plain(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    return value


def read_cff(path: Path) -> dict:
    """CITATION.cff as a dict (dates as YYYY-MM-DD text); CitationError when it is not YAML."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
        raise CitationError(f"{path.name} cannot be read as YAML: {' '.join(str(e).split())}") from e
    if not isinstance(data, dict):
        raise CitationError(f"{path.name} is not a YAML mapping of keys to values")
    return yaml_plain(data)


@dataclass
class Citation:
    root: Path
    cff: dict
    version: str
    descriptor: dict

    @cached_property
    def label(self) -> Label:
        """Which version these files are: the released one, or unreleased changes since one."""
        return version_label(self.root, self.descriptor)

    @property
    def preferred(self) -> dict:
        p = self.cff.get("preferred-citation")
        return p if isinstance(p, dict) else self.cff

    def get(self, key: str, default=None):
        """A key of preferred-citation, falling back to the top level."""
        value = self.preferred.get(key)
        return self.cff.get(key, default) if value in (None, "", []) else value

    @property
    def title(self) -> str:
        return str(self.get("title", self.descriptor.get("title", "civharm")))

    @property
    def authors(self) -> list[dict]:
        return [a for a in self.get("authors", []) if isinstance(a, dict)]

    @property
    def date(self) -> str | None:
        d = self.get("date-released")
        return str(d) if d else None

    @property
    def year(self) -> str:
        y = self.get("year")
        return str(y) if y else (self.date or "")[:4] or "n.d."

    @property
    def url(self) -> str | None:
        for key in ("doi", "url", "repository-code", "repository", "repository-artifact"):
            value = self.get(key)
            if value:
                return f"https://doi.org/{value}" if key == "doi" else str(value)
        return None

    @property
    def licence(self) -> str | None:
        lic = self.get("license")
        return " OR ".join(lic) if isinstance(lic, list) else lic

    @property
    def references(self) -> list[dict]:
        return [r for r in self.cff.get("references") or [] if isinstance(r, dict)]


def load(package: str | Path = ".") -> Citation:
    desc = descriptor_path(package)
    root = desc.parent
    try:
        meta = load_json(desc)
    except (OSError, ValueError) as e:
        raise CitationError(f"cannot read {desc}: {e}") from e
    path = root / CFF
    if not path.is_file():
        raise CitationError(f"there is no {CFF} in {root}: the citation metadata lives there")
    cff = read_cff(path)
    version = str(meta.get("version") or cff.get("version") or "")
    return Citation(root, cff, version, meta)


# --- authors -------------------------------------------------------------------------------------

def _initials(given: str) -> str:
    parts = []
    for word in given.split():
        parts.append("-".join(p[0] + "." for p in word.split("-") if p))
    return " ".join(parts)


def _family(a: dict) -> str:
    return " ".join(filter(None, [a.get("name-particle"), a.get("family-names")]))


def apa_author(a: dict) -> str:
    if a.get("name"):
        return str(a["name"])
    family, given = _family(a), a.get("given-names") or ""
    out = f"{family}, {_initials(given)}" if given else family
    return out + (f", {a['name-suffix']}" if a.get("name-suffix") else "")


def apa_authors(authors: list[dict]) -> str:
    names = [apa_author(a) for a in authors] or ["civharm contributors"]
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + ", & " + names[-1]


# --- formats --------------------------------------------------------------------------------------

def _end(text: str) -> str:
    """Text followed by a full stop, unless it already ends with one."""
    return text if text.endswith(".") else text + "."


def bibtex_key(c: Citation) -> str:
    if not c.label.released:
        return "civharm_unreleased" + (f"_{c.label.commit}" if c.label.commit else "")
    return "civharm_v" + re.sub(r"[^0-9A-Za-z]+", "_", c.version)


def incident_form(version: str | Label, identifier: str, kind: str = "incident") -> str:
    """"civharm v0.2.0, incident CH-000002"; for unreleased files (a Label), "civharm, unreleased
    changes since 0.2.0 (commit …), incident CH-000002"."""
    return f"{version.name if isinstance(version, Label) else f'civharm v{version}'}, {kind} {identifier}"


def reference_apa(ref: dict, markdown: bool = False) -> str:
    """A CITATION.cff reference as an APA 7 reference."""
    em = "*" if markdown else ""
    authors = apa_authors([a for a in ref.get("authors") or [] if isinstance(a, dict)])
    year = ref.get("year") or str(ref.get("date-released") or "")[:4] or "n.d."
    title = str(ref.get("title", ""))
    kind = ref.get("type")
    link = f"https://doi.org/{ref['doi']}" if ref.get("doi") else ref.get("url")
    head = f"{_end(authors)} ({year})."
    if kind == "article":
        where = f"{em}{ref.get('journal', '')}{em}"
        if ref.get("volume"):
            where += f", {em}{ref['volume']}{em}" + (f"({ref['issue']})" if ref.get("issue") else "")
        if ref.get("start"):
            where += f", {ref['start']}" + (f"–{ref['end']}" if ref.get("end") else "")
        out = f"{head} {_end(title)} {where}."
    else:
        label = {"data": " [Data set]", "dataset": " [Data set]", "database": " [Database]"}.get(kind, "")
        version = f" (Version {ref['version']})" if ref.get("version") else ""
        out = f"{head} {em}{title}{em}{version}{label}."
        inst = (ref.get("institution") or {}).get("name") if isinstance(ref.get("institution"), dict) else None
        if inst:
            out += f" {_end(inst)}"
    return out + (f" {link}" if link else "")


# cffconvert renders the deposit's creators, description, keywords, license, publication_date,
# title and version from CITATION.cff (civharm.cite.zenodo_text). Its Zenodo converter maps
# nothing else, so these keys are ours: a data set, open, its references and how to cite one row.
ZENODO_OWN = ("upload_type", "access_right", "related_identifiers", "references", "notes")
# The keys a bump changes, which the validator compares without cffconvert (it is not in the
# wheel's environment): cffconvert copies them from CITATION.cff unchanged.
ZENODO_FROM_CFF = {"title": "title", "version": "version", "publication_date": "date-released"}


def zenodo_own(c: Citation) -> dict:
    """The .zenodo.json keys cffconvert does not render (ZENODO_OWN), from CITATION.cff's references."""
    out: dict = {"upload_type": "dataset", "access_right": "open"}
    related = []
    for key in ("repository-code", "repository", "url"):
        if c.cff.get(key):
            related.append({"identifier": str(c.cff[key]), "relation": "isSupplementTo"})
    for r in c.references:
        if r.get("doi"):
            related.append({"identifier": f"https://doi.org/{r['doi']}", "relation": "references"})
        elif r.get("url"):
            related.append({"identifier": str(r["url"]), "relation": "references"})
    if related:
        out["related_identifiers"] = related
    if c.references:
        out["references"] = [reference_apa(r) for r in c.references]
    out["notes"] = (f"Cite one incident with the version and its ID: {incident_form(c.version, EXAMPLE_ID)}. "
                    "Incident IDs are stable across versions; merged and retracted incidents stay as tombstones.")
    return out


def zenodo_differences(c: Citation, committed) -> list[str]:
    """The keys in which a committed .zenodo.json is stale, checked without cffconvert: our own
    keys in full, and the ones cffconvert copies from CITATION.cff (ZENODO_FROM_CFF)."""
    if not isinstance(committed, dict):
        return ["(not a JSON object)"]
    expected = {k: c.cff.get(f) for k, f in ZENODO_FROM_CFF.items() if c.cff.get(f) is not None}
    expected.update(zenodo_own(c))
    keys = set(expected) | {k for k in ZENODO_OWN if k in committed}
    return sorted(k for k in keys if committed.get(k) != expected.get(k))


def set_cff(text: str, version: str, date: str) -> str:
    """CITATION.cff with version and date-released (top level and in preferred-citation) and
    preferred-citation's year set; every other line, comments included, as it was."""
    out, section, child_indent, seen = [], None, None, set()
    for line in text.splitlines(keepends=True):
        key, nested = None, False
        top = re.match(r"^([A-Za-z][A-Za-z0-9-]*):", line)
        if top:
            section, child_indent, key = top.group(1), None, top.group(1)
        elif section == "preferred-citation":
            m = re.match(r"^( +)([A-Za-z][A-Za-z0-9-]*):", line)
            if m:
                child_indent = len(m.group(1)) if child_indent is None else child_indent
                if len(m.group(1)) == child_indent:
                    key, nested = m.group(2), True
        values = {"version": f'"{version}"', "date-released": f'"{date}"'}
        if nested:
            values["year"] = date[:4]
        if key in values:
            indent = line[: len(line) - len(line.lstrip(" "))]
            line = f"{indent}{key}: {values[key]}" + ("\n" if line.endswith("\n") else "")
            seen.add(("preferred-citation." if nested else "") + key)
        out.append(line)
    for needed in ("version", "date-released"):
        if needed not in seen:
            raise CitationError(f"{CFF} has no top-level '{needed}:' line to set")
    return "".join(out)
