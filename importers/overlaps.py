"""Whether a new event may share deaths with an incident already in the package, and the crosswalk
of a person's decisions about it: one rule for every importer that makes incidents (the Airwars
register, other sources' reports), so that no total counts a death twice and no two strikes are
merged silently."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from .register_io import RegisterError, read_rows

MAX_SPAN_DAYS = 3
CROSSWALK_COLUMNS = ("entry", "incident_id", "decision", "source_id", "note")

#: How an entry relates to an incident already in the package, from the incident's side:
#: `same` puts the entry's claims on that incident; `contains`, `contained_by`, `overlaps`,
#: `possible_duplicate` and `companion_entry` make a new incident and a relation; `distinct`
#: makes a new incident and no relation; `skip` (incident_id blank) imports nothing.
DECISIONS = ("same", "contains", "contained_by", "overlaps", "possible_duplicate", "companion_entry",
             "distinct", "skip")

RELATION_OF = {"contains": ("contains", False), "contained_by": ("contains", True),
               "overlaps": ("overlaps", False), "possible_duplicate": ("possible_duplicate", False),
               "companion_entry": ("companion_entry", False)}


@dataclass
class Decision:
    entry: str
    incident_id: str
    decision: str
    source_id: str
    note: str
    line: int


def _days(a: str, b: str) -> int:
    return (dt.date.fromisoformat(b) - dt.date.fromisoformat(a)).days


def candidates(e, incidents: list[dict]) -> list[dict]:
    """The package's incidents an event may share deaths with: active, of its campaign and locality,
    dates overlapping, spanning at most MAX_SPAN_DAYS days (longer aggregates stay unrelated, as the
    methodology says: no source says which of their deaths a strike shares). `e` is any mapping with
    campaign, locality, date_start and date_end."""
    start, end = e["date_start"], e["date_end"] or e["date_start"]
    return [inc for inc in incidents
            if inc["status"] == "active" and inc["campaign"] == e["campaign"]
            and inc["locality"].casefold() == e["locality"].casefold()
            and inc["date_start"] <= end and start <= inc["date_end"]
            and _days(inc["date_start"], inc["date_end"]) < MAX_SPAN_DAYS]


def read_crosswalk(path: Path) -> list[Decision]:
    """The crosswalk's decisions; a missing file is an empty crosswalk."""
    if not path.exists():
        return []
    problems: list[str] = []
    out = []
    for line, c in read_rows(path, CROSSWALK_COLUMNS, problems):
        where = f"{path}:{line}"
        if c["decision"] not in DECISIONS:
            problems.append(f"{where}: decision: {c['decision']!r} is not one of {', '.join(DECISIONS)}")
        elif (c["decision"] == "skip") == bool(c["incident_id"]):
            problems.append(f"{where}: incident_id: " + ("must be blank for skip" if c["decision"] == "skip"
                                                          else f"is required for {c['decision']}"))
        if not c["note"].strip():
            problems.append(f"{where}: note: say why, in our own words")
        out.append(Decision(c["entry"], c["incident_id"], c["decision"], c["source_id"], c["note"], line))
    if problems:
        raise RegisterError(problems)
    return out


def relation_row(fields: list[str], relation_id: str, decision: Decision, existing: str, new: str) -> dict[str, str]:
    """The relation a decision makes between an incident already there and the new one: the
    decision is read from the existing incident's side (`contains`: it holds the new one's deaths)."""
    kind, reverse = RELATION_OF[decision.decision]
    first, second = (new, existing) if reverse else (existing, new)
    row = {f: "" for f in fields}
    row.update({"relation_id": relation_id, "incident_id": first, "related_incident_id": second,
                "relation": kind, "source_id": decision.source_id, "note": decision.note})
    return row


def print_undecided(pairs, crosswalk: str, file) -> None:
    """The crosswalk lines a person must decide, one per (event key, candidate incident), ready to
    paste with DECIDE replaced by a decision."""
    print(f"{len(pairs)} candidate(s) to decide in {crosswalk} (entry,incident_id,decision,source_id,note):",
          file=file)
    for key, inc in pairs:
        print(f"{key},{inc['incident_id']},DECIDE,,\"{inc['date_start']}..{inc['date_end']} "
              f"{inc['locality']}/{inc['neighbourhood'] or '-'} {inc['civilians_killed_min']}-"
              f"{inc['civilians_killed_max']}: {inc['summary'][:90]}\"", file=file)
