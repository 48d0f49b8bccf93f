"""Layer 4, rows: cross-field rules that Table Schema cannot state, as Pandera checks and as SQL.

Rules are derived from the fields a table has (any `X_min` with an `X_max`, any start with an
end), so a figure or period added to a schema is covered without a new rule. Each rule is
written twice, side by side: a polars expression (the Pandera model users check frames with)
and a SQL condition (what `make validate` runs inside DuckDB); both read a null as "keeps the
rule", and tests/test_engine.py holds them equal.
"""

from __future__ import annotations

from dataclasses import dataclass
import polars as pl

from civharm.metadata.ddl import q

Expr = pl.Expr


@dataclass(frozen=True)
class RowRule:
    id: str
    column: str  # the column the problem is reported at
    ok: Expr  # true (or null) for a row that keeps the rule
    sql: str  # the same condition in SQL: true (or NULL) for a row that keeps the rule
    value: str | None = None  # column whose value goes into the message
    expected: str | None = None  # column whose value is the message's "expected"
    uses: tuple[str, ...] = ()  # every column the rule reads: a broken cell in one silences it

    @property
    def name(self) -> str:
        return f"{self.id}:{self.column}"

    def check(self, data) -> pl.LazyFrame:
        return data.lazyframe.select(self.ok.fill_null(True))


def _c(name: str) -> Expr:
    return pl.col(name)


def row_checks(resource: str, present: tuple[str, ...]) -> list[RowRule]:
    has = set(present).__contains__
    rules: list[RowRule] = []
    for name in present:
        if name.endswith("_min") and has(name[:-4] + "_max"):
            hi = name[:-4] + "_max"
            rules.append(RowRule("range-min-gt-max", name, _c(name) <= _c(hi), f"{q(name)} <= {q(hi)}",
                                 name, hi, (name, hi)))
    for who in ("children", "women"):
        lo, hi = f"{who}_killed_min", "civilians_killed_max"
        if has(lo) and has(hi):
            rules.append(RowRule(f"{who}-exceed-civilians", lo, _c(lo) <= _c(hi), f"{q(lo)} <= {q(hi)}",
                                 lo, hi, (lo, hi)))
    for start, end in (("date_start", "date_end"), ("period_start", "period_end")):
        if has(start) and has(end):
            rules.append(RowRule("date-end-before-start", end, _c(end) >= _c(start), f"{q(end)} >= {q(start)}",
                                 end, start, (start, end)))
    if has("status") and has("merged_into"):
        uses = ("status", "merged_into")
        rules.append(RowRule("merge-target-missing", "merged_into",
                             ~((_c("status") == "merged") & _c("merged_into").is_null()),
                             "NOT (status = 'merged' AND merged_into IS NULL)", uses=uses))
        rules.append(RowRule("merge-target-unexpected", "merged_into",
                             _c("merged_into").is_null() | (_c("status") == "merged"),
                             "merged_into IS NULL OR status = 'merged'", "merged_into", "status", uses))
    if has("status") and has("status_reason"):
        rules.append(RowRule("status-reason-missing", "status_reason",
                             ~(_c("status").is_in(["merged", "retracted"]) & _c("status_reason").is_null()),
                             "NOT (status IN ('merged', 'retracted') AND status_reason IS NULL)", "status",
                             uses=("status", "status_reason")))
    if has("status") and has("summary"):
        rules.append(RowRule("summary-missing", "summary", ~((_c("status") == "active") & _c("summary").is_null()),
                             "NOT (status = 'active' AND summary IS NULL)", uses=("status", "summary")))
    if has("latitude") and has("longitude"):
        for a, b in (("latitude", "longitude"), ("longitude", "latitude")):
            rules.append(RowRule("coordinates-incomplete", b, ~(_c(a).is_not_null() & _c(b).is_null()),
                                 f"NOT ({q(a)} IS NOT NULL AND {q(b)} IS NULL)", None, a, (a, b)))
    return rules
