"""What a Table Schema must be before any library or SQL is given it: bounded, named plainly,
with values every layer can hold and patterns every engine reads alike.

frictionless accepts a schema these would break later: a field named like one of the
validator's own columns (`__line`, `__broken`, DuckDB's `rowid`, a typed field's `name$text`)
would take that column's place and switch a rule off or move a line number; NaN, Infinity or a
number past 64 bits as a bound, or a list as an enum value, ends in an error of DuckDB or
Python; a pattern is read by DuckDB's RE2, by polars' regex crate and by the Table Schema's
own dialect (XML Schema's), which disagree past a common core. So the schema is checked here
first, and a schema with any of these is not used (its resource is not read).
"""

from __future__ import annotations

import json
import math
import re

from civharm.metadata.confine import limit
from .report import Problem

# A field name: a lower-case ASCII letter, then letters, digits and underscores. Names of the
# validator's own columns all start with "__" or hold a "$", and DuckDB compares names without
# case, so a name of this form cannot be one of them, nor differ from another only by case.
IDENTIFIER = re.compile(r"[a-z][a-z0-9_]{0,62}\Z")
RESERVED = frozenset({"rowid"})  # DuckDB's pseudo-column: a field of this name would hide it
MAX_FIELDS = "CIVHARM_MAX_FIELDS"
MAX_INTEGER = 2**63 - 1  # what an integer field (BIGINT) and a bound on it can hold
MAX_REPEAT = 1000  # RE2's largest repeat count, and so the pattern dialect's
MAX_PATTERN = 1000  # characters of one pattern


def check(schema: dict, where: str) -> list[Problem]:
    """Every problem that makes the schema unusable: too many fields, a name that is not a plain
    identifier, a value no layer can hold, a pattern outside the dialect. Empty: safe to use."""
    fields = schema.get("fields")
    if not isinstance(fields, list):
        return []  # frictionless reports it
    cap = limit(MAX_FIELDS)
    if len(fields) > cap:
        return [Problem("schema-too-many-fields", where, value=f"{len(fields):,}", expected=f"{cap:,}",
                        detail=MAX_FIELDS)]
    out = []
    for i, f in enumerate(fields):
        if not isinstance(f, dict):
            continue
        name = f.get("name")
        if isinstance(name, str) and (not IDENTIFIER.match(name) or name in RESERVED):
            out.append(Problem("schema-field-name", where, column=f"fields/{i}/name", value=_shown(name)))
        pattern = (f.get("constraints") or {}).get("pattern") if isinstance(f.get("constraints"), dict) else None
        if isinstance(pattern, str):
            reason = pattern_problem(pattern)
            if reason:
                out.append(Problem("schema-pattern-unsupported", where, column=f"fields/{i}/constraints/pattern",
                                   value=_shown(pattern), detail=reason))
    out.extend(Problem("schema-invalid", where, detail=note) for note in _bad_values(schema))
    return out


def _shown(text: str) -> str:
    """A name or pattern as the report shows it: at most 200 characters, escapes visible."""
    shown = json.dumps(text, ensure_ascii=True)[1:-1]
    return shown if len(shown) <= 200 else shown[:200] + "..."


def _bad_values(schema: dict) -> list[str]:
    """Values no layer can hold: a number that is not finite (NaN, Infinity, 1e400) or an integer
    past 64 bits anywhere in the schema; an enum or category value that is not a string, number
    or boolean; a length that is not a whole number of at most 2**31."""
    out = []

    def walk(value, path: str) -> None:
        if isinstance(value, float) and not math.isfinite(value):
            out.append(f"{path or 'the schema'} is {value!r}, not a finite JSON number")
        elif isinstance(value, int) and not isinstance(value, bool) and abs(value) > MAX_INTEGER:
            out.append(f"{path or 'the schema'} is an integer of {len(str(abs(value)))} digits, past what a "
                       f"64-bit field can hold")
        elif isinstance(value, dict):
            for k, v in value.items():
                walk(v, f"{path}/{k}" if path else str(k))
        elif isinstance(value, list):
            for i, v in enumerate(value):
                walk(v, f"{path}/{i}" if path else str(i))

    walk(schema, "")
    for i, f in enumerate(schema.get("fields") or []):
        if not isinstance(f, dict):
            continue
        constraints = f.get("constraints") if isinstance(f.get("constraints"), dict) else {}
        values = [(f"fields/{i}/constraints/enum/{j}", v) for j, v in enumerate(constraints.get("enum") or [])
                  ] if isinstance(constraints.get("enum"), list) else []
        cats = f.get("categories")
        values += [(f"fields/{i}/categories/{j}/value", c.get("value")) for j, c in enumerate(cats)
                   if isinstance(c, dict) and "value" in c] if isinstance(cats, list) else []
        out.extend(f"{path} is {type(v).__name__ if v is not None else 'null'}: an enum or category value is "
                   f"a string, a number or a boolean" for path, v in values
                   if v is None or isinstance(v, (list, dict)))
        for prop in ("minLength", "maxLength"):
            n = constraints.get(prop)
            if prop in constraints and not (isinstance(n, int) and not isinstance(n, bool) and 0 <= n <= 2**31):
                out.append(f"fields/{i}/constraints/{prop} is {json.dumps(n)[:40]}, not a whole number from 0 to 2**31")
    return out


