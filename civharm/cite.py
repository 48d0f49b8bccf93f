"""`make cite`: how to cite civharm, generated from CITATION.cff and datapackage.json.

CITATION.cff is the one place the citation metadata is written (authors, title, licence,
repository, the works to cite with it); the version comes from datapackage.json, which
`make validate` keeps equal to CITATION.cff's. Everything else is generated from the two:

    python -m civharm.cite                    BibTeX, APA and the form to cite one incident
    python -m civharm.cite --id CH-000002     the citation of one incident, with its summary
    python -m civharm.cite --format markdown  the docs' "How to cite" page (how_to_cite_markdown)
    python -m civharm.cite --zenodo           write .zenodo.json; --check only compares
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import yaml

from .package import descriptor_path, load_json, load_resources

CFF = "CITATION.cff"
ZENODO = ".zenodo.json"
EXAMPLE_ID = "CH-000002"
KIND = {"incidents": "incident", "sources": "source", "claims": "claim", "tallies": "tally", "actors": "actor",
        "incident_relations": "relation"}
LABEL_FIELDS = ("summary", "title", "statement", "name", "note")
LICENCE_URLS = {"CC-BY-4.0": "https://creativecommons.org/licenses/by/4.0/"}


class CitationError(Exception):
    """The citation metadata cannot be read (exit 2)."""


def _plain(value):
    """YAML values as JSON-like data: dates as ISO text."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
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
    return _plain(data)


@dataclass
class Citation:
    root: Path
    cff: dict
    version: str
    descriptor: dict

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


def bibtex_author(a: dict) -> str:
    if a.get("name"):
        return "{" + _tex(str(a["name"])) + "}"
    family = _tex(_family(a))
    given = _tex(a.get("given-names") or "")
    return f"{family}, {given}" if given else family


# --- formats --------------------------------------------------------------------------------------

def _tex(text: str) -> str:
    return re.sub(r"([&%#$_])", r"\\\1", text)


def _end(text: str) -> str:
    """Text followed by a full stop, unless it already ends with one."""
    return text if text.endswith(".") else text + "."


def apa(c: Citation, markdown: bool = False) -> str:
    """APA 7 reference for the data set, version included."""
    em = "*" if markdown else ""
    out = f"{_end(apa_authors(c.authors))} ({c.year}). {em}{c.title}{em} (Version {c.version}) [Data set]."
    return out + (f" {c.url}" if c.url else "")


def bibtex_key(c: Citation) -> str:
    return "civharm_v" + re.sub(r"[^0-9A-Za-z]+", "_", c.version)


def bibtex(c: Citation) -> str:
    fields = [("author", " and ".join(bibtex_author(a) for a in c.authors) or "{civharm contributors}"),
              ("title", "{" + _tex(c.title) + "}"),
              ("year", c.year),
              ("version", c.version),
              ("howpublished", f"Data set, version {c.version}")]
    if c.url:
        fields.append(("url", c.url))
    note = []
    if c.date:
        note.append(f"Released {c.date}")
    if c.licence:
        note.append(f"licensed under {c.licence}")
    if note:
        fields.append(("note", _tex(", ".join(note))))
    width = max(len(k) for k, _ in fields)
    body = ",\n".join(f"  {k.ljust(width)} = {{{v}}}" for k, v in fields)
    return f"@misc{{{bibtex_key(c)},\n{body}\n}}"


def incident_form(version: str, identifier: str, kind: str = "incident") -> str:
    return f"civharm v{version}, {kind} {identifier}"


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


# --- one ID ---------------------------------------------------------------------------------------

def lookup(c: Citation, identifier: str) -> tuple[str, dict] | None:
    """(resource name, row as text) of the row whose primary key is `identifier`, if any."""
    for res in load_resources(c.root, c.descriptor):
        if len(res.primary_key) != 1:
            continue
        key = res.primary_key[0]
        rows = (pl.scan_csv(c.root / res.path, infer_schema=False)
                .filter(pl.col(key) == identifier).head(1).collect())
        if rows.height:
            return res.name, {k: (v or None) for k, v in rows.row(0, named=True).items()}
    return None


