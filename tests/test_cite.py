"""make cite, .zenodo.json and the docs' "How to cite" page: all generated from CITATION.cff and
datapackage.json's version, never written twice."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import REPO_ROOT
from package_edits import edit_rows, released_package, run_module, with_release_hashes


def run_module_env(module: str, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", module, *args], cwd=REPO_ROOT, capture_output=True, text=True,
                          timeout=300, env={**os.environ, **env})

# cffconvert's renderings, with the release date and where the version's bytes are added.
NOTE = ("Released 2026-11-24; its commit and the sha256 of its zip are in releases/versions.csv "
        "(make release VERSION=0.1.0 rebuilds it)")
APA = f"civharm contributors (2026). civharm test: a minimal package (version 0.1.0). {NOTE}."
BIBTEX = f"""\
@misc{{civharm_v0_1_0,
author = {{civharm contributors}},
month = {{11}},
title = {{civharm test: a minimal package}},
year = {{2026}},
version = {{0.1.0}},
note = {{{NOTE}}}
}}"""
UCDP = ("Sundberg, R., & Melander, E. (2013). Introducing the UCDP Georeferenced Event Dataset. "
        "Journal of Peace Research, 50(4), 523–532. https://doi.org/10.1177/0022343313484347")


@pytest.fixture(scope="module")
def pkg(tmp_path_factory):
    """A released version: the package as its zip holds it (every resource's hash matches)."""
    return with_release_hashes(released_package(tmp_path_factory.mktemp("cite") / "pkg"))


@pytest.fixture(scope="module")
def unreleased(tmp_path_factory):
    """The same package after a change since 0.1.0, not released: no hashes, a new incident not in
    releases/ids.csv, and not a git checkout."""
    pkg = released_package(tmp_path_factory.mktemp("cite") / "unreleased")
    edit_rows(pkg, "incidents", "incident_id", {}, add=[{
        "incident_id": "CH-000009", "status": "active", "date_start": "2017-08-22", "date_end": "2017-08-22",
        "country": "SYR", "locality": "Raqqa", "summary": "A later strike on Raqqa."}])
    return pkg


def cite(pkg: Path, *args: str) -> subprocess.CompletedProcess:
    return run_module("civharm.cite", "--package", str(pkg), *args)


def test_make_cite_prints_bibtex_apa_and_the_incident_form(pkg):
    proc = cite(pkg)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "\n".join([
        "How to cite civharm v0.1.0, released 2026-11-24",
        "(generated from CITATION.cff and datapackage.json)", "",
        "APA:", "", "  " + APA, "",
        "BibTeX:", "", *("  " + line for line in BIBTEX.splitlines()), "",
        "One incident (give the version and the incident's ID):", "",
        "  civharm v0.1.0, incident CH-000002", "",
        "  make cite ID=CH-000002 prints it with the incident's summary.", "",
        "Cite these too when you use the rows that come from them:", "",
        "  " + UCDP, ""])
    assert cite(pkg, "--format", "bibtex").stdout == BIBTEX + "\n"
    assert cite(pkg, "--format", "apa").stdout == APA + "\n"


def test_cite_one_incident(pkg):
    proc = cite(pkg, "--id", "CH-000001")
    assert (proc.returncode, proc.stdout) == (0, "civharm v0.1.0, incident CH-000001\n\n  active · 2017-08-21 · Raqqa, SYR\n"
                                              "  US-led coalition airstrikes hit eastern neighbourhoods of Raqqa on 21 August "
                                              "2017, killing dozens of civilians.\n")


def test_cite_a_merged_incident_points_to_its_target(pkg):
    proc = cite(pkg, "--id", "CH-000002")
    assert proc.returncode == 0
    assert proc.stdout == (
        "civharm v0.1.0, incident CH-000002\n\n"
        "  CH-000002 is a tombstone: it was merged into CH-000001 (Same strikes as CH-000001, first entered under "
        "the date of the report).\n"
        "  Its content is in CH-000001: cite that, and name CH-000002 too if your source used it:\n\n"
        "  civharm v0.1.0, incident CH-000001\n")


def test_cite_an_unknown_id_fails(pkg):
    proc = cite(pkg, "--id", "CH-999999")
    assert proc.returncode == 1 and "has no row with the ID CH-999999" in proc.stderr


def test_how_to_cite_page_says_the_same(pkg):
    from civharm.cite import how_to_cite_markdown

    page = how_to_cite_markdown(pkg)
    assert page.startswith("# How to cite\n\n*Generated from `CITATION.cff` and `datapackage.json` for civharm 0.1.0, "
                           "released 2026-11-24. `make cite` prints the same.*\n")
    assert "> " + APA + "\n" in page
    assert "```bibtex\n" + BIBTEX + "\n```\n" in page
    assert "> civharm v0.1.0, incident CH-000002\n" in page
    assert "- Sundberg, R., & Melander, E. (2013). Introducing the UCDP Georeferenced Event Dataset. " \
           "*Journal of Peace Research*, *50*(4), 523–532. https://doi.org/10.1177/0022343313484347\n" in page
    assert not how_to_cite_markdown(pkg, heading=False).startswith("# ")
    assert cite(pkg, "--format", "markdown").stdout == page


def test_zenodo_json_is_generated(pkg, tmp_path):
    assert cite(pkg, "--zenodo").returncode == 0
    z = json.loads((pkg / ".zenodo.json").read_text())
    # cffconvert's record (its keys sorted, the licence as an object), then the keys it does not map
    assert list(z.items()) == [
        ("creators", [{"name": "civharm contributors"}]),
        ("description", "A few rows per resource."),
        ("keywords", ["test"]),
        ("license", {"id": "CC-BY-4.0"}),
        ("publication_date", "2026-11-24"),
        ("title", "civharm test: a minimal package"),
        ("version", "0.1.0"),
        ("upload_type", "dataset"),
        ("access_right", "open"),
        ("related_identifiers", [{"identifier": "https://doi.org/10.1177/0022343313484347", "relation": "references"}]),
        ("references", [UCDP]),
        ("notes", "Cite one incident with the version and its ID: civharm v0.1.0, incident CH-000002. "
                  "Incident IDs are stable across versions; merged and retracted incidents stay as tombstones."),
    ]
    assert cite(pkg, "--zenodo", "--check").returncode == 0


# --- the repository's own citation files ---------------------------------------------------------

def test_committed_zenodo_json_is_the_generators_output():
    proc = run_module("civharm.cite", "--zenodo", "--check")
    assert proc.returncode == 0, "Run make zenodo and commit .zenodo.json: " + proc.stderr


def test_citation_cff_has_what_a_dataset_citation_needs():
    cff = yaml.safe_load((REPO_ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    meta = json.loads((REPO_ROOT / "datapackage.json").read_text(encoding="utf-8"))
    assert cff["cff-version"] == "1.2.0" and cff["type"] == "dataset"
    assert cff["version"] == cff["preferred-citation"]["version"] == meta["version"]
    assert str(cff["date-released"]) == meta["created"][:10]
    assert cff["authors"] == [{"name": "civharm contributors"}]
    assert cff["license"] == "CC-BY-4.0"
    assert cff["preferred-citation"]["type"] == "data"
    assert "10.1177/0022343313484347" in {str(r.get("doi")) for r in cff["references"]}  # UCDP GED's article


def test_cffconvert_validates_citation_cff():
    cffconvert = REPO_ROOT / ".venv-cff" / "bin" / "cffconvert"
    if not cffconvert.exists():
        pytest.skip("cffconvert lives in its own environment: make cff-check sets it up and runs it (CI does)")
    proc = subprocess.run([str(cffconvert), "--validate", "--infile", str(REPO_ROOT / "CITATION.cff")],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_bibtex_and_apa_are_cffconverts(pkg):
    """make cite adds to cffconvert's output (key, version, release note); it renders nothing itself."""
    from civharm.cite import CFFCONVERT

    for fmt, ours in (("bibtex", BIBTEX), ("apalike", APA)):
        theirs = subprocess.run([str(CFFCONVERT), "--infile", str(pkg / "CITATION.cff"), "--format", fmt],
                                capture_output=True, text=True, timeout=120).stdout.strip()
        kept = theirs.replace("YourReferenceHere", "civharm_v0_1_0").rstrip("}").rstrip().rstrip(".")
        assert ours.startswith(kept), (fmt, theirs)


def test_without_cffconvert_make_cite_says_how_to_set_it_up(pkg):
    proc = run_module_env("civharm.cite", "--package", str(pkg), CIVHARM_CFFCONVERT="/nonexistent/cffconvert")
    assert proc.returncode == 2
    assert "cffconvert is not set up at /nonexistent/cffconvert: make cff-check installs it" in proc.stderr


# --- unreleased files: never a released version's name ---------------------------------------------

UNRELEASED = "unreleased changes since 0.1.0"


def test_make_cite_of_unreleased_files_names_no_released_version(unreleased):
    proc = cite(unreleased)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == f"How to cite civharm, {UNRELEASED}"
    assert f"  civharm, {UNRELEASED}, incident CH-000002" in lines
    assert "civharm v0.1.0" not in proc.stdout and "version 0.1.0" not in proc.stdout
    bib = cite(unreleased, "--format", "bibtex").stdout
    assert bib.startswith("@misc{civharm_unreleased,\n")
    assert f"version = {{{UNRELEASED}}}," in bib
    assert ("note = {Not a released version; the last release is 0.1.0 (make release VERSION=0.1.0 rebuilds it; "
            "its commit and zip sha256 are in releases/versions.csv)}") in bib
    assert cite(unreleased, "--format", "apa").stdout.startswith(
        f"civharm contributors (2026). civharm test: a minimal package (version {UNRELEASED}). Not a released version;")


def test_cite_an_id_no_release_has_says_it_is_unreleased(unreleased):
    proc = cite(unreleased, "--id", "CH-000009")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[:3] == [
        f"civharm, {UNRELEASED}, incident CH-000009", "",
        "  CH-000009 is unreleased: no released version has it yet (releases/ids.csv has no row for it), "
        "and it may change before the next release."]
    released_id = cite(unreleased, "--id", "CH-000001").stdout
    assert released_id.startswith(f"civharm, {UNRELEASED}, incident CH-000001\n\n  active") and "is unreleased" not in released_id


def test_the_repositorys_own_citation_names_its_label():
    """The checkout: released only when it is byte for byte a kept version; else the commit is named."""
    from civharm.metadata.citation import load

    c = load(REPO_ROOT)
    proc = run_module("civharm.cite")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[0] == f"How to cite {c.label.name}" + (f", released {c.date}" if c.label.released else "")
    if not c.label.released:
        assert c.label.commit and f"(commit {c.label.commit}" in proc.stdout.splitlines()[0]