# The pattern dialect: what the Table Schema's (XML Schema regular expressions, implicitly
# anchored) and RE2 (DuckDB) and the regex crate (polars) read alike. ^ at the start and $ at
# the end are allowed as the anchors they are in RE2 (civharm's schemas write them; the
# whole pattern is anchored anyway).
_ESCAPES = set("dDsSwW") | set(r"\.-^$|()[]{}*+?/")
_CLASS_ESCAPES = set("dDsSwW") | set(r"\.-^[]")


def pattern_problem(pattern: str) -> str | None:
    """None when the pattern is in the dialect; else what is outside it."""
    if len(pattern) > MAX_PATTERN:
        return f"it has {len(pattern):,} characters, more than {MAX_PATTERN:,}"
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in pattern):
        return "it holds a control character"
    start = 1 if pattern.startswith("^") else 0
    end = len(pattern) - 1 if pattern[start:].endswith("$") and not pattern.endswith("\\$") else len(pattern)
    try:
        _Pattern(pattern[:end], start).parse()
    except _Outside as e:
        return str(e)
    return None


class _Outside(Exception):
    pass


class _Pattern:
    """A recursive-descent reader of the dialect: alternatives of pieces, a piece an atom with at
    most one quantifier. Each level returns the most copies of any atom in it, the product of the
    repeat counts around it (RE2 expands repeats, and refuses a program past its size)."""

    def __init__(self, text: str, start: int = 0):
        self.text, self.at, self.depth = text, start, 0

    def parse(self) -> None:
        self._alternatives()
        if self.at < len(self.text):
            raise _Outside(f"')' at character {self.at + 1} closes no group")

    def _peek(self) -> str:
        return self.text[self.at] if self.at < len(self.text) else ""

    def _alternatives(self) -> int:
        most = 1
        while True:
            while self._peek() not in ("", "|", ")"):
                most = max(most, self._piece())
            if self._peek() != "|":
                return most
            self.at += 1

    def _piece(self) -> int:
        start, c, inner = self.at, self._peek(), 1
        if c == "(":
            if self.text.startswith("(?", self.at):
                raise _Outside(f"'(?' at character {self.at + 1} (non-capturing groups, look-arounds, named "
                               f"groups and flags are not in the dialect)")
            self.at += 1
            self.depth += 1
            if self.depth > 50:
                raise _Outside("groups nested more than 50 deep")
            inner = self._alternatives()
            if self._peek() != ")":
                raise _Outside(f"the group opened at character {start + 1} is not closed")
            self.at += 1
            self.depth -= 1
        elif c == "[":
            self._class()
        elif c == "\\":
            self._escape(_ESCAPES)
        elif c in "*+?{":
            raise _Outside(f"'{c}' at character {self.at + 1} repeats nothing")
        elif c in "^$":
            raise _Outside(f"'{c}' at character {self.at + 1}: anchors only at the pattern's start and end")
        else:
            self.at += 1
        copies = inner * self._quantifier()
        if copies > MAX_REPEAT:
            raise _Outside(f"repeats nested to {copies:,} copies of one part, more than {MAX_REPEAT:,}")
        return copies

    def _quantifier(self) -> int:
        """Reads the quantifier at the cursor, if any: its largest count (1 for none, *, + or ?)."""
        c, count = self._peek(), 1
        if c in ("*", "+", "?"):
            self.at += 1
        elif c == "{":
            m = _REPEAT.match(self.text, self.at)
            if not m:
                raise _Outside(f"'{{' at character {self.at + 1} is not a repeat {{n}}, {{n,}} or {{n,m}}")
            low, high = int(m.group(1)), m.group(3)
            if low > MAX_REPEAT or (high and int(high) > MAX_REPEAT):
                raise _Outside(f"a repeat count over {MAX_REPEAT:,} at character {self.at + 1}")
            if high and int(high) < low:
                raise _Outside(f"the repeat at character {self.at + 1} has its bounds reversed")
            count = max(low, int(high or 0), 1)
            self.at = m.end()
        else:
            return 1
        if self._peek() in ("*", "+", "?", "{"):
            raise _Outside(f"'{self._peek()}' at character {self.at + 1} follows a repeat (lazy and possessive "
                           f"repeats are not in the dialect)")
        return count

    def _escape(self, allowed: set[str]) -> None:
        c = self.text[self.at + 1] if self.at + 1 < len(self.text) else ""
        if c not in allowed:
            raise _Outside(f"the escape '\\{c}' at character {self.at + 1} (back-references, \\b, \\A, \\Z and "
                           f"character escapes other than \\d \\s \\w and escaped punctuation are not in the dialect)")
        self.at += 2

    def _class(self) -> None:
        start = self.at
        self.at += 1
        if self._peek() == "^":
            self.at += 1
        first = True
        while True:
            c = self._peek()
            if c == "":
                raise _Outside(f"the class opened at character {start + 1} is not closed")
            if c == "]" and not first:
                self.at += 1
                return
            if c == "[":
                raise _Outside(f"'[' at character {self.at + 1} inside a class (subtraction, POSIX classes) "
                               f"is not in the dialect")
            if c == "\\":
                self._escape(_CLASS_ESCAPES)
            elif c == "]":
                raise _Outside(f"an empty class at character {start + 1}")
            else:
                self.at += 1
            first = False


_REPEAT = re.compile(r"\{(\d{1,5})(,(\d{0,5}))?\}")
