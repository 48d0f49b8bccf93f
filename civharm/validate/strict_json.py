"""What Python's JSON parser accepts and RFC 8259 does not, or reads ambiguously: found at its
place (a path of keys and indexes) in datapackage.json and each schema.

Python reads NaN, Infinity and -Infinity (not JSON), turns a number past a double (1e400) into
infinity, and keeps the last of a key given twice, so `"path"` or `"primaryKey"` written twice
in one object would be judged on a value the reader of the file may not see. Each is reported
as `descriptor-not-json` and the file is not used.
"""

from __future__ import annotations

import json
import math


class _Pairs(dict):
    """An object as parsed, with the keys it gave more than once."""

    repeated: list[str]


def _pairs(pairs: list[tuple[str, object]]) -> _Pairs:
    out = _Pairs(pairs)
    seen: set[str] = set()
    out.repeated = [k for k, _ in pairs if k in seen or seen.add(k)]
    return out


class _Constant:
    def __init__(self, text: str):
        self.text = text


def _float(text: str):
    value = float(text)
    return _Constant(text) if math.isinf(value) else value


def problems(text: str) -> list[tuple[str | None, str]]:
    """Each place where `text` (JSON that Python parses) is not strict JSON: (its path of keys and
    indexes, None at the top level; a note)."""
    tree = json.loads(text, object_pairs_hook=_pairs, parse_constant=_Constant, parse_float=_float)
    out: list[tuple[str | None, str]] = []
    stack: list[tuple[object, str]] = [(tree, "")]
    while stack:  # (not recursive: the parse above bounds the depth, this walk need not recurse)
        value, path = stack.pop()
        where = f"at /{path}" if path else "at the top level"
        if isinstance(value, _Constant):
            out.append((path or None, f"{value.text} {where} is not a JSON number a reader can hold (RFC 8259)"))
        elif isinstance(value, _Pairs):
            out.extend((path or None, f"the key '{k}' is given more than once {where}")
                       for k in dict.fromkeys(value.repeated))
            stack.extend((v, f"{path}/{k}" if path else k) for k, v in reversed(value.items()))
        elif isinstance(value, list):
            stack.extend((v, f"{path}/{i}" if path else str(i)) for i, v in reversed(list(enumerate(value))))
    return out
