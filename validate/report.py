"""Problems and the report: grouped by file, as text for people or JSON for machines."""

from __future__ import annotations

import json
import string
from dataclasses import dataclass, field

from .rules import RULES


class _Blank(string.Formatter):
    """str.format that leaves unknown fields empty instead of raising."""

    def get_value(self, key, args, kwargs):
        v = kwargs.get(key)
        return "" if v is None else v


_FMT = _Blank()


@dataclass
class Problem:
    rule: str
    file: str
    line: int | None = None
    column: str | None = None
    value: str | None = None
    expected: str | None = None
    detail: str | None = None

    def as_dict(self) -> dict:
        r = RULES[self.rule]
        ctx = {"column": self.column, "value": _show(self.value), "expected": self.expected,
               "detail": self.detail}
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "value": self.value,
            "rule": r.id,
            "layer": r.layer,
            "severity": r.severity,
            "message": _FMT.format(r.message, **ctx),
            "hint": _FMT.format(r.hint, **ctx),
        }


def _show(value) -> str | None:
    """A value as it may be printed: long text cut, control characters made visible."""
    if value is None:
        return None
    s = str(value)
    if len(s) > 80:
        s = s[:77] + "..."
    return s.encode("unicode_escape").decode("ascii") if not s.isprintable() else s


@dataclass
class Report:
    package: str
    problems: list[Problem] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    rules_run: set[str] = field(default_factory=set)
    seconds: float = 0.0
    title: str = ""

    def extend(self, problems) -> None:
        self.problems.extend(problems)

    def sorted(self) -> list[Problem]:
        return sorted(self.problems, key=lambda p: (p.file, p.line or 0, p.column or "", p.rule))

    @property
    def errors(self) -> int:
        return sum(RULES[p.rule].severity == "error" for p in self.problems)

    @property
    def notices(self) -> int:
        return len(self.problems) - self.errors

    @property
    def exit_code(self) -> int:
        return 1 if self.errors else 0

    def to_json(self) -> str:
        return json.dumps({
            "valid": self.exit_code == 0,
            "exit_code": self.exit_code,
            "package": self.package,
            "summary": {
                "resources": len(self.rows),
                "rows": self.rows,
                "rules_run": len(self.rules_run),
                "errors": self.errors,
                "notices": self.notices,
                "seconds": round(self.seconds, 3),
            },
            "problems": [p.as_dict() for p in self.sorted()],
        }, indent=2, ensure_ascii=False)

    def to_text(self, color: bool = False) -> str:
        bold, red, yellow, dim, off = ("\033[1m", "\033[31m", "\033[33m", "\033[2m", "\033[0m") if color else ("",) * 5
        out = []
        errors = [p for p in self.sorted() if RULES[p.rule].severity == "error"]
        notices = [p for p in self.sorted() if RULES[p.rule].severity != "error"]
        for title, group, full in (("", errors, True), ("Notices (reports, not errors)", notices, False)):
            if not group:
                continue
            if title:
                out.append(f"\n{bold}{title}{off}")
            current = None
            for p in group:
                d = p.as_dict()
                if p.file != current:
                    current = p.file
                    out.append(f"\n{bold}{p.file}{off}")
                where = ", ".join(filter(None, [p.line is not None and f"line {p.line}",
                                                p.column is not None and f"column {p.column}"])) or "file"
                out.append(f"  {where}: {d['message']} {(red if full else yellow)}[{d['rule']}]{off}")
                if full:
                    out.append(f"    {dim}fix: {d['hint']}{off}")
        rows = sum(self.rows.values())
        sizes = ", ".join(f"{n} {k}" for k, n in self.rows.items())
        verdict = f"{red}invalid: {self.errors} error(s){off}" if self.errors else f"{bold}valid{off}"
        if self.notices:
            verdict += f", {self.notices} notice(s)"
        out.append("")
        out.append(self.title or self.package)
        out.append(f"  {len(self.rows)} resources, {rows} rows ({sizes})" if self.rows else "  no resources read")
        out.append(f"  {len(self.rules_run)} rules run in {self.seconds:.2f} s: {verdict}")
        return "\n".join(out).lstrip("\n") + "\n"
