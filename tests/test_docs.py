"""The documentation site: `mkdocs build --strict` passes, and the reference pages are generated
from their sources (schemas, rule registry, cookbook, data), escape data, and load nothing from
another host. The browser checks are in test_docs_browser.py.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import markdown
import pytest

from docs_site import HOSTILE, REPO_ROOT, build_site, copy_package, pages, plant_hostile_summary, plant_tombstone

from civharm.docs.build import Build, DocsError, PageContext, expand
from civharm.docs.html import json_attr, markdown_text
from civharm.metadata.label import label as version_label
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
    tombstone = plant_tombstone(package)
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
    return {"a": tmp / "a", "b": tmp / "b", "old": old, "new": field["description"], "hostile_id": hostile_id,
            "tombstone": tombstone}


# What the repository's data is: "civharm v0.2.0" only when it is that release byte for byte, else
# "civharm, unreleased changes since 0.2.0 (commit …)" (test_the_site_names_the_version_by_its_label)
NAMED = version_label(REPO_ROOT)


def page(site: Path, name: str) -> str:
    return (site / name / "index.html").read_text(encoding="utf-8")


def schemas() -> dict[str, dict]:
    return {p.name.removesuffix(".schema.json"): json.loads(p.read_text(encoding="utf-8"))
            for p in sorted((REPO_ROOT / "schemas").glob("*.schema.json"))}


def test_the_site_has_every_page(site):
    expected = {"/", "/getting-started/", "/data-dictionary/", "/incidents/", "/pictures/", "/methodology/",
                "/querying/", "/sql/", "/validation-rules/", "/contributing/", "/changelog/", "/cite/",
                "/incidents/CH-000002/"}
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
    # the SQL page carries make db's load script, whose column comments are the descriptions
    assert changed == ["data-dictionary/index.html", "sql/index.html"]


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


@pytest.mark.parametrize("value", [
    "[a link](javascript:alert(1)) *em* _em_ `code` ![img](x) <b onclick=\"alert(1)\">b</b> & | {: onclick=alert(1)}",
    "single_source __init__ a\\b # not a heading\n# nor this",
])
def test_markdown_text_stays_text_in_a_heading_and_a_table_cell(value):
    """A value in Markdown (an incident page's heading, the coverage table) renders as its own
    characters, with the site's Markdown extensions: no link, emphasis, code, tag or attribute."""
    exts = ["attr_list", "md_in_html", "tables", "toc"]
    shown = " ".join(value.splitlines())
    heading = markdown.markdown(f"# {markdown_text(value)} {{#x}}", extensions=exts)
    assert heading == f'<h1 id="x">{html.escape(shown)}</h1>'
    cell = markdown.markdown(f"| a | b |\n| --- | --- |\n| {markdown_text(value)} | z |", extensions=exts)
    assert f"<td>{html.escape(shown)}</td>\n<td>z</td>" in cell


def test_hostile_value_is_escaped_everywhere(variant):
    for p in variant["a"].rglob("*.html"):
        assert "<script>window.__pwned" not in p.read_text(encoding="utf-8"), p
    incident = page(variant["a"], f"incidents/{variant['hostile_id']}")
    assert html.escape(HOSTILE, quote=True) in incident
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


def _version_shown(site: Path) -> tuple[str, str, str]:
    """(the home page's version card, the downloads' version, the SQL page's version) of a site."""
    home, sql = page(site, ""), page(site, "sql")
    card = re.search(r'data-figure="version"><div class="civharm-figure-value">([^<]*)<', home).group(1)
    downloads = re.search(r"<p>Version <strong>([^<]*)</strong>", home).group(1)
    config = json.loads(html.unescape(re.search(r'class="civharm-sql" data-config="([^"]*)"', sql).group(1)))
    return html.unescape(card), html.unescape(downloads), config["version"]


def test_the_site_names_the_version_by_its_label(site, tmp_path):
    """The version card, downloads and SQL page: the release's version for a released package (its
    zip's hashes), "unreleased changes since …" with the commit for the repository between releases."""
    from conftest import build_package
    from package_edits import with_release_hashes

    shown = _version_shown(site)
    assert shown == (NAMED.text,) * 3
    if not NAMED.released:
        assert NAMED.text.startswith(f"unreleased changes since {NAMED.since} (commit ")
    released = with_release_hashes(build_package(tmp_path / "package"))
    built(build_site(tmp_path / "site", released))
    shown = _version_shown(tmp_path / "site")
    assert shown == ("0.1.0",) * 3


def test_an_unknown_marker_fails_the_build():
    b = Build.load(REPO_ROOT)
    with pytest.raises(DocsError, match="unknown marker"):
        expand("text\n<!-- civharm:no-such-thing -->\n", PageContext(b, ""), {})


def test_json_for_pages_cannot_close_a_tag():
    out = json_attr({"summary": '</script><b a="x">&'})
    assert "<" not in out and ">" not in out and '"' not in out
    assert html.unescape(out) == '{"summary": "<\\/script><b a=\\"x\\">&"}'


def incident_html(site: Path, incident_id: str) -> str:
    """The content of one incident's own page (incidents/CH-000002/), without the site's nav."""
    text = page(site, f"incidents/{incident_id}")
    return text[text.index('<article'):text.index('</article>')]


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
    ch54, ch6 = incident_html(site, "CH-000054"), incident_html(site, "CH-000006")
    seen54, seen6 = visible(ch54), visible(ch6)
    assert "Related incidents" in seen54 and "Related incidents" in seen6
    assert re.search(r"Contains CH-000006 \(Sina'a \(al Mukhtalata\), Raqqa, 2017-06-09, 8 killed\)\. UCDP's event 243039", seen54)
    assert "Contains CH-000007 (western neighbourhoods, Raqqa, 2017-06-09, 15–17 killed)." in seen54
    assert "Contained in CH-000054 (Raqqa, 2017-06-09 – 2017-06-10, 49 killed)." in seen6
    assert '<li data-relation="contains" data-related="CH-000006">' in ch54
    assert 'href="../CH-000006/"><code>CH-000006</code></a>' in ch54  # that incident's own page
    assert 'href="../CH-000054/"><code>CH-000054</code></a>' in ch6
    group = db_rows("SELECT group_size, group_min, group_max, group_raw_min, group_raw_max "
                    "FROM incident_contributions WHERE incident_id = 'CH-000054'")[0]
    assert group == (7, 49, 83, 93, 108)
    for seen in (seen54, seen6):
        assert ("In the deduplicated totals this incident and 6 related incidents count as 49–83 civilians "
                "killed together (raw sum 93–108).") in seen
    seen30 = visible(incident_html(site, "CH-000030"))
    assert "Companion entry of CH-000029 (al-Jadida (Mosul al-Jadida), Mosul, 2017-03-17, 50–200 killed)." in seen30
    assert "Has as companion entry CH-000030" in visible(incident_html(site, "CH-000029"))
    assert "Possible duplicate of CH-000008" in visible(incident_html(site, "CH-000065"))
    assert "Possible duplicate of CH-000065" in visible(incident_html(site, "CH-000008"))


def test_every_relation_shows_on_both_incidents_with_its_note(site):
    relations = db_rows("SELECT incident_id, related_incident_id, CAST(relation AS VARCHAR), note FROM incident_relations")
    assert len(relations) >= 20
    for a, b, relation, note in relations:
        for this, other in ((a, b), (b, a)):
            block = incident_html(site, this)
            assert f'<li data-relation="{relation}" data-related="{other}">' in block, (this, relation, other)
            assert html.escape(note, quote=True) in block, (this, other)
    unrelated = db_rows("SELECT incident_id FROM incidents WHERE incident_id NOT IN "
                        "(SELECT incident_id FROM incident_relations UNION SELECT related_incident_id FROM incident_relations) "
                        "ORDER BY incident_id LIMIT 1")[0][0]
    assert "civharm-relations" not in incident_html(site, unrelated)


def test_superseded_claim_is_marked_and_links_its_revision(site):
    """CL-000046 (the coalition's first concession of 3 in the Fayyad home strike) is revised by
    CL-000047: it stays listed, struck through, with 'superseded by CL-000047' linking to that claim."""
    assert db_rows("SELECT superseded_by FROM claims WHERE claim_id = 'CL-000046'") == [("CL-000047",)]
    block = incident_html(site, "CH-000026")
    row = next(r for r in block.split("<tr>") if 'id="CL-000046"' in r)
    assert '<span class="civharm-superseded"><span id="CL-000046"><code>CL-000046</code></span></span>' in row
    assert 'superseded by <a href="#CL-000047"><code>CL-000047</code></a>; it no longer sets the range' in row
    assert "superseded by" in visible(row) and "killed 3" in visible(row)
    revised = next(r for r in block.split("<tr>") if 'id="CL-000047"' in r)
    assert "superseded" not in revised and "killed 16" in visible(revised)
    assert sum(p.read_text(encoding="utf-8").count("civharm-superseded-by")
               for p in (site / "incidents").glob("CH-*/index.html")) == db_rows(
        "SELECT count(*) FROM claims WHERE superseded_by IS NOT NULL")[0][0]


def test_incident_index_lists_every_incident_in_id_order_with_its_page(site):
    text = page(site, "incidents")
    ids = re.findall(r'<tr data-id="([^"]+)"', text)
    assert ids == sorted(ids) and len(ids) == db_rows("SELECT count(*) FROM incidents")[0][0]
    for iid in ids:
        assert f'<a href="{iid}/"><code>{iid}</code></a>' in text, iid
        assert (site / "incidents" / iid / "index.html").is_file(), iid


def test_an_incident_page_shows_every_claim_with_its_source(site):
    """CH-000002's page: its figures and grade, each of its claims with the source's link."""
    seen = visible(incident_html(site, "CH-000002"))
    (lo, hi, grade), = db_rows("SELECT civilians_killed_min, civilians_killed_max, CAST(grade AS VARCHAR) "
                               "FROM incidents WHERE incident_id = 'CH-000002'")
    assert f"Civilians killed {lo}–{hi}" in seen and f"Grade {grade}" in seen
    claims = db_rows("SELECT c.claim_id, s.url FROM claims c JOIN sources s USING (source_id) "
                     "WHERE c.incident_id = 'CH-000002' ORDER BY c.claim_id")
    assert f"Claims ({len(claims)})" in seen
    body = incident_html(site, "CH-000002")
    for claim_id, url in claims:
        assert f'id="{claim_id}"' in body and f'href="{html.escape(url, quote=True)}"' in body, claim_id
    assert f"{NAMED.name}, incident CH-000002" in seen  # cite this incident


def test_a_tombstone_page_resolves_to_its_target(variant):
    iid, target = variant["tombstone"]
    body = incident_html(variant["a"], iid)
    assert "is a tombstone: it was merged into" in visible(body)
    assert f'href="../{target}/"' in body
    # cite the target; the copy (a tombstone planted, no git) is unreleased, with no commit to name
    assert f"civharm, unreleased changes since {NAMED.since}, incident {target}" in visible(body)
    assert f'data-status="merged"' in page(variant["a"], "incidents")


def test_incident_history_comes_from_the_recorded_versions(site):
    """Each recorded version is read from its commit with git; where the commit is missing the page says so."""
    import subprocess

    from civharm.metadata import versions

    seen = visible(incident_html(site, "CH-000002")).replace(" :", ":")
    for version, row in versions.read(REPO_ROOT).items():
        present = subprocess.run(["git", "-C", str(REPO_ROOT), "cat-file", "-e", row["commit"] + "^{commit}"],
                                 capture_output=True).returncode == 0
        if present:
            assert f"{version}:" in seen, version
        else:
            assert f"{version} (commit {row['commit'][:10]} is not in this clone)" in seen
    first = min(versions.read(REPO_ROOT), key=lambda v: tuple(map(int, v.split("."))))
    if f"{first}:" in seen:
        assert f"{first}: first released" in seen  # CH-000002 is the founding article's incident
    assert f"this build (version {NAMED.text}):" in seen


def test_official_table_names_related_incidents(site):
    """al-Jadida's monitors' figures sit in its companion entry: the table says so beside 'no figure'."""
    text = page(site, "pictures")
    row = next(r for r in text.split("<tr>") if "/CH-000029/" in r and "105–141" in r)  # the US's own count
    assert "Has as companion entry CH-000030 (61–700 killed)" in visible(row)


def test_map_data_carries_relations(site):
    text = page(site, "pictures")
    data = json.loads(html.unescape(re.search(r'data-incidents="([^"]*)"', text).group(1)))
    ch6 = next(r for r in data if r["incident_id"] == "CH-000006")
    assert ch6["relations"] == [{"phrase": "Contained in", "incident_id": "CH-000054", "href": "../incidents/CH-000054/"}]
    assert ch6["href"] == "../incidents/CH-000006/" and ch6["exact"] is (ch6["location_precision"] == "point")


def test_sql_page_offers_the_cookbook_and_ships_duckdb_wasm(site):
    text = page(site, "sql")
    config = json.loads(html.unescape(re.search(r'data-config="([^"]*)"', text).group(1)))
    examples = json.loads(html.unescape(re.search(r'data-examples="([^"]*)"', text).group(1)))
    cookbook = sorted((REPO_ROOT / "sql" / "cookbook").glob("*.sql"))
    assert [e["file"] for e in examples] == [p.name for p in cookbook]
    assert [e["sql"] for e in examples] == [p.read_text(encoding="utf-8") for p in cookbook]
    for href in [config["worker"], config["wasm"], *(f["href"] for f in config["files"])]:
        assert not re.match(r"^(https?:)?//", href), href  # this site's own files
        assert (site / "sql" / href).resolve().is_file(), href
    assert (site / "assets" / "vendor" / "duckdb-wasm" / "LICENSE-duckdb-wasm.txt").is_file()
    for name in schemas():
        assert (site / "downloads" / "parquet" / f"{name}.parquet").is_file(), name


def test_a_duckdb_wasm_tarball_with_another_hash_is_refused(tmp_path):
    """The SQL page's DuckDB-WASM is fetched by pinned version and sha512 (civharm/docs/wasm.py):
    a tarball whose hash is not the pinned one never reaches the site."""
    from civharm.docs import wasm

    name, version, _ = wasm.ARROW
    with pytest.raises(DocsError, match="refused"):
        wasm._pack(name, version, "sha512-" + "A" * 86 + "==", tmp_path)
