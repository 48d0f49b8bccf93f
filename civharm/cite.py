"""`make cite`: how to cite civharm, generated from CITATION.cff and datapackage.json.

CITATION.cff is the one place the citation metadata is written (authors, title, licence,
repository, the works to cite with it); the version comes from datapackage.json, which
`make validate` keeps equal to CITATION.cff's. The APA and BibTeX of the data set are
cffconvert's renderings of CITATION.cff (the standard tool, run from its own environment,
.venv-cff, since it pins jsonschema<4), with the release date and where the version's files are
added. Everything else is generated from the two:

    python -m civharm.cite                    BibTeX, APA and the form to cite one incident
    python -m civharm.cite --id CH-000002     the citation of one incident, with its summary
    python -m civharm.cite --format markdown  the docs' "How to cite" page (how_to_cite_markdown)
    python -m civharm.cite --zenodo           write .zenodo.json; --check only compares
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import yaml

from .metadata.citation import (CFF, ZENODO, EXAMPLE_ID, KIND, LABEL_FIELDS, LICENCE_URLS, CitationError, Citation, load, read_cff, apa_authors, bibtex_key, incident_form, reference_apa, set_cff, zenodo_own)
from .metadata.ids import LEDGER, read_ledger, write_text
from .metadata.package import load_resources
from .metadata.paths import REPO
from .metadata.versions import LEDGER as VERSIONS

# cffconvert's own environment (make cff-check, make cite and make test set it up);
# CIVHARM_CFFCONVERT points at another cffconvert.
CFFCONVERT = REPO / ".venv-cff" / "bin" / "cffconvert"


# --- the data set, rendered by cffconvert ---------------------------------------------------------

def cffconvert(c: Citation, fmt: str, cff_text: str | None = None) -> str:
    """cffconvert's rendering of the package's CITATION.cff ("bibtex", "apalike" or "zenodo"), or
    of `cff_text`, a CITATION.cff not written yet (make bump renders the next version's)."""
    exe = Path(os.environ.get("CIVHARM_CFFCONVERT") or CFFCONVERT)
    if not exe.is_file():
        raise CitationError(f"cffconvert is not set up at {exe}: make cff-check installs it in .venv-cff "
                            "(its own environment, from requirements-cff.lock)")
    with tempfile.TemporaryDirectory(prefix="civharm-cff-") as tmp:
        infile = c.root / CFF
        if cff_text is not None:
            infile = Path(tmp) / CFF
            infile.write_text(cff_text, encoding="utf-8")
        proc = subprocess.run([str(exe), "--infile", str(infile), "--format", fmt],
                              capture_output=True, text=True, timeout=120)
    if proc.returncode != 0:
        raise CitationError(f"cffconvert could not render {CFF} as {fmt}: {(proc.stderr or proc.stdout).strip()}")
    return proc.stdout.strip()


def zenodo_text(c: Citation, cff_text: str | None = None) -> str:
    """.zenodo.json: cffconvert's Zenodo record, with the keys its converter does not map
    (civharm.metadata.citation.ZENODO_OWN) added."""
    record = json.loads(cffconvert(c, "zenodo", cff_text))
    record.update(zenodo_own(c))
    return json.dumps(record, indent=2, ensure_ascii=False) + "\n"


def release_note(c: Citation) -> str:
    """The version's date and how to get its bytes: the version ledger gives the commit and
    the sha256 of its zip, and make release VERSION=… rebuilds it. Unreleased files say so."""
    if not c.label.released:
        last = (f"the last release is {c.label.since} (make release VERSION={c.label.since} rebuilds it; "
                f"its commit and zip sha256 are in {VERSIONS})") if c.label.since else "no version is released yet"
        return "Not a released version" + (f" (commit {c.label.commit})" if c.label.commit else "") + f"; {last}"
    released = f"Released {c.date}; its" if c.date else "Its"
    return (f"{released} commit and the sha256 of its zip are in {VERSIONS} "
            f"(make release VERSION={c.version} rebuilds it)")


def labelled_cff(c: Citation) -> str | None:
    """CITATION.cff with its version set to the label of unreleased files ("unreleased changes
    since 0.2.0 (commit …)"), for cffconvert to render; None for a released version (the file as it is)."""
    if c.label.released:
        return None
    return set_cff((c.root / CFF).read_text(encoding="utf-8"), c.label.text, str(c.date or ""))


def apa(c: Citation, markdown: bool = False) -> str:
    """cffconvert's APA-like reference (it names the version), then the release note."""
    return f"{cffconvert(c, 'apalike', labelled_cff(c)).rstrip('.')}. {release_note(c)}."


def bibtex(c: Citation) -> str:
    """cffconvert's BibTeX entry, keyed by version (civharm_v0_2_0, not cffconvert's
    YourReferenceHere), with the fields cffconvert 2.0 leaves out: version and the release note."""
    entry = cffconvert(c, "bibtex", labelled_cff(c)).replace("{YourReferenceHere,", "{" + bibtex_key(c) + ",", 1)
    body = entry[:entry.rindex("}")].rstrip()
    return f"{body},\nversion = {{{c.label.text}}},\nnote = {{{release_note(c)}}}\n}}"

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
                            "", "  " + incident_form(c.label, r["resolves_to"], kind)]
                return "\n".join(out) + "\n", 0
        return (f"{c.label.name} has no row with the ID {identifier}. IDs look like CH-000002 "
                "(incident), S-000001 (source), CL-000001 (claim), T-000001 (tally), A-000001 (actor), R-000001 (relation).\n", 1)
    name, row = found
    kind = KIND.get(name, name)
    out = [incident_form(c.label, identifier, kind), ""]
    if not released_id(c, identifier):
        out.append(f"  {identifier} is unreleased: no released version has it yet ({LEDGER} has no row for it), "
                   "and it may change before the next release.")
    label = next((row[f] for f in LABEL_FIELDS if row.get(f)), None)
    status = row.get("status")
    if status == "merged":
        target = row.get("merged_into")
        out.append(f"  {identifier} is a tombstone: it was merged into {target}"
                   + (f" ({row['status_reason'].rstrip('.')})" if row.get("status_reason") else "") + ".")
        out.append(f"  Its content is in {target}: cite that, and name {identifier} too if your source used it:")
        out += ["", "  " + incident_form(c.label, target, kind)]
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

