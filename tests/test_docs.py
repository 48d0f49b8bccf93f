"""The documentation site: `mkdocs build --strict` passes, and the reference pages are generated
from their sources (schemas, rule registry, cookbook, data), escape data, and load nothing from
another host. The browser checks are in test_docs_browser.py.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from docs_site import HOSTILE, REPO_ROOT, build_site, copy_package, pages, plant_hostile_summary

from civharm.docs.build import Build, DocsError, PageContext, expand
from civharm.docs.html import json_attr
from civharm.validate.rules import RULES

COOKBOOK_SQL = """-- How many active incidents does each campaign have?
-- A test recipe: the docs show this file verbatim, then its result.
SELECT CAST(campaign AS VARCHAR) AS campaign, count(*) AS incidents
FROM incidents WHERE status = 'active' GROUP BY ALL ORDER BY campaign;
"""


def built(proc) -> None:
    assert proc.returncode == 0, f"mkdocs build --strict failed:\n{proc.stdout}\n{proc.stderr}"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The site for the repository's own package, built as `make docs` builds it."""
    dest = tmp_path_factory.mktemp("docs") / "site"
    built(build_site(dest))
    return dest


@pytest.fixture(scope="module")
def variant(tmp_path_factory):
    """A package copy with a hostile summary and a cookbook of one query, built twice: as it is
    (a) and after one field description changed in one schema file (b)."""
    tmp = tmp_path_factory.mktemp("docs-variant")
    package = copy_package(tmp / "package")
    hostile_id = plant_hostile_summary(package)
    cookbook = tmp / "cookbook"
    cookbook.mkdir()
    (cookbook / "incidents_per_campaign.sql").write_text(COOKBOOK_SQL, encoding="utf-8")
    built(build_site(tmp / "a", package, cookbook))

    schema_path = package / "schemas" / "incidents.schema.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    field = next(f for f in schema["fields"] if f["name"] == "neighbourhood")
    old = field["description"]
    field["description"] = "A changed description, to see it on the data dictionary page."
    schema_path.write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    built(build_site(tmp / "b", package, cookbook))
    return {"a": tmp / "a", "b": tmp / "b", "old": old, "new": field["description"], "hostile_id": hostile_id}


def page(site: Path, name: str) -> str:
    return (site / name / "index.html").read_text(encoding="utf-8")


def schemas() -> dict[str, dict]:
    return {p.name.removesuffix(".schema.json"): json.loads(p.read_text(encoding="utf-8"))
            for p in sorted((REPO_ROOT / "schemas").glob("*.schema.json"))}


def test_the_site_has_every_page(site):
    expected = {"/", "/getting-started/", "/data-dictionary/", "/incidents/", "/pictures/", "/methodology/",
                "/querying/", "/validation-rules/", "/contributing/", "/changelog/", "/cite/"}
    assert expected <= set(pages(site))


def test_data_dictionary_has_every_field_of_every_schema(site):
    text = page(site, "data-dictionary")
    for resource, schema in schemas().items():
        assert f'id="{resource}"' in text, resource
        for f in schema["fields"]:
            assert f'id="{resource}-{f["name"]}"' in text, f"{resource}.{f['name']} is missing"
            assert html.escape(f["description"], quote=True) in text, f"{resource}.{f['name']}: description"
            for cat in f.get("categories", []):
                assert html.escape(cat["label"], quote=True) in text, f"{resource}.{f['name']}={cat['value']}"


def test_dictionary_fields_link_the_methodology_terms_they_use(site):
    """Each term (civilian, child, women, killed versus missing, independent sources, ...) is
    defined once, on the methodology page; a field names the terms it uses in its schema
    ("methodology") and the dictionary links them."""
    dictionary, methodology = page(site, "data-dictionary"), page(site, "methodology")
    linked = set()
    for resource, schema in schemas().items():
        for f in schema["fields"]:
            for term in f.get("methodology", []):
                assert f'id="{term}"' in methodology, f"{resource}.{f['name']}: no #{term} on the methodology page"
                linked.add(term)
            row = dictionary[dictionary.index(f'id="{resource}-{f["name"]}"'):]
            row = row[:row.index("</tr>")]
            links = re.findall(r'href="\.\./methodology/#([a-z-]+)"', row)
            assert links == f.get("methodology", []), f"{resource}.{f['name']}"
    assert {"civilian", "child", "women", "killed-versus-missing", "independent-sources"} <= linked
    for section in ("Civilian", "Child", "Women", "Killed versus missing", "Independent sources"):
        assert f">{section}<" in methodology, section


def test_methodology_shows_the_grades_and_positions_from_the_schema(site):
    text = page(site, "methodology")
    fields = {f["name"]: f for f in schemas()["incidents"]["fields"]}
    for name in ("grade", "belligerent_position"):
        for cat in fields[name]["categories"]:
            assert f"<code>{cat['value']}</code>" in text and html.escape(cat["label"], quote=True) in text