def cite_id(c: Citation, identifier: str) -> tuple[str, int]:
    """The citation of one row (an incident, usually) and the exit status: 1 when it is unknown."""
    found = lookup(c, identifier)
    if found is None:
        from .ids import LEDGER, read_ledger
        ledger = c.root / LEDGER
        if ledger.is_file():
            rows = read_ledger(ledger).filter(pl.col("id") == identifier)
            if rows.height and rows["withdrawn_in"][0]:
                r = rows.row(0, named=True)
                kind = KIND.get(r["resource"], r["resource"])
                out = [f"{identifier} was a {kind} of civharm until v{r['withdrawn_in']}, which withdrew it"
                       + (f": {r['reason']}" if r["reason"] else ".")]
                if r["resolves_to"]:
                    out += [f"Its content is in {r['resolves_to']}; cite that:",
                            "", "  " + incident_form(c.version, r["resolves_to"], kind)]
                return "\n".join(out) + "\n", 0
        return (f"civharm v{c.version} has no row with the ID {identifier}. IDs look like CH-000002 "
                "(incident), S-000001 (source), CL-000001 (claim), T-000001 (tally), A-000001 (actor), R-000001 (relation).\n", 1)
    name, row = found
    kind = KIND.get(name, name)
    out = [incident_form(c.version, identifier, kind), ""]
    label = next((row[f] for f in LABEL_FIELDS if row.get(f)), None)
    status = row.get("status")
    if status == "merged":
        target = row.get("merged_into")
        out.append(f"  {identifier} is a tombstone: it was merged into {target}"
                   + (f" ({row['status_reason'].rstrip('.')})" if row.get("status_reason") else "") + ".")
        out.append(f"  Its content is in {target}: cite that, and name {identifier} too if your source used it:")
        out += ["", "  " + incident_form(c.version, target, kind)]
    elif status == "retracted":
        out.append(f"  {identifier} is a tombstone: it was retracted"
                   + (f" ({row['status_reason'].rstrip('.')})" if row.get("status_reason") else "") + ".")
        out.append("  Nothing replaces it; if you cite it, say that it is retracted in this version.")
    else:
        if name == "incidents":
            when = row.get("date_start") or ""
            if row.get("date_end") and row.get("date_end") != when:
                when += f" to {row['date_end']}"
            place = ", ".join(filter(None, [row.get("locality"), row.get("country")]))
            out.append(f"  {' · '.join(filter(None, [status, when, place]))}")
        if label:
            out.append(f"  {label}")
    return "\n".join(out).rstrip() + "\n", 0


# --- outputs --------------------------------------------------------------------------------------

def text(c: Citation) -> str:
    """What `make cite` prints."""
    out = [f"How to cite civharm v{c.version}" + (f", released {c.date}" if c.date else ""),
           f"(generated from {CFF} and datapackage.json)", "",
           "APA:", "", "  " + apa(c), "",
           "BibTeX:", "", *("  " + line for line in bibtex(c).splitlines()), "",
           "One incident (give the version and the incident's ID):", "",
           "  " + incident_form(c.version, EXAMPLE_ID), "",
           f"  make cite ID={EXAMPLE_ID} prints it with the incident's summary."]
    if c.references:
        out += ["", "Cite these too when you use the rows that come from them:", ""]
        out += ["  " + reference_apa(r) for r in c.references]
    return "\n".join(out) + "\n"


