"""MkDocs hooks (mkdocs.yml `hooks:`): the reference pages are generated from the package at
every build, never committed.

- on_config: find the package ($CIVHARM_PACKAGE, else the repository) and read its descriptor;
- on_files: ship the package's files (descriptor, schemas, CSVs, licence) under downloads/, and
  add one generated page per incident (incidents/CH-000002/, civharm/docs/incidentpages.py);
- on_page_markdown: replace each `<!-- civharm:NAME -->` marker with generated content;
- on_serve: `make serve` rebuilds when the data, schemas or cookbook change.

This file is loaded by path, so it imports the generators as the installed civharm package.
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

from civharm.docs import datapages, dictionary, incidentpages, querypages, rulespage, sqlpage
from civharm.docs.build import Build, DocsError, PageContext, expand

GENERATORS = {
    "headline": datapages.headline,
    "campaigns": datapages.campaigns,
    "coverage": datapages.coverage,
    "downloads": datapages.downloads,
    "incidents": incidentpages.incident_index,
    "timeline": datapages.timeline,
    "official-vs-monitors": datapages.official_vs_monitors,
    "map": datapages.incident_map,
    "relay-case": datapages.relay_case,
    "data-dictionary": dictionary.data_dictionary,
    "grades": dictionary.enum_values("incidents", "grade"),
    "belligerent-positions": dictionary.enum_values("incidents", "belligerent_position"),
    "attribution-levels": dictionary.enum_values("incidents", "attribution"),
    "claim-types": dictionary.enum_values("claims", "claim_type"),
    "causes": dictionary.enum_values("claims", "cause"),
    "source-grades": dictionary.enum_values("claims", "source_grade"),
    "belligerent-assessments": dictionary.enum_values("claims", "belligerent_assessment"),
    "rule-index": rulespage.rule_index,
    "rules": rulespage.rules_by_layer,
    "views": querypages.views,
    "cookbook": querypages.cookbook,
    "validate-example": querypages.validate_example,
    "citation": querypages.citation,
    "sql-console": sqlpage.sql_console,
}

_build: Build | None = None


def on_config(config):
    global _build
    if _build is not None:
        _build.close()
    try:
        _build = Build.load(Path(config.config_file_path).resolve().parent)
    except (DocsError, ValueError, OSError) as e:
        raise PluginError(f"civharm docs: {e}") from e
    return config


def on_files(files, config):
    for uri, path in _build.download_files():
        files.append(File.generated(config, uri, abs_src_path=str(path)))
    # The map's country outlines as a script, which a page opened from disk can load (file://
    # forbids fetching the JSON); the same Natural Earth file, wrapped.
    world = Path(config.docs_dir) / "assets" / "vendor" / "world-atlas" / "countries-50m.json"
    files.append(File.generated(config, datapages.WORLD_SCRIPT, content="window.CIVHARM_WORLD = "
                                + world.read_text(encoding="utf-8").strip() + ";\n"))
    try:
        for uri, path in sqlpage.site_files(_build):  # the Parquet files and DuckDB-WASM for the SQL page
            files.append(File.generated(config, uri, abs_src_path=str(path)))
        for uri, markdown in incidentpages.pages(_build):  # incidents/CH-000002/: one page per incident
            files.append(File.generated(config, uri, content=markdown))
    except DocsError as e:
        raise PluginError(f"civharm docs: {e}") from e
    return files


def on_page_markdown(markdown, page, config, files):
    try:
        return expand(markdown, PageContext(_build, page.url), GENERATORS)
    except DocsError as e:
        raise PluginError(f"civharm docs, page {page.file.src_uri}: {e}") from e


def on_post_build(config):
    sqlpage.cleanup(_build)  # the Parquet files were copied into the site
    _build.close()
    offline_search_index(Path(config.site_dir))


def offline_search_index(site: Path) -> None:
    """search/search_index.js, the search index as a script: opened from disk (file://), Material
    loads it with a <script> instead of fetching search_index.json, which file:// forbids; the
    vendored iframe-worker shim (mkdocs.yml extra.polyfills) runs the search worker there. This is
    what Material's own offline plugin does, without its other changes (it turns off directory
    URLs, so every page's address would change, and loads the shim from a CDN)."""
    index = site / "search" / "search_index.json"
    if index.is_file():
        (site / "search" / "search_index.js").write_text("var __index = " + index.read_text(encoding="utf-8"),
                                                         encoding="utf-8")  # the next build (make serve) opens a fresh connection on the changed data


def on_serve(server, config, builder):
    b = _build
    for path in [b.package / "datapackage.json", b.package / "schemas", b.package / "data", b.cookbook,
                 b.repo / "sql" / "views", b.repo / "CHANGELOG.md"]:
        if path.exists():
            server.watch(str(path))
    return server
