"""Generated content for the querying, contributing and citing pages: the DuckDB views with their
comments and columns, the cookbook (each sql/cookbook/*.sql shown verbatim with its result, run
at build time), a real `make validate` report on a deliberately broken copy of the package, and
the citation for the package's version.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

from civharm.cite import how_to_cite_markdown
from civharm.metadata import csvfile
from civharm.validate.engine import validate

from .build import DocsError, PageContext
from .html import anchor, block, code, table, text

COOKBOOK_ROWS = 25  # rows of a cookbook result shown on the page (the count says how many there are)


def _fence(body: str, lang: str = "") -> str:
    """A fenced code block whose fence is longer than any backtick run in the body."""
    longest = max((len(m) for m in re.findall(r"`+", body)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"\n{fence}{lang}\n{body.rstrip()}\n{fence}\n"


def _cell(value) -> str:
    return '<span class="civharm-null">NULL</span>' if value is None else text(value)


def views(ctx: PageContext) -> str:
    """Every table and view of the database with its comment and columns (from DuckDB itself)."""
    b = ctx.build
    out = []
    for kind, sql in (("table", "SELECT table_name AS name, comment FROM duckdb_tables() ORDER BY name"),
                      ("view", "SELECT view_name AS name, comment FROM duckdb_views() WHERE NOT internal ORDER BY name")):
        for r in b.rows(sql):
            cols = b.rows("SELECT column_name, data_type FROM information_schema.columns "
                          "WHERE table_name = ? ORDER BY ordinal_position", [r["name"]])
            names = ", ".join(code(c["column_name"]) for c in cols)
            out.append([f'<span id="{anchor(kind, r["name"])}">{code(r["name"])}</span>', text(kind),
                        text(r["comment"] or ""), f"<small>{names}</small>"])
    return block(table(["Name", "Kind", "What one row is", "Columns"], out, "civharm-views"))


def _title(sql: str, stem: str) -> tuple[str, str]:
    """The first comment line of a cookbook file is its question; the comment lines after it explain."""
    comments = []
    for line in sql.splitlines():
        if not line.startswith("--"):
            break
        comments.append(line[2:].strip())
    if not comments:
        return stem.replace("_", " ").replace("-", " ").capitalize(), ""
    return comments[0], " ".join(c for c in comments[1:] if c)


def cookbook(ctx: PageContext) -> str:
    """Each cookbook file, verbatim, and the result of running it on the package."""
    b = ctx.build
    files = sorted(b.cookbook.glob("*.sql")) if b.cookbook.is_dir() else []
    if not files:
        return "\n*The cookbook has no queries yet: they go in `sql/cookbook/`, one question per file.*\n"
    out = []
    for path in files:
        sql = path.read_text(encoding="utf-8")
        title, about = _title(sql, path.stem)
        try:
            cur = b.con.cursor().execute(sql)
            names = [d[0] for d in cur.description or []]
            rows = cur.fetchall()
        except Exception as e:  # a cookbook query that fails must fail the build, saying which
            raise DocsError(f"cookbook query {path.name} failed: {e}") from e
        shown = rows[:COOKBOOK_ROWS]
        more = f", the first {len(shown)} shown" if len(rows) > len(shown) else ""
        result = table(names, [[_cell(v) for v in row] for row in shown], "civharm-result")
        out.append(f"### {text(title)} {{#{anchor('cookbook', path.stem)}}}\n\n"
                   + (f"{text(about)}\n\n" if about else "")
                   + f"`sql/cookbook/{text(path.name)}`:\n" + _fence(sql, "sql")
                   + block(f'<div class="civharm-cookbook-result"><p>Result: {len(rows)} row(s){more}.</p>{result}</div>'))
    return "\n".join(out)


def validate_example(ctx: PageContext) -> str:
    """What `make validate` says about a claim with a mistake: a real run on a copy of the package
    with one bad row added (a source that does not exist, a minimum above its maximum)."""

    b = ctx.build
    claims = b.resource("claims")
    if claims is None or not (b.package / claims.path).is_file():
        return "\n*(This package has no claims file to show an example with.)*\n"
    with tempfile.TemporaryDirectory() as tmp:
        pkg = Path(tmp) / "package"
        for rel in ["datapackage.json", "CITATION.cff", "CHANGELOG.md",
                    *(p for r in b.resources for p in (r.path, r.schema_path) if p)]:
            if (b.package / rel).is_file():
                (pkg / rel).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(b.package / rel, pkg / rel)
        path = pkg / claims.path
        rows = csvfile.dict_rows(path.read_text(encoding="utf-8"))
        if not rows:
            return "\n*(This package has no claims to show an example with.)*\n"
        bad = dict(rows[0], claim_id="CL-999999", source_id="S-999999",
                   civilians_killed_min="30", civilians_killed_max="11")
        with path.open("a", encoding="utf-8", newline="") as f:
            f.write(csvfile.lines([bad.values()]))
        report = validate(pkg)
    full = report.to_text()
    errors, _, notices = full.partition("\nNotices (reports, not errors)")
    if notices:  # notices report every relay and tally by design: show the errors and the verdict
        errors = errors.rstrip() + "\n\n(notices left out here)\n\n" + "\n".join(full.rstrip().splitlines()[-3:])
    shown = errors
    shown = re.sub(r"\(/[^)]*datapackage\.json\)", "(datapackage.json)", shown)
    shown = re.sub(r"in \d+\.\d+ s", "in 0.5 s", shown)
    return (f"\nThe line added to `{claims.path}` (claim `CL-999999`, citing source `S-999999`, which does not "
            "exist, with at least 30 and at most 11 killed):\n" + _fence(shown.rstrip() + "\n", "text"))


def citation(ctx: PageContext) -> str:
    """How to cite this version: the same text `make cite` prints, from CITATION.cff and
    datapackage.json (civharm.cite); the descriptor's own fields for a package without CITATION.cff."""
    b = ctx.build
    if (b.package / "CITATION.cff").is_file():

        return "\n" + how_to_cite_markdown(b.package, heading=False) + "\n"
    m = b.meta
    authors = ", ".join(c.get("title", "") for c in m.get("contributors", [])) or m.get("name", "")
    return (f"\n> {text(authors)} ({text(str(m.get('created', ''))[:4])}). *{text(m.get('title', m.get('name', '')))}*, "
            f"version {text(b.label.text)} [data set].\n")