def test_a_changed_schema_description_changes_the_dictionary_and_nothing_else(variant):
    a, b = variant["a"], variant["b"]
    old, new = html.escape(variant["old"], quote=True), html.escape(variant["new"], quote=True)
    assert old in page(a, "data-dictionary") and new not in page(a, "data-dictionary")
    assert new in page(b, "data-dictionary") and old not in page(b, "data-dictionary")
    changed = sorted(p.relative_to(a).as_posix() for p in a.rglob("*.html")
                     if p.read_bytes() != (b / p.relative_to(a)).read_bytes())
    assert changed == ["data-dictionary/index.html"]


def test_validation_rules_page_lists_every_rule(site):
    text = page(site, "validation-rules")
    for rule in RULES.values():
        assert f'id="{rule.id}"' in text, rule.id
        assert html.escape(rule.meaning, quote=True) in text, rule.id
        assert html.escape(rule.example, quote=True) in text, rule.id


def test_cookbook_shows_the_file_verbatim_with_its_result(variant):
    text = page(variant["a"], "querying")
    assert "How many active incidents does each campaign have?" in text
    assert "incidents_per_campaign.sql" in text
    # the SQL as highlighted code: its words are all there, in order
    words = re.sub(r"<[^>]+>", "", text)
    assert "GROUP BY ALL ORDER BY campaign;" in html.unescape(words)
    assert re.search(r"Result: \d+ row\(s\)", text)


def test_hostile_value_is_escaped_everywhere(variant):
    for p in variant["a"].rglob("*.html"):
        assert "<script>window.__pwned" not in p.read_text(encoding="utf-8"), p
    incidents = page(variant["a"], "incidents")
    assert html.escape(HOSTILE, quote=True) in incidents
    pictures = page(variant["a"], "pictures")
    assert "&lt;\\/script&gt;" in pictures  # inside the map's JSON: </ escaped, then HTML-escaped


def test_no_asset_is_loaded_from_another_host(site):
    external = re.compile(r"^(https?:)?//", re.IGNORECASE)
    tag = re.compile(r"<(script|link|img|iframe|source|video|audio)\b[^>]*>", re.IGNORECASE)
    src = re.compile(r"\b(src|href)\s*=\s*[\"']?([^\"'\s>]+)", re.IGNORECASE)
    found = []
    for p in site.rglob("*.html"):
        for t in tag.finditer(p.read_text(encoding="utf-8")):
            if t.group(1).lower() == "link" and re.search(r"rel=[\"']?(canonical|alternate)", t.group(0)):
                continue
            for m in src.finditer(t.group(0)):
                if external.match(m.group(2)):
                    found.append(f"{p.relative_to(site)}: {t.group(0)[:120]}")
    css_url = re.compile(r"(url\(\s*[\"']?|@import\s+[\"']?)(https?:)?//", re.IGNORECASE)
    for p in site.rglob("*.css"):
        for m in css_url.finditer(p.read_text(encoding="utf-8")):
            found.append(f"{p.relative_to(site)}: {m.group(0)}")
    assert not found, "\n".join(found)


def test_downloads_are_the_package_files(site):
    for rel in ["datapackage.json", *(f"data/{n}.csv" for n in schemas()), *(f"schemas/{n}.schema.json" for n in schemas())]:
        assert (site / "downloads" / rel).read_bytes() == (REPO_ROOT / rel).read_bytes(), rel


def test_any_valid_package_builds(tmp_path):
    """The minimal test fixture (with the real schemas) documents as well as the full package."""
    from conftest import build_package

    package = build_package(tmp_path / "package")
    built(build_site(tmp_path / "site", package))
    assert "CH-000001" in page(tmp_path / "site", "incidents")


def test_an_unknown_marker_fails_the_build():
    b = Build.load(REPO_ROOT)
    with pytest.raises(DocsError, match="unknown marker"):
        expand("text\n<!-- civharm:no-such-thing -->\n", PageContext(b, ""), {})


def test_json_for_pages_cannot_close_a_tag():
    out = json_attr({"summary": '</script><b a="x">&'})
    assert "<" not in out and ">" not in out and '"' not in out
    assert html.unescape(out) == '{"summary": "<\\/script><b a=\\"x\\">&"}'


def incident_html(text: str, incident_id: str) -> str:
    """One incident's block on the incident list page."""
    start = text.index(f'<div class="civharm-incident" data-incident="{incident_id}">')
    end = text.find('<div class="civharm-incident" ', start + 1)
    return text[start:end if end > 0 else None]


