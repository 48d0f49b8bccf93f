"""Layer 4, rows: cross-field rules that Table Schema cannot state, as Pandera checks and as SQL.

Rules are derived from the schema a table has: any `X_min` with an `X_max`, and the comparisons
a field declares (`"civharm:atMost"` / `"civharm:atLeast"`: the field it is bounded by and the
rule id that reports it), so a figure or period added to a schema is covered without code. Each rule is
written twice, side by side: a polars expression (the Pandera model users check frames with)
and a SQL condition (what `make validate` runs inside DuckDB); both read a null as "keeps the
rule", and tests/test_engine.py holds them equal.
"""

from __future__ import annotations

import functools
import operator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from civharm.metadata.ddl import q

if TYPE_CHECKING:
    import polars as pl

# A rule's polars condition is built when asked for (`RowRule.ok`), from a function of the
# column maker (pl.col): `make validate` runs the SQL form only, and importing polars was a
# sixth of its start-up on the real package (0.16 s of 1.4 s).


@dataclass(frozen=True)
class RowRule:
    id: str
    column: str  # the column the problem is reported at
    polars: Callable  # col -> the polars condition: true (or null) for a row that keeps the rule
    sql: str  # the same condition in SQL: true (or NULL) for a row that keeps the rule
    value: str | None = None  # column whose value goes into the message
    expected: str | None = None  # column whose value is the message's "expected"
    uses: tuple[str, ...] = ()  # every column the rule reads: a broken cell in one silences it

    @property
    def name(self) -> str:
        return f"{self.id}:{self.column}"

    @property
    def ok(self) -> pl.Expr:
        """The polars condition: true (or null) for a row that keeps the rule."""
        import polars as pl  # here, not at the top: see the comment above RowRule

        return self.polars(pl.col)

    def check(self, data) -> pl.LazyFrame:
        return data.lazyframe.select(self.ok.fill_null(True))


# A field's declared comparison with another field of its table: property -> (polars, SQL) operator.
BOUNDS = {"civharm:atMost": "<=", "civharm:atLeast": ">="}
# The rules a declared comparison may name (each has its message in validate/rules.py).
BOUND_RULES = ("children-exceed-civilians", "women-exceed-civilians", "men-exceed-civilians", "date-end-before-start")
# Children, women and men never overlap (girls and boys are children): their least figures
# together cannot exceed the most civilians killed. A blank figure counts as none.
PARTS = ("children_killed_min", "women_killed_min", "men_killed_min")
# Claims a belligerent makes about its own conduct: its label and the statement's date are required.
POSITIONS = ("admission", "denial")
# Every rule row_checks can make: the rows check declares them (cells.rows).
RAISED = ("range-min-gt-max", *BOUND_RULES, "parts-exceed-civilians", "merge-target-missing",
          "merge-target-unexpected", "status-reason-missing", "summary-missing", "coordinates-incomplete",
          "assessment-missing", "statement-undated", "stated-on-precision-mismatch")


def bounds(field: dict) -> list[tuple[str, str, str]]:
    """(property, other field, rule id) of each comparison a schema field declares."""
    return [(prop, b["field"], b["rule"]) for prop in BOUNDS
            if isinstance(b := field.get(prop), dict) and isinstance(b.get("field"), str)]


