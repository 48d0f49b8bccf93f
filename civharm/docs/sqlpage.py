"""The SQL page (docs/sql.md): DuckDB-WASM in the reader's browser over the package's data, with the
cookbook's queries as examples, results as a table and a CSV download.

The browser runs the very load script `make db` runs (civharm.metadata.ddl.load_script: the same types,
tables, comments and views), on the package's CSVs that the site ships under downloads/. Why CSV
and not the Parquet files: DuckDB-WASM 1.32.0 does not build Parquet in; it downloads the parquet
extension from DuckDB's extension server at first use, a request to another host that this site
never makes (and that the npm registry cannot stand in for). CSV reading is in DuckDB's core, and
the typed load gives the same tables as Parquet would. The Parquet files (`make parquet`'s) are
still shipped, as downloads under downloads/parquet/, for pandas, R or DuckDB users.

The browser fetches only files of this site (assets/vendor/duckdb-wasm/, downloads/); from file://
it cannot start DuckDB's worker, and the page says so and how to serve the site.
"""

from __future__ import annotations

import re

import shutil
import tempfile
from pathlib import Path

from civharm.db import build_parquet
from civharm.metadata.ddl import load_script
from civharm.metadata.package import descriptor_path

from .build import DOWNLOADS, Build, DocsError, PageContext
from .html import attr, block, json_attr
from . import wasm
from .querypages import _title

PARQUET = f"{DOWNLOADS}/parquet"  # where the Parquet files live inside the site


# DuckDB-WASM 1.32 (DuckDB 1.4), the newest duckdb-wasm release on npm, accepts only UNION between a
# USING KEY recursive CTE's anchor and step ("UNION ALL cannot be used with USING KEY"), while DuckDB
# 1.5 (the Python client and the CLI, requirements.lock) deprecates that UNION for UNION ALL. The
# browser's copy of the views takes the older form until a duckdb-wasm release runs DuckDB 1.5; the
# rows are the same (the key, not the UNION, removes repeats).
_USING_KEY_STEP = re.compile(r"(USING KEY \([^)]*\) AS \(.*?\n\s*)UNION ALL\n", re.S)


def browser_script(build: Build) -> str:
    """`make db`'s load script, with paths relative to the package (data/incidents.csv, ...): the
    page registers each CSV under that name in DuckDB-WASM's virtual file system."""

    return _USING_KEY_STEP.sub(r"\1UNION\n", load_script(build.package, build.meta, absolute=False))


def write_parquet(build: Build) -> Path:
    """The package's Parquet files, in a fresh temporary folder (one per build)."""

    old = getattr(build, "_parquet_tmp", None)
    if old is not None:
        return old
    tmp = Path(tempfile.mkdtemp(prefix="civharm-docs-parquet-"))
    try:
        build_parquet(descriptor_path(build.package), tmp / "parquet")
    except Exception as e:
        shutil.rmtree(tmp, ignore_errors=True)
        raise DocsError(f"could not write the Parquet files for the SQL page: {e}") from e
    build._parquet_tmp = tmp / "parquet"
    return build._parquet_tmp


def cleanup(build: Build) -> None:
    tmp = getattr(build, "_parquet_tmp", None)
    if tmp is not None:
        shutil.rmtree(tmp.parent, ignore_errors=True)
        build._parquet_tmp = None


def site_files(build: Build) -> list[tuple[str, Path]]:
    """(path inside the site, file): the Parquet files and the DuckDB-WASM files."""
    folder = write_parquet(build)
    return ([(f"{PARQUET}/{p.name}", p) for p in sorted(folder.glob("*.parquet"))]
            + wasm.site_files(build.repo))


def examples(build: Build) -> list[dict]:
    """The cookbook's queries: file name, question (first comment line) and the SQL verbatim."""

    files = sorted(build.cookbook.glob("*.sql")) if build.cookbook.is_dir() else []
    out = []
    for path in files:
        sql = path.read_text(encoding="utf-8")
        out.append({"file": path.name, "title": _title(sql, path.stem)[0], "sql": sql})
    return out


def sql_console(ctx: PageContext) -> str:
    b = ctx.build
    ex = examples(b)
    config = {
        "worker": ctx.href(f"{wasm.SITE_FOLDER}/duckdb-browser-eh.worker.js"),
        "wasm": ctx.href(f"{wasm.SITE_FOLDER}/duckdb-eh.wasm"),
        "files": [{"name": r.path, "href": ctx.href(f"{DOWNLOADS}/{r.path}")} for r in b.resources if r.path],
        "version": b.label.text,
        "duckdb_wasm": wasm.DUCKDB_WASM[1],
    }
    options = "".join(f'<option value="{k}">{attr(e["file"])}: {attr(e["title"])}</option>' for k, e in enumerate(ex))
    first = ex[0]["sql"] if ex else "SELECT * FROM incidents LIMIT 10;"
    return block(
        f'<div class="civharm-sql" data-config="{json_attr(config)}" data-examples="{json_attr(ex)}" '
        f'data-setup="{json_attr(browser_script(b))}">'
        '<p class="civharm-sql-status" role="status">Starting DuckDB in this page…</p>'
        f'<p><label>Example from the cookbook: <select class="civharm-sql-examples">{options}</select></label></p>'
        f'<textarea class="civharm-sql-query" rows="12" spellcheck="false" aria-label="SQL query">{attr(first)}</textarea>'
        '<p class="civharm-sql-actions"><button type="button" class="md-button md-button--primary civharm-sql-run" disabled>'
        'Run</button> <a class="md-button civharm-sql-csv" hidden download="civharm-query.csv">Download CSV</a> '
        '<small>Ctrl+Enter runs the query.</small></p>'
        '<div class="civharm-sql-result" aria-live="polite"></div></div>'
        f'<script src="{attr(ctx.href(wasm.SITE_FOLDER + "/arrow.es2015.min.js"))}"></script>'
        f'<script src="{attr(ctx.href(wasm.SITE_FOLDER + "/duckdb-browser.js"))}"></script>'
        f'<script src="{attr(ctx.href("assets/civharm/sql.js"))}"></script>')
