"""Problems and the report: grouped by file, as text for people or JSON for machines."""

from __future__ import annotations

import io
import json
import os
from collections import Counter
from dataclasses import dataclass, field
from typing import TextIO

from .rules import RULES


class _Blank(dict):
    """The fields of a message for str.format_map: an unknown or empty (None) one reads as ''.
    (string.Formatter did the same in Python, a tenth of the rendering time of a large report.)"""

    def __missing__(self, key):
        return ""


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
        # everything a hostile file can put in a message is made printable: no terminal escapes
        ctx = _Blank((k, v) for k, v in (("column", _show(self.column)), ("value", _show(self.value)),
                                         ("expected", _printable(self.expected)),
                                         ("detail", _printable(self.detail))) if v is not None)
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "value": self.value,
            "rule": r.id,
            "layer": r.layer,
            "severity": r.severity,
            "message": r.message.format_map(ctx),
            "hint": r.hint.format_map(ctx),
        }


_json_str = json.encoder.encode_basestring  # json.dumps(text, ensure_ascii=False), in C


def _json_value(v) -> str:
    return _json_str(v) if isinstance(v, str) else json.dumps(v, ensure_ascii=False)


def _show(value) -> str | None:
    """A value as it may be printed: long text cut, control characters made visible."""
    if value is None:
        return None
    s = str(value)
    if len(s) > 80:
        s = s[:77] + "..."
    return _printable(s)


def _printable(value) -> str | None:
    """Text with its control and other unprintable characters escaped (\\x1b), nothing cut."""
    if value is None:
        return None
    s = str(value)
    return s if s.isprintable() else "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii")
                                             for c in s)


# Problems of one rule in one file kept in memory; past it they are only counted, exactly. A
# file of five million bad lines must not become five million objects (gigabytes).
KEEP_PER_RULE = 10_000


def keep_per_rule() -> int:
    """KEEP_PER_RULE, or CIVHARM_KEEP_PER_RULE from the environment."""
    text = os.environ.get("CIVHARM_KEEP_PER_RULE", "").strip()
    if not text:
        return KEEP_PER_RULE
    if not text.isdigit() or int(text) < 1:
        raise ValueError(f"CIVHARM_KEEP_PER_RULE={text!r} must be a whole number, 1 or more")
    return int(text)


class Capped(list):
    """A list of problems that keeps at most `keep` of each (file, rule) and counts the rest in
    `omitted`, so that a layer's own list is bounded before it reaches the report."""

    def __init__(self, keep: int | None = None):
        super().__init__()
        self.keep = keep_per_rule() if keep is None else keep
        self.kept: Counter = Counter()
        self.omitted: Counter = Counter()  # (file, rule) -> problems counted, not kept

    def append(self, p: Problem) -> None:
        key = (p.file, p.rule)
        if self.kept[key] >= self.keep:
            self.omitted[key] += 1
        else:
            self.kept[key] += 1
            super().append(p)

    def full(self, file: str, rule: str) -> bool:
        """Whether the next problem of this rule in this file would only be counted."""
        return self.kept[(file, rule)] >= self.keep

    def extend(self, problems) -> None:
        for p in problems:
            self.append(p)
        self.omitted.update(getattr(problems, "omitted", {}))


