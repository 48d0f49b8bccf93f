"""Table Schemas -> DuckDB: enum types, typed tables with keys, column comments, and the typed
CSV load, as one SQL script (`sql/load.sql`) that both `make db` and the plain DuckDB CLI run.

Nothing here names a field: every type, key, enum and comment comes from `schemas/` and the
resource descriptions in `datapackage.json`.
"""

from __future__ import annotations

import re
from pathlib import Path

from . import types
from .csvfile import READ_CSV_LOAD
from .package import Resource, descriptor_path, load_json, load_resources
from .grades import grade_views_sql
from .paths import REPO, VIEWS
from .ranges import expected_ranges_sql, figure_stems

SELF_REFERENCE_LEVELS = 8  # longest chain of merged_into / republished_from / parent_id loaded


def q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def enum_types(resources: list[Resource]) -> dict[tuple[str, str], tuple[str, list]]:
    """(resource, field) -> (type name, values). A field name whose values are the same in every
    table gets one type named after it (campaign, means); otherwise the name is table_field."""
    by_field: dict[str, list[tuple[str, list]]] = {}
    for r in resources:
        for f in r.fields:
            enum = (f.get("constraints") or {}).get("enum")
            if enum and f.get("type", "string") == "string":
                by_field.setdefault(f["name"], []).append((r.name, enum))
    out = {}
    for field, uses in by_field.items():
        shared = all(values == uses[0][1] for _, values in uses)
        for resource, values in uses:
            out[(resource, field)] = (field if shared else f"{resource}_{field}", values)
    return out


def creation_order(resources: list[Resource]) -> list[Resource]:
    """Referenced tables before the tables that reference them (self references aside)."""
    done, out = set(), []
    pending = list(resources)
    while pending:
        for r in pending:
            refs = {ref for _, ref, _ in r.foreign_keys() if ref != r.name}
            if refs <= done:
                out.append(r)
                done.add(r.name)
                pending.remove(r)
                break
        else:
            raise ValueError(f"foreign keys form a cycle among {[r.name for r in pending]}")
    return out


def column_comment(f: dict) -> str:
    text = f.get("description", "")
    cats = f.get("categories")
    if cats:
        text += " Values: " + "; ".join(f"{c['value']} = {c.get('label', '')}" for c in cats) + "."
    return text


def load_script(root: Path, descriptor: dict, absolute: bool = False) -> str:
    """The whole script: types, tables, comments, typed loads from the CSVs, views.

    Paths are relative to the package folder (for `duckdb -init sql/load.sql` run there), or
    absolute, so that a Python build reads this package whatever the working folder holds."""
    resources = creation_order(load_resources(root, descriptor))
    enums = enum_types(resources)
    out = [
        f"-- civharm {descriptor.get('version', '')}: typed tables and views from the CSVs.",
        "-- Generated from schemas/ by `make sql-script` (civharm/ddl.py); do not edit by hand.",
        "-- Run it from the package folder, in memory or on a database file, new or built before:",
        "--   duckdb civharm.duckdb -init sql/load.sql      (or, in memory: duckdb -init sql/load.sql)",
        "-- It replaces what an earlier run made, in one transaction: a failed run leaves it as it was.",
        "",
        "BEGIN TRANSACTION;",
    ]
    stems = figure_stems(next(r for r in resources if r.name == "claims").field_names)
    view_sql = views(stems, resources)
    out.extend(drop_statements(resources, enums, view_sql))
    out.append("")
    for name, values in sorted({n: v for n, v in enums.values()}.items()):
        out.append(f"CREATE TYPE {q(name)} AS ENUM ({', '.join(lit(v) for v in values)});")
    out.append("")
    for r in resources:
        cols = []
        for f in r.fields:
            kind = enums.get((r.name, f["name"]), (types.of(f).duckdb,))[0]
            kind = q(kind) if (r.name, f["name"]) in enums else kind
            c = f.get("constraints") or {}
            extra = " NOT NULL" if c.get("required") else ""
            extra += " UNIQUE" if c.get("unique") and r.primary_key != [f["name"]] else ""
            cols.append(f"    {q(f['name'])} {kind}{extra}")
        if r.primary_key:
            cols.append(f"    PRIMARY KEY ({', '.join(map(q, r.primary_key))})")
        for fields, ref, rfields in r.foreign_keys():
            cols.append(f"    FOREIGN KEY ({', '.join(map(q, fields))}) REFERENCES {q(ref)} ({', '.join(map(q, rfields))})")
        out.append(f"CREATE TABLE {q(r.name)} (\n" + ",\n".join(cols) + "\n);")
        desc = r.descriptor.get("description") or r.descriptor.get("title") or ""
        out.append(f"COMMENT ON TABLE {q(r.name)} IS {lit(desc)};")
        for f in r.fields:
            out.append(f"COMMENT ON COLUMN {q(r.name)}.{q(f['name'])} IS {lit(column_comment(f))};")
        out.append("")
    for r in resources:
        out.extend(_load(r, root if absolute else None))
        out.append("")
    out.extend(view_sql)
    out.append("COMMIT;")
    return "\n".join(out) + "\n"