def visible(fragment: str) -> str:
    """What a reader sees of an HTML fragment: tags dropped, entities decoded, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split()).replace(" .", ".").replace("( ", "(")


def db_rows(sql: str) -> list[tuple]:
    import civharm

    con = civharm.connect(REPO_ROOT)
    try:
        return con.sql(sql).fetchall()
    finally:
        con.close()


def test_incident_list_shows_relations_both_ways(site):
    """CH-000054 (UCDP's 9-10 June day total) says it contains CH-000006 and CH-000007, CH-000006
    says it is contained in CH-000054, each linking to the other incident, with the relation's note."""
    text = page(site, "incidents")
    ch54, ch6 = incident_html(text, "CH-000054"), incident_html(text, "CH-000006")
    seen54, seen6 = visible(ch54), visible(ch6)
    assert "Related incidents." in seen54 and "Related incidents." in seen6
    assert re.search(r"Contains CH-000006 \(Sina'a \(al Mukhtalata\), Raqqa, 2017-06-09, 8 killed\)\. UCDP's event 243039", seen54)
    assert "Contains CH-000007 (western neighbourhoods, Raqqa, 2017-06-09, 15–17 killed)." in seen54
    assert "Contained in CH-000054 (Raqqa, 2017-06-09 – 2017-06-10, 49 killed)." in seen6
    assert '<li data-relation="contains" data-related="CH-000006">' in ch54
    assert 'href="./#CH-000006"><code>CH-000006</code></a>' in ch54  # the same page, that incident
    assert 'href="./#CH-000054"><code>CH-000054</code></a>' in ch6
    assert 'id="CH-000006"' in text and 'id="CH-000054"' in text  # the links land on a heading
    group = db_rows("SELECT group_size, group_min, group_max, group_raw_min, group_raw_max "
                    "FROM incident_contributions WHERE incident_id = 'CH-000054'")[0]
    assert group == (3, 49, 49, 72, 74)
    for seen in (seen54, seen6):
        assert ("In the deduplicated totals this incident and 2 related incidents count as 49 civilians killed "
                "together (raw sum 72–74).") in seen
    seen30 = visible(incident_html(text, "CH-000030"))
    assert "Companion entry of CH-000029 (al-Jadida (Mosul al-Jadida), Mosul, 2017-03-17, 105–141 killed)." in seen30
    assert "Has as companion entry CH-000030" in visible(incident_html(text, "CH-000029"))
    assert "Possible duplicate of CH-000008" in visible(incident_html(text, "CH-000065"))
    assert "Possible duplicate of CH-000065" in visible(incident_html(text, "CH-000008"))


def test_every_relation_shows_on_both_incidents_with_its_note(site):
    text = page(site, "incidents")
    relations = db_rows("SELECT incident_id, related_incident_id, CAST(relation AS VARCHAR), note FROM incident_relations")
    assert len(relations) >= 20
    for a, b, relation, note in relations:
        for this, other in ((a, b), (b, a)):
            block = incident_html(text, this)
            assert f'<li data-relation="{relation}" data-related="{other}">' in block, (this, relation, other)
            assert html.escape(note, quote=True) in block, (this, other)
    unrelated = db_rows("SELECT incident_id FROM incidents WHERE incident_id NOT IN "
                        "(SELECT incident_id FROM incident_relations UNION SELECT related_incident_id FROM incident_relations) "
                        "ORDER BY incident_id LIMIT 1")[0][0]
    assert "civharm-relations" not in incident_html(text, unrelated)


def test_superseded_claim_is_marked_and_links_its_revision(site):
    """CL-000046 (the coalition's first concession of 3 in the Fayyad home strike) is revised by
    CL-000047: it stays listed, struck through, with 'superseded by CL-000047' linking to that claim."""
    assert db_rows("SELECT superseded_by FROM claims WHERE claim_id = 'CL-000046'") == [("CL-000047",)]
    block = incident_html(page(site, "incidents"), "CH-000026")
    row = next(r for r in block.split("<tr>") if 'id="CL-000046"' in r)
    assert '<span class="civharm-superseded"><span id="CL-000046"><code>CL-000046</code></span></span>' in row
    assert 'superseded by <a href="#CL-000047"><code>CL-000047</code></a>; it no longer sets the range' in row
    assert "superseded by" in visible(row) and "killed 3" in visible(row)
    revised = next(r for r in block.split("<tr>") if 'id="CL-000047"' in r)
    assert "superseded" not in revised and "killed 16" in visible(revised)
    assert page(site, "incidents").count("civharm-superseded-by") == db_rows(
        "SELECT count(*) FROM claims WHERE superseded_by IS NOT NULL")[0][0]


def test_incident_list_is_in_id_order(site):
    ids = re.findall(r'<div class="civharm-incident" data-incident="([^"]+)">', page(site, "incidents"))
    assert ids == sorted(ids) and len(ids) == db_rows("SELECT count(*) FROM incidents")[0][0]


def test_official_table_names_related_incidents(site):
    """al-Jadida's monitors' figures sit in its companion entry: the table says so beside 'no figure'."""
    text = page(site, "pictures")
    row = next(r for r in text.split("<tr>") if "#CH-000029" in r and "105–141" in r)
    assert "Has as companion entry CH-000030 (125–370 killed)" in visible(row)


def test_map_data_carries_relations(site):
    text = page(site, "pictures")
    data = json.loads(html.unescape(re.search(r'data-incidents="([^"]*)"', text).group(1)))
    ch6 = next(r for r in data if r["incident_id"] == "CH-000006")
    assert ch6["relations"] == [{"phrase": "Contained in", "incident_id": "CH-000054", "href": "../incidents/#CH-000054"}]