@dataclass
class Report:
    package: str
    problems: Capped = field(default_factory=Capped)
    rows: dict[str, int] = field(default_factory=dict)
    rules_run: set[str] = field(default_factory=set)
    seconds: float = 0.0
    title: str = ""

    def extend(self, problems) -> None:
        self.problems.extend(problems)

    def run(self, check, *args, **kwargs):
        """Call a check declared with rules.raises; the rules it declares count as run."""
        self.rules_run |= check.rules
        return check(*args, **kwargs)

    @property
    def omitted(self) -> Counter:
        """(file, rule) -> problems found and counted but not kept (past keep_per_rule)."""
        return getattr(self.problems, "omitted", Counter())

    def sorted(self) -> list[Problem]:
        # value, expected and detail break ties (two notices on one cell), so that the order
        # never depends on the order a SQL engine returned the rows in
        return sorted(self.problems, key=lambda p: (p.file, p.line or 0, p.column or "", p.rule, str(p.value or ""),
                                                    str(p.expected or ""), p.detail or ""))

    @property
    def errors(self) -> int:
        return (sum(RULES[p.rule].severity == "error" for p in self.problems)
                + sum(n for (_, rule), n in self.omitted.items() if RULES[rule].severity == "error"))

    @property
    def notices(self) -> int:
        return len(self.problems) + sum(self.omitted.values()) - self.errors

    @property
    def exit_code(self) -> int:
        return 1 if self.errors else 0

    def _head(self) -> dict:
        return {
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
        }

    def write_json(self, out: TextIO) -> None:
        """The JSON report, every problem, written problem by problem: a million problems are
        never one string in memory. The bytes are those of `to_json`."""
        head = self._head()
        if self.omitted:  # only when the cap was reached: the report's shape is otherwise unchanged
            head["omitted"] = [{"file": f, "rule": r, "severity": RULES[r].severity, "count": n}
                               for (f, r), n in sorted(self.omitted.items())]
        head = json.dumps(head, indent=2, ensure_ascii=False)
        out.write(head[:-2] + ',\n  "problems": [')
        for i, p in enumerate(self.sorted()):
            # json.dumps(p.as_dict(), indent=2, ensure_ascii=False), indented 4 more, written out:
            # with an indent json.dumps runs its encoder in Python, most of the time of a large report
            item = ",\n      ".join(f"{_json_str(k)}: {_json_value(v)}" for k, v in p.as_dict().items())
            out.write(("," if i else "") + "\n    {\n      " + item + "\n    }")
        out.write("\n  ]\n}" if self.problems else "]\n}")

    def to_json(self) -> str:
        buf = io.StringIO()
        self.write_json(buf)
        return buf.getvalue()

    def to_text(self, color: bool = False, max_per_rule: int | None = None) -> str:
        """The report for people. max_per_rule: print at most this many problems of one rule in
        one file, then one line with the exact count of the rest (None prints every one)."""
        bold, red, yellow, dim, off = ("\033[1m", "\033[31m", "\033[33m", "\033[2m", "\033[0m") if color else ("",) * 5
        out = []
        problems = self.sorted()
        errors = [p for p in problems if RULES[p.rule].severity == "error"]
        notices = [p for p in problems if RULES[p.rule].severity != "error"]
        hidden_total = 0
        for title, group, full in (("", errors, True), ("Notices (reports, not errors)", notices, False)):
            if not group:
                continue
            if title:
                out.append(f"\n{bold}{title}{off}")
            kind = "error" if full else "notice"
            current, shown, hidden = None, Counter(), Counter()

            def more() -> None:
                for (f, rule), n in self.omitted.items():  # counted, never kept
                    if f == current and (RULES[rule].severity == "error") == full:
                        hidden[rule] += n
                for rule, n in hidden.items():
                    out.append(f"  {dim}… and {n:,} more {rule} {kind}{'s' if n != 1 else ''} in {_printable(current)}{off}")

            for p in group:
                if p.file != current:
                    if current is not None:
                        more()
                    current, shown, hidden = p.file, Counter(), Counter()
                    out.append(f"\n{bold}{_printable(p.file)}{off}")
                if max_per_rule is not None and shown[p.rule] >= max_per_rule:
                    hidden[p.rule] += 1
                    hidden_total += 1
                    continue
                shown[p.rule] += 1
                d = p.as_dict()
                where = ", ".join(filter(None, [p.line is not None and f"line {p.line}",
                                                p.column is not None and f"column {_show(p.column)}"])) or "file"
                out.append(f"  {where}: {d['message']} {(red if full else yellow)}[{d['rule']}]{off}")
                if full:
                    out.append(f"    {dim}fix: {d['hint']}{off}")
            more()
        rows = sum(self.rows.values())
        sizes = ", ".join(f"{n} {k}" for k, n in self.rows.items())
        verdict = f"{red}invalid: {self.errors} error(s){off}" if self.errors else f"{bold}valid{off}"
        if self.notices:
            verdict += f", {self.notices} notice(s)"
        if hidden_total:
            out.append(f"\n{hidden_total:,} more problem(s) not shown: at most {max_per_rule} of each rule per "
                       f"file are; --all (make validate ARGS=--all) shows every one, --format json lists them all.")
        if self.omitted:
            out.append(f"\n{sum(self.omitted.values()):,} more problem(s) were counted but not kept: at most "
                       f"{self.problems.keep:,} of each rule per file are (CIVHARM_KEEP_PER_RULE).")
        out.append("")
        out.append(_printable(self.title or self.package))
        out.append(f"  {len(self.rows)} resources, {rows} rows ({sizes})" if self.rows else "  no resources read")
        out.append(f"  {len(self.rules_run)} rules run in {self.seconds:.2f} s: {verdict}")
        return "\n".join(out).lstrip("\n") + "\n"
