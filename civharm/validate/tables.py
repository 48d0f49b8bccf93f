"""Layer 5, tables: keys across rows and resources, as SQL on DuckDB over the typed tables the
cells layer made (named by resource, with the LINE and BROKEN columns).

Primary and foreign key checks are generated from the schemas' keys; the rules that only
civharm has are SQL files in `validate/sql/`, one per rule, named by rule id.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from civharm.metadata.ddl import lit, q, views
from civharm.metadata.package import RESOURCE_NAMES
from civharm.metadata.ranges import expected_ranges_sql, figure_stems
from .report import Capped, Problem, keep_per_rule
from .rules import raises
from .structure import BROKEN, LINE

SQL_DIR = Path(__file__).with_name("sql")
# The rules written as SQL: each file is named by the id of the rule it reports (its check, by name).
SQL_RULES = tuple(sorted(p.stem for p in SQL_DIR.glob("*.sql")))

Lines = set[tuple[str, int]]  # (file, line) of rows

# The package's views that the validator computes once into a table and then reads through the
# same name: each is read by several rules or views, and DuckDB cannot spill a recursive CTE
# inlined under a join (the grade ran out of memory at 10M claims with source_chains and
# source_originals inlined; at 1M, 150 MB fails inlined and passes materialised). In creation order.
MATERIALISED = ("source_chains", "source_originals")


def _tolerance(frames: dict[str, list[str]], resources: dict):
    """A rule's SQL may name a table or column that a broken file lacks (already reported);
    on a complete package the same error is a bug of ours and must surface."""
    complete = set(frames) == set(RESOURCE_NAMES) and all(
        set(r.field_names) <= set(frames[n]) for n, r in resources.items())

    def tolerate(e: Exception) -> None:
        if complete:
            raise e
    return tolerate


@raises("pk-duplicate", "fk-dangling", "self-reference-dangling", "self-reference-cycle")
def keys(con: duckdb.DuckDBPyConnection, frames: dict[str, list[str]], resources: dict,
         lossy: set[str] = frozenset()) -> tuple[Lines, list[Problem]]:
    """Primary keys, foreign keys and self references; returns the rows in a cycle (for
    `own_rules`) and the problems. con: the connection holding the typed tables; frames: resource
    name -> its table's columns; resources: name -> Resource; lossy: tables that lost rows to
    structure problems. A reference into a lossy table is not checked until those rows are back:
    a dropped row would make every reference to it dangle, and the structure problem is the one
    to fix (nor does the engine run `own_rules` then)."""
    tolerate = _tolerance(frames, resources)

    # Tables where a key cell broke its own rule (reported once, as a cell problem): the row's
    # key is unknown, so references to it are not checked rather than all reported dangling.
    def has_keyless_row(name: str) -> bool:
        keys = [k for k in resources[name].primary_key if k in frames[name]]
        return bool(keys) and con.execute(
            f"SELECT EXISTS (SELECT 1 FROM {q(name)} WHERE {BROKEN} AND ({' OR '.join(f'{q(k)} IS NULL' for k in keys)}))"
        ).fetchone()[0]

    keyless = {name for name in frames if resources[name].primary_key and BROKEN in frames[name] and has_keyless_row(name)}
    problems = Capped()

    def run(sql: str, rule: str, file: str, column: str):
        try:
            [(_, rows)] = _capped(con, f"SELECT NULL AS resource, * FROM ({sql})", problems, file, rule) or [(None, [])]
        except (duckdb.CatalogException, duckdb.BinderException) as e:
            tolerate(e)
            return
        for _, line, value, expected in rows:
            problems.append(Problem(rule, file, line=line, column=column, value=value, expected=expected))

    duplicated = []  # resources with a duplicated primary key
    for name, frame in frames.items():
        res = resources[name]
        t = q(name)
        pk = res.primary_key
        if pk and all(k in frame for k in pk):
            found = len(problems)
            keys = ", ".join(map(q, pk))
            value = " || ',' || ".join(f"CAST({q(k)} AS VARCHAR)" for k in pk)
            # Duplicates are rare: find the duplicated keys first (a hash aggregate), then order
            # only their rows, rather than a window over the whole table.
            run(f"""WITH dup AS (SELECT {keys} FROM {t} WHERE {' AND '.join(f'{q(k)} IS NOT NULL' for k in pk)}
                                 GROUP BY ALL HAVING count(*) > 1),
                         rows AS (SELECT {LINE}, {value} AS value,
                                         min({LINE}) OVER (PARTITION BY {keys}) AS first
                                  FROM {t} JOIN dup USING ({keys}))
                    SELECT {LINE}, value, CAST(first AS VARCHAR) FROM rows WHERE {LINE} > first""",
                "pk-duplicate", res.path, ",".join(pk))
            if len(problems) > found:
                duplicated.append(name)
        for fields, ref, rfields in res.foreign_keys():
            if ref not in frames or ref in lossy or ref in keyless or len(fields) != len(rfields):
                continue
            cond = " AND ".join(f"r.{q(b)} = s.{q(a)}" for a, b in zip(fields, rfields))
            value = " || ',' || ".join(f"CAST(s.{q(a)} AS VARCHAR)" for a in fields)
            self_ref = ref == name
            expected = f"{ref}.{','.join(rfields)}" if not self_ref else ",".join(rfields)
            run(f"""SELECT s.{LINE}, {value}, '{expected}' FROM {t} AS s
                    WHERE {' AND '.join(f's.{q(a)} IS NOT NULL' for a in fields)}
                      AND NOT EXISTS (SELECT 1 FROM {q(ref)} AS r WHERE {cond})""",
                "self-reference-dangling" if self_ref else "fk-dangling", res.path, ",".join(fields))

    # The rules that derive a value from several tables skip a package whose keys are ambiguous;
    # they read this table rather than each scanning the tables again for duplicates.
    # Resource names as literals, not a bound list: binding any Python parameter makes DuckDB
    # import pandas and pyarrow, about a second of every run.
    con.execute("CREATE OR REPLACE TEMP TABLE duplicated_keys AS SELECT unnest("
                f"[{', '.join(map(lit, duplicated))}]::VARCHAR[]) AS resource")

    in_cycle: Lines = set()
    for name, frame in frames.items():
        res = resources[name]
        for fields, ref, rfields in res.foreign_keys():
            if ref == name and len(fields) == 1 and fields[0] in frame and rfields[0] in frame:
                for line, path in _cycles(con, name, rfields[0], fields[0]):
                    in_cycle.add((res.path, line))
                    problems.append(Problem("self-reference-cycle", res.path, line=line, column=fields[0],
                                            value=" -> ".join(path)))
    return in_cycle, problems


@raises("incident-range-unexplained", *SQL_RULES)
def own_rules(con: duckdb.DuckDBPyConnection, frames: dict[str, list[str]], resources: dict,
              in_cycle: Lines) -> list[Problem]:
    """The rules across tables that only civharm has: the range rule, then one SQL file per rule."""
    tolerate = _tolerance(frames, resources)
    problems = Capped()
    problems.extend(_ranges(con, frames, resources, tolerate))
    if "claims" in frames:  # the package's own views, which some rules below report from
        for statement in views(figure_stems(frames["claims"]), list(resources.values())):
            try:
                con.execute(statement)
            except (duckdb.CatalogException, duckdb.BinderException) as e:
                tolerate(e)

        for name in MATERIALISED:
            try:
                _materialise(con, name)
            except (duckdb.CatalogException, duckdb.BinderException) as e:
                tolerate(e)

    # Views that several rules read (validate/sql/views/), built once over the validator's tables.
    for view in sorted((SQL_DIR / "views").glob("*.sql")):
        try:
            con.execute(view.read_text())
        except (duckdb.CatalogException, duckdb.BinderException) as e:
            tolerate(e)

    for sql_file in sorted(SQL_DIR.glob("*.sql")):
        rule = sql_file.stem
        try:
            if rule == "merge-target-not-active":  # rows in a cycle are left out below: not capped
                found = [(None, con.execute(sql_file.read_text()).fetchall())]
            else:
                found = _capped(con, sql_file.read_text(), problems, None, rule, resources)
        except (duckdb.CatalogException, duckdb.BinderException) as e:
            tolerate(e)
            continue
        for resource, line, column, value, expected in (row for _, rows in found for row in rows):
            file = resources[resource].path
            if rule == "merge-target-not-active" and (file, line) in in_cycle:
                continue  # the cycle is the problem to fix; reported once, as a cycle
            problems.append(Problem(rule, file, line=line, column=column, value=value, expected=expected))
    return problems


def _capped(con: duckdb.DuckDBPyConnection, sql: str, problems: Capped, file: str | None, rule: str,
            resources: dict | None = None) -> list[tuple[str | None, list[tuple]]]:
    """The rows of a rule's query (resource, line, ...), at most as many of each resource as the
    report keeps (CIVHARM_KEEP_PER_RULE), by line; the rest are counted in DuckDB, never fetched,
    and added to `problems.omitted` under (file, rule) (file: the resource's path when None).
    Millions of dangling keys cost a count, not millions of Python tuples."""
    keep = keep_per_rule()
    *before, last = con.extract_statements(sql)  # a rule's file may make a table before its query
    for statement in before:
        con.execute(statement.query)
    con.execute(f"CREATE OR REPLACE TEMP TABLE __found AS {last.query}")
    try:
        counts = con.execute("SELECT resource, count(*) FROM __found GROUP BY ALL").fetchall()
        out = []
        for resource, total in counts:
            where = "resource IS NULL" if resource is None else f"resource = {lit(resource)}"
            rows = con.execute(f"SELECT * FROM __found WHERE {where} ORDER BY 2 LIMIT {keep}").fetchall()
            if total > len(rows):
                path = file if resource is None else resources[resource].path
                problems.omitted[(path, rule)] += total - len(rows)
            out.append((resource, rows))
        return out
    finally:
        con.execute("DROP TABLE __found")


def _materialise(con: duckdb.DuckDBPyConnection, view: str) -> None:
    """Compute a view's rows once into a temporary table and point the view at it: the views
    and rules that read it get the same rows without running its query again. DuckDB binds a view
    by name when a query runs, so the views created over it read the table from then on."""
    table = q(f"__{view}")
    con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS FROM {q(view)}")
    con.execute(f"CREATE OR REPLACE VIEW {q(view)} AS FROM {table}")


def _ranges(con, frames: dict, resources: dict, tolerate) -> list[Problem]:
    """incident-range-unexplained: each active incident's figures against the range rule."""
    if "incidents" not in frames or "claims" not in frames:
        return []
    stems = [s for s in figure_stems(frames["claims"])
             if f"{s}_min" in frames["incidents"] and f"{s}_max" in frames["incidents"]]
    fields = [f"{s}_{end}" for s in stems for end in ("min", "max")]
    if not fields:
        return []
    differs = " OR ".join(f"i.{f} IS DISTINCT FROM e.{f}" for f in fields)
    checks = " UNION ALL ".join(
        f"SELECT {LINE}, '{f}', CAST(i_{f} AS VARCHAR), coalesce(CAST(e_{f} AS VARCHAR), 'none') FROM off "
        f"WHERE i_{f} IS DISTINCT FROM e_{f}" for f in fields)
    # One join finds the (rare) incidents off their range; only those are unpivoted per field.
    sql = (f"WITH expected AS ({expected_ranges_sql(stems)}), "
           f"off AS (SELECT i.{LINE}, {', '.join(f'i.{f} AS i_{f}, e.{f} AS e_{f}' for f in fields)} "
           f"FROM incidents AS i JOIN expected AS e USING (incident_id) "
           f"WHERE i.status = 'active' AND NOT i.{BROKEN} AND ({differs}) "
           f"AND NOT EXISTS (SELECT 1 FROM claims AS c WHERE c.incident_id = i.incident_id AND c.{BROKEN})) "
           f"{checks}")
    try:
        rows = con.execute(sql).fetchall()
    except (duckdb.CatalogException, duckdb.BinderException) as e:
        tolerate(e)
        return []
    path = resources["incidents"].path
    return [Problem("incident-range-unexplained", path, line=line, column=column, value=value or "blank",
                    expected=expected) for line, column, value, expected in rows]


def _cycles(con: duckdb.DuckDBPyConnection, table: str, key: str, ref: str) -> list[tuple[int, list[str]]]:
    """Rows whose chain of self references comes back to itself: (line, the cycle's ids). Only
    the rows with a reference come to Python (merged tombstones, republished sources), in order."""
    edges = con.execute(f"SELECT {q(key)}, {q(ref)}, {LINE} FROM {q(table)} "
                        f"WHERE {q(key)} IS NOT NULL AND {q(ref)} IS NOT NULL ORDER BY {LINE}").fetchall()
    nxt = {k: r for k, r, _ in edges}
    line_of = {k: line for k, _, line in edges}
    state: dict[str, int] = {}  # 1 = on the current walk, 2 = done
    out = []
    for start in nxt:
        walk = []
        node = start
        while node in nxt and node not in state:
            state[node] = 1
            walk.append(node)
            node = nxt[node]
        if node in state and state[node] == 1:  # came back into this walk: a cycle
            cycle = walk[walk.index(node):]
            for member in cycle:
                i = cycle.index(member)
                out.append((line_of[member], cycle[i:] + cycle[:i] + [member]))
        for n in walk:
            state[n] = 2
    return out
