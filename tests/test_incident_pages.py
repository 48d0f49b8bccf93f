"""Incident pages name places by the gazetteer and list the victims a claim's source published,
escaped, with that source."""

from __future__ import annotations

from pathlib import Path

from civharm.docs.build import Build
from civharm.docs.incidentpages import data_for, incident_page
from conftest import REPO_ROOT, build_package
from package_edits import edit_rows


def test_a_page_lists_the_victims_with_their_source_and_names_the_place_by_the_gazetteer(tmp_path: Path):
    pkg = build_package(tmp_path / "pkg")
    edit_rows(pkg, "victims", "victim_id", {"V-000002": {"name": "<b>Umm Ahmad</b>"}})
    build = Build.load(REPO_ROOT, pkg)
    try:
        incidents = {i["incident_id"]: i for i in data_for(build).incidents}
        page = incident_page(build, incidents["CH-000001"])
        assert "## Victims named or described by sources (2)" in page
        assert "&lt;b&gt;Umm Ahmad&lt;/b&gt;" in page and "<b>Umm Ahmad" not in page
        assert "daughter of V-000002" in page and "9 child" in page and "unnamed" in page
        assert "Syrian Observatory for Human Rights</a> (<code>CL-000001</code>)" in page
        mosul = incident_page(build, incidents["CH-000003"])
        assert "CH-000003 · al-Jadida, Mosul · 2017-03-17" in mosul  # the gazetteer's name and its parent's
        assert "Victims named" not in mosul
    finally:
        build.close()
