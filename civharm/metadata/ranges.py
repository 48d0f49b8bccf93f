"""The methodology's range rule, written once as SQL: an active incident's figures span what
its claims state, and no more.

For every figure (civilians killed, children, women, injured): the incident's `_min` is the
smallest `_min` any of its claims states, and its `_max` the largest `_max` any claim states;
each is blank when no claim states one. So "up to 81" alone gives no minimum, and "at least 32"
alone no maximum. Where claims contradict (one says at least 50, another up to 30) the `_max`
rises to the largest `_min`, so that the range holds every stated figure. A claim that a later
claim supersedes (`superseded_by` set) is left out: the coalition's first admission of 3,
revised to 16, no longer sets a minimum. The validator checks
incidents against it, the importer sets incidents by it, and the DuckDB views show it.
"""

from __future__ import annotations


def figure_stems(field_names: list[str]) -> list[str]:
    """Figures a table records as a `_min`/`_max` pair: ['civilians_killed', 'children_killed', ...]."""
    names = set(field_names)
    return [n[:-4] for n in field_names if n.endswith("_min") and n[:-4] + "_max" in names]


def expected_ranges_sql(stems: list[str], claims: str = "claims") -> str:
    """One row per incident that has current claims: incident_id and the range each figure must have."""
    cols = ",\n       ".join(
        f"min({s}_min) AS {s}_min, CASE WHEN max({s}_max) IS NOT NULL "
        f"THEN greatest(max({s}_max), max({s}_min)) END AS {s}_max" for s in stems)
    return f"SELECT incident_id,\n       {cols}\nFROM {claims}\nWHERE superseded_by IS NULL\nGROUP BY incident_id"