def how_to_cite_markdown(package_dir: str | Path = ".", heading: bool = True) -> str:
    """The docs' "How to cite" page, in Markdown, from the same metadata as `make cite`.

    heading=False leaves out the page title (# How to cite), for a page that has its own."""
    c = load(package_dir)
    lic = c.licence or ""
    lic_link = f"[{lic}]({LICENCE_URLS[lic]})" if lic in LICENCE_URLS else lic
    out = (["# How to cite", ""] if heading else []) + [
        f"*Generated from `{CFF}` and `datapackage.json` for civharm {c.version}"
        + (f", released {c.date}" if c.date else "") + ". `make cite` prints the same.*",
        "",
        "Always give the version you used: the data changes from one version to the next, and the "
        "changelog says what changed. Incident IDs are stable: an ID once released keeps its meaning "
        "in every later version, and merged or retracted incidents stay as tombstones that point to "
        "where their content went.",
        "",
        "## The data set",
        "",
        "APA:",
        "",
        "> " + apa(c, markdown=True),
        "",
        "BibTeX:",
        "",
        "```bibtex",
        bibtex(c),
        "```",
        "",
        "## One incident",
        "",
        "Give the version and the incident's ID:",
        "",
        "> " + incident_form(c.version, EXAMPLE_ID),
        "",
        f"`make cite ID={EXAMPLE_ID}` prints the form with the incident's summary. For a merged "
        "incident it names the incident that holds its content now; cite that one, and name the old "
        "ID too if your source used it.",
        "",
        "## Licence",
        "",
        f"The data is under {lic_link}. When you share it or anything made from it, credit "
        f"\"{apa_authors(c.authors)}\", give the version, link the licence, and say if you changed the "
        "data (for example: \"Adapted from civharm v" + c.version + "; Raqqa incidents only.\"). "
        "`LICENSE-DATA` in the package gives the full notice.",
    ]
    if c.references:
        out += ["", "## Works to cite with it", "",
                "When you use the rows that come from these works, cite them as well:", ""]
        for r in c.references:
            out.append("- " + reference_apa(r, markdown=True))
    out += ["", "## Machine-readable", "",
            f"- `{CFF}`: the citation metadata in the Citation File Format 1.2.0 "
            "(GitHub shows it as *Cite this repository*; checked by `make cff-check`).",
            f"- `{ZENODO}`: the same metadata for a Zenodo deposit, generated by `make zenodo`.", ""]
    return "\n".join(out)


def zenodo(c: Citation) -> dict:
    """Zenodo deposit metadata (.zenodo.json) from CITATION.cff and the package version."""
    creators = []
    for a in c.cff.get("authors") or []:
        if a.get("name"):
            person = {"name": str(a["name"])}
        else:
            person = {"name": ", ".join(filter(None, [_family(a), a.get("given-names")]))}
        if a.get("affiliation"):
            person["affiliation"] = a["affiliation"]
        if a.get("orcid"):
            person["orcid"] = str(a["orcid"]).rsplit("/", 1)[-1]
        creators.append(person)
    out: dict = {
        "upload_type": "dataset",
        "access_right": "open",
        "title": str(c.cff.get("title", c.title)),
        "version": c.version,
    }
    if c.cff.get("date-released"):
        out["publication_date"] = str(c.cff["date-released"])
    out["creators"] = creators
    if c.cff.get("abstract"):
        out["description"] = " ".join(str(c.cff["abstract"]).split())
    if c.cff.get("keywords"):
        out["keywords"] = [str(k) for k in c.cff["keywords"]]
    lic = c.cff.get("license")
    if isinstance(lic, str):
        out["license"] = lic.lower()  # Zenodo takes the lowercase SPDX id
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


def zenodo_text(c: Citation) -> str:
    return json.dumps(zenodo(c), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="civharm-cite", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--package", default=".", help="package folder or its datapackage.json (default: .)")
    parser.add_argument("--id", help="cite one incident (or another row) by its ID, e.g. CH-000002")
    parser.add_argument("--format", choices=("text", "bibtex", "apa", "markdown"), default="text",
                        help="text (default): everything; bibtex or apa alone; markdown: the docs page")
    parser.add_argument("--zenodo", action="store_true", help=f"write {ZENODO} from {CFF} and datapackage.json")
    parser.add_argument("--check", action="store_true", help=f"with --zenodo: write nothing, exit 1 if {ZENODO} is stale")
    args = parser.parse_args(argv)
    try:
        c = load(args.package)
        if args.zenodo:
            from .ids import write_text
            target = c.root / ZENODO
            new = zenodo_text(c)
            old = target.read_text(encoding="utf-8") if target.is_file() else None
            if old == new:
                print(f"{ZENODO} is up to date.")
                return 0
            if args.check:
                print(f"{ZENODO} differs from what {CFF} and datapackage.json give: run make zenodo.", file=sys.stderr)
                return 1
            write_text(target, new)
            print(f"wrote {ZENODO} (from {CFF} and datapackage.json; commit it).")
            return 0
        if args.id:
            out, status = cite_id(c, args.id.strip())
            (sys.stdout if status == 0 else sys.stderr).write(out)
            return status
        out = {"text": text, "bibtex": bibtex, "apa": apa,
               "markdown": lambda c: how_to_cite_markdown(c.root)}[args.format](c)
        sys.stdout.write(out if out.endswith("\n") else out + "\n")
        return 0
    except CitationError as e:
        print(f"civharm-cite: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