def drop_statements(resources: list[Resource], enums: dict, view_sql: list[str]) -> list[str]:
    """DROP … IF EXISTS for everything the script creates, so that it can run again on a
    database it built before: views, then tables (referencing before referenced), then types."""
    names = [n for text in view_sql for n in re.findall(r"CREATE\s+VIEW\s+(\w+)", text, re.I)]
    out = [f"DROP VIEW IF EXISTS {q(n)};" for n in reversed(names)]
    out += [f"DROP TABLE IF EXISTS {q(r.name)};" for r in reversed(resources)]
    out += [f"DROP TYPE IF EXISTS {q(n)};" for n in sorted({n for n, _ in enums.values()})]
    return out


def views(stems: list[str], resources: list[Resource] = ()) -> list[str]:
    """The views, in creation order: the range rule's view and the campaigns (from the schema),
    then `sql/views/*.sql`, then the grade and position rules' views (civharm/grades.py), which
    read source_chains."""
    out = ["-- incident_claim_ranges: the methodology's range rule (civharm/ranges.py), per incident.\n"
           f"CREATE VIEW incident_claim_ranges AS\n{expected_ranges_sql(stems)};\n"
           "COMMENT ON VIEW incident_claim_ranges IS 'Per incident, the smallest and largest figure its claims "
           "state (the range rule of the methodology).';\n",
           campaigns_view(resources)]
    for text in view_texts():
        out.append(text.strip() + "\n")
    out.extend(grade_views_sql(stems))
    return out


def campaigns_view(resources: list[Resource]) -> str:
    """The `campaigns` view: each value of incidents.campaign with its meaning and the dates its
    category in the schema gives (`start`, `end`), so that views can set coverage against them."""
    field = next((f for r in resources if r.name == "incidents" for f in r.fields if f["name"] == "campaign"), {})
    rows = [f"({lit(c['value'])}, {lit(c.get('label', ''))}, "
            + ", ".join(f"CAST({lit(c[k]) if c.get(k) else 'NULL'} AS DATE)" for k in ("start", "end")) + ")"
            for c in field.get("categories", [])]
    body = (f"SELECT * FROM (VALUES {', '.join(rows)}) AS c(campaign, label, date_start, date_end)" if rows else
            "SELECT CAST(NULL AS VARCHAR) AS campaign, CAST(NULL AS VARCHAR) AS label, "
            "CAST(NULL AS DATE) AS date_start, CAST(NULL AS DATE) AS date_end WHERE false")
    return ("-- campaigns: generated from the categories of incidents.campaign in schemas/.\n"
            f"CREATE VIEW campaigns AS\n{body};\n"
            "COMMENT ON VIEW campaigns IS 'Each campaign with its meaning and its first and last day, as "
            "schemas/incidents.schema.json states them (the categories of campaign).';\n")