def row_checks(fields: list[dict], present: tuple[str, ...]) -> list[RowRule]:
    """The row rules of a table with these schema fields, of which `present` are in its file."""
    has = set(present).__contains__
    rules: list[RowRule] = []
    for name in present:
        if name.endswith("_min") and has(name[:-4] + "_max"):
            hi = name[:-4] + "_max"
            rules.append(RowRule("range-min-gt-max", name, lambda _c, name=name, hi=hi: _c(name) <= _c(hi),
                                 f"{q(name)} <= {q(hi)}", name, hi, (name, hi)))
    for f in fields:
        name = f["name"]
        for prop, other, rule in bounds(f):
            if has(name) and has(other):
                op = BOUNDS[prop]
                ok = ((lambda _c, a=name, b=other: _c(a) <= _c(b)) if op == "<="
                      else (lambda _c, a=name, b=other: _c(a) >= _c(b)))
                rules.append(RowRule(rule, name, ok, f"{q(name)} {op} {q(other)}", name, other, (name, other)))
    if has("civilians_killed_max") and all(map(has, PARTS)):
        # A part that alone exceeds the civilians is its own rule's problem, reported once there.
        civ = q("civilians_killed_max")
        total = " + ".join(f"coalesce({q(p)}, 0)" for p in PARTS)
        alone = " OR ".join(f"{q(p)} > {civ}" for p in PARTS)
        rules.append(RowRule("parts-exceed-civilians", "civilians_killed_max",
                             lambda _c: (sum(_c(p).fill_null(0) for p in PARTS) <= _c("civilians_killed_max"))
                             | functools.reduce(operator.or_, (_c(p) > _c("civilians_killed_max") for p in PARTS)),
                             f"{total} <= {civ} OR {alone}", "civilians_killed_max", None,
                             (*PARTS, "civilians_killed_max")))
    if has("claim_type"):
        types = ", ".join(f"'{t}'" for t in POSITIONS)
        for rule, column in (("assessment-missing", "belligerent_assessment"), ("statement-undated", "stated_on")):
            if has(column):
                rules.append(RowRule(rule, column,
                                     lambda _c, column=column: ~(_c("claim_type").is_in(list(POSITIONS))
                                                                 & _c(column).is_null()),
                                     f"NOT (claim_type IN ({types}) AND {q(column)} IS NULL)", "claim_type",
                                     uses=("claim_type", column)))
    if has("stated_on") and has("stated_on_precision"):
        rules.append(RowRule("stated-on-precision-mismatch", "stated_on_precision",
                             lambda _c: (_c("stated_on_precision").is_null() | _c("stated_on").is_not_null())
                             & ~((_c("stated_on_precision") == "month") & (_c("stated_on").dt.day() != 1)),
                             "(stated_on_precision IS NULL OR stated_on IS NOT NULL) "
                             "AND NOT (stated_on_precision = 'month' AND day(stated_on) <> 1)",
                             "stated_on_precision", "stated_on", ("stated_on", "stated_on_precision")))
    if has("status") and has("merged_into"):
        uses = ("status", "merged_into")
        rules.append(RowRule("merge-target-missing", "merged_into",
                             lambda _c: ~((_c("status") == "merged") & _c("merged_into").is_null()),
                             "NOT (status = 'merged' AND merged_into IS NULL)", uses=uses))
        rules.append(RowRule("merge-target-unexpected", "merged_into",
                             lambda _c: _c("merged_into").is_null() | (_c("status") == "merged"),
                             "merged_into IS NULL OR status = 'merged'", "merged_into", "status", uses))
    if has("status") and has("status_reason"):
        rules.append(RowRule("status-reason-missing", "status_reason",
                             lambda _c: ~(_c("status").is_in(["merged", "retracted"]) & _c("status_reason").is_null()),
                             "NOT (status IN ('merged', 'retracted') AND status_reason IS NULL)", "status",
                             uses=("status", "status_reason")))
    if has("status") and has("summary"):
        rules.append(RowRule("summary-missing", "summary",
                             lambda _c: ~((_c("status") == "active") & _c("summary").is_null()),
                             "NOT (status = 'active' AND summary IS NULL)", uses=("status", "summary")))
    if has("latitude") and has("longitude"):
        for a, b in (("latitude", "longitude"), ("longitude", "latitude")):
            rules.append(RowRule("coordinates-incomplete", b,
                                 lambda _c, a=a, b=b: ~(_c(a).is_not_null() & _c(b).is_null()),
                                 f"NOT ({q(a)} IS NOT NULL AND {q(b)} IS NULL)", None, a, (a, b)))
    return rules
