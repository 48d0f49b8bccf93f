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
from validate.rules import RULES

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
