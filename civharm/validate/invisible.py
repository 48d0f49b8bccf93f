"""Characters that change what text shows, or how it compares, without being seen.

Bidi embeddings, overrides, isolates and marks (U+061C, U+200E-U+200F, U+202A-U+202E,
U+2066-U+2069: the "Trojan Source" characters, which reorder what a reader sees), zero-width
characters (U+200B-U+200D, U+2060-U+2065, U+FEFF) and the line and paragraph separators
(U+2028, U+2029, which JavaScript and many viewers break lines at). The hygiene layer reports
them; `unique` and keys compare text with them removed, so two values that look the same are
the same. Homoglyphs (a Cyrillic а for a Latin a) are not among them: they are visible letters.
"""

from __future__ import annotations

import re

from civharm.metadata.ddl import lit

RANGES = ((0x061C, 0x061C), (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x2069), (0xFEFF, 0xFEFF),
          (0x2028, 0x2029))
# C1 control characters: control characters as much as the C0 ones (U+0085 is a line break to some)
C1 = (0x80, 0x9F)

SQL = "[" + "".join(f"\\x{{{a:x}}}-\\x{{{b:x}}}" if a != b else f"\\x{{{a:x}}}" for a, b in RANGES) + "]"  # RE2
FIRST = re.compile("[" + "".join(f"\\u{a:04x}-\\u{b:04x}" for a, b in RANGES) + "]")


def visible(sql: str) -> str:
    """SQL of the text `sql` with every invisible character removed."""
    return f"regexp_replace({sql}, {lit(SQL)}, '', 'g')"


def code_point(text: str) -> str:
    """The first invisible character of text, escaped (U+202E)."""
    return f"U+{ord(FIRST.search(text).group()):04X}"