def released_id(c: Citation, identifier: str) -> bool:
    """Whether the ID ledger records the ID as released (a package without the ledger: none is)."""
    ledger = c.root / LEDGER
    return ledger.is_file() and read_ledger(ledger).filter(pl.col("id") == identifier).height > 0


def text(c: Citation) -> str:
    """What `make cite` prints."""
    out = [f"How to cite {c.label.name}" + (f", released {c.date}" if c.date and c.label.released else ""),
           f"(generated from {CFF} and datapackage.json)", "",
           "APA:", "", "  " + apa(c), "",
           "BibTeX:", "", *("  " + line for line in bibtex(c).splitlines()), "",
           "One incident (give the version and the incident's ID):", "",
           "  " + incident_form(c.label, EXAMPLE_ID), "",
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
        f"*Generated from `{CFF}` and `datapackage.json` for civharm {c.label.text}"
        + (f", released {c.date}" if c.date and c.label.released else "") + ". `make cite` prints the same.*",
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
        "> " + incident_form(c.label, EXAMPLE_ID),
        "",
        f"`make cite ID={EXAMPLE_ID}` prints the form with the incident's summary. For a merged "
        "incident it names the incident that holds its content now; cite that one, and name the old "
        "ID too if your source used it.",
        "",
        "## Licence",
        "",
        f"The data is under {lic_link}. When you share it or anything made from it, credit "
        f"\"{apa_authors(c.authors)}\", give the version, link the licence, and say if you changed the "
        "data (for example: \"Adapted from " + c.label.name + "; Raqqa incidents only.\"). "
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