def view_texts() -> list[str]:
    """The text of `sql/views/*.sql` in creation order: a file after the files whose views it
    reads (DuckDB binds a view when it is created), otherwise by name. Each file is read once."""
    files = sorted(VIEWS.glob("*.sql"))
    texts = {f: f.read_text() for f in files}
    creates = {f: set(re.findall(r"CREATE\s+VIEW\s+(\w+)", t, re.I)) for f, t in texts.items()}
    words = {f: set(re.findall(r"\w+", re.sub(r"--[^\n]*", "", t))) for f, t in texts.items()}
    needs = {f: {g for g in files if g != f and creates[g] & words[f]} for f in files}
    out: list[Path] = []
    while len(out) < len(files):
        ready = [f for f in files if f not in out and needs[f] <= set(out)]
        if not ready:
            raise ValueError(f"the views in {sorted(f.name for f in files if f not in out)} read each other in a cycle")
        out.append(ready[0])
    return [texts[f] for f in out]


def _read_csv(r: Resource, root: Path | None) -> str:
    columns = ", ".join(f"{lit(f['name'])}: {lit(types.of(f).duckdb)}" for f in r.fields)
    path = str(root.resolve() / r.path) if root is not None else r.path
    return f"read_csv({lit(path)}, {READ_CSV_LOAD}, columns = {{{columns}}})"


def _load(r: Resource, root: Path | None) -> list[str]:
    self_refs = [(fields[0], rfields[0]) for fields, ref, rfields in r.foreign_keys()
                 if ref == r.name and len(fields) == 1]
    if not self_refs:
        return [f"INSERT INTO {q(r.name)} SELECT * FROM {_read_csv(r, root)};"]
    # DuckDB checks a foreign key per statement, so a row that points at another row of the
    # same table is inserted in a later statement than its target: by depth in the chain.
    (ref, key), stage = self_refs[0], q(f"_stage_{r.name}")
    depth = q(f"_depth_{r.name}")
    out = [f"CREATE TEMP TABLE {stage} AS SELECT * FROM {_read_csv(r, root)};",
           f"CREATE TEMP TABLE {depth} AS WITH RECURSIVE d(k, depth) AS (\n"
           f"    SELECT {q(key)}, 0 FROM {stage} WHERE {q(ref)} IS NULL\n"
           f"    UNION ALL SELECT s.{q(key)}, d.depth + 1 FROM {stage} AS s JOIN d ON s.{q(ref)} = d.k\n"
           f"    WHERE d.depth < {SELF_REFERENCE_LEVELS}\n) SELECT k, max(depth) AS depth FROM d GROUP BY k;"]
    for level in range(SELF_REFERENCE_LEVELS + 1):
        out.append(f"INSERT INTO {q(r.name)} SELECT s.* FROM {stage} AS s JOIN {depth} AS d ON d.k = s.{q(key)} "
                   f"WHERE d.depth = {level};")
    out.append(f"CREATE TEMP TABLE _check AS SELECT CASE WHEN (SELECT count(*) FROM {q(r.name)}) <> "
               f"(SELECT count(*) FROM {stage}) THEN error('{r.name}: a chain of {ref} is longer than "
               f"{SELF_REFERENCE_LEVELS} or has a cycle; run make validate') END;")
    out.append("DROP TABLE _check;")
    out.append(f"DROP TABLE {depth};")
    out.append(f"DROP TABLE {stage};")
    return out


def main() -> None:
    """Write sql/load.sql for the package in the current folder."""
    desc = descriptor_path(".")
    script = load_script(desc.parent, load_json(desc))
    target = REPO / "sql" / "load.sql"
    target.write_text(script)
    print(f"wrote {target.relative_to(REPO)} ({len(script.splitlines())} lines)")


if __name__ == "__main__":
    main()
