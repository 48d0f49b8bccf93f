"""The Airwars register and its crosswalk, read and checked.

The register (`curation/airwars_register_*.csv`) is a hand-made transcription of stored Airwars
pages: one row per entry, exactly as a page shows it, in the columns and controlled words
`curation/README.md` defines. The crosswalk (`importers/airwars_crosswalk.csv`) holds the
decisions a person made about how an entry relates to incidents already in the package.
Both are read whole and every problem is reported at once, with file, line and column.
"""

from __future__ import annotations

from pathlib import Path

from ..register_io import (RegisterError, Row, figure_problems, is_date as _date, read_rows as _read, schema_enum,
                           schema_pattern)

COLUMNS = (
    "code", "campaign", "date_start", "date_end", "url", "page_kind", "location_as_shown", "locality",
    "neighbourhood", "latitude", "longitude", "geolocation_accuracy", "local_time",
    "killed_min", "killed_max", "children_min", "children_max", "women_min", "women_max",
    "men_min", "men_max", "injured_min", "injured_max", "airwars_grade", "suspected_attackers",
    "cause", "target", "coalition_label", "coalition_report", "coalition_stated_on",
    "coalition_killed_min", "coalition_killed_max", "general_entry", "relayed_figures",
    "named_victims", "statement", "notes", "found_by")
VICTIM_COLUMNS = ("code", "name_as_published", "sex", "age", "age_group", "outcome", "relation", "via", "url")

PAGE_KINDS = ("incident", "list")
# The register's controlled words are the schemas' own (Airwars' grades capitalised, as its pages
# write them).
CAMPAIGNS = schema_enum("incidents", "campaign")
CAUSES = schema_enum("claims", "cause")
LOCAL_TIME = schema_pattern("claims", "local_time")
LABELS = schema_enum("claims", "belligerent_assessment")
GRADES = tuple(g.capitalize() for g in schema_enum("claims", "source_grade"))
ACCURACY = {  # Airwars' "accuracy of this location" (and the Coalition's box) -> location_precision
    "Exact location (via Airwars)": "point", "Within 1m (via Coalition)": "point",
    "Within 10m (via Coalition)": "point", "Within 100m (via Coalition)": "point",
    "Street": "neighbourhood", "Neighbourhood/area": "neighbourhood",
    "Neighbourhood/area (Airwars' earlier geolocation)": "neighbourhood",
    "Village": "locality", "Town/city": "locality", "City": "locality", "": ""}
FIGURES = ("killed", "children", "women", "men", "injured", "coalition_killed")


class Entry(Row):
    """One register row, checked; `cells` keeps the text, the properties give typed values."""
    @property
    def key(self) -> str:
        """How the crosswalk names it: the code, or for an entry a page shows with no code its URL,
        date and neighbourhood, each where given ('https://airwars.org/?p=32187 2017-03-14 Al-Shafaa')."""
        if self["code"]:
            return self["code"]
        return " ".join(v for v in (self["url"], self["date_start"], self["neighbourhood"]) if v)



def _check(where: str, c: dict[str, str]) -> list[str]:
    out = []

    def bad(column: str, why: str) -> None:
        out.append(f"{where}: {column}: {why}")

    if c["campaign"] not in CAMPAIGNS:
        bad("campaign", f"{c['campaign']!r} is not one of {', '.join(CAMPAIGNS)}")
    if c["page_kind"] not in PAGE_KINDS:
        bad("page_kind", f"{c['page_kind']!r} is not one of {', '.join(PAGE_KINDS)}")
    if not c["url"].startswith("https://"):
        bad("url", "must be the https:// address of the stored page")
    if not c["statement"].strip():
        bad("statement", "is empty: say in our own words what the page reports")
    for col in ("date_start", "date_end"):
        if c[col] and not _date(c[col]):
            bad(col, f"{c[col]!r} is not a date YYYY-MM-DD")
    if c["date_end"] and not c["date_start"]:
        bad("date_end", "is set while date_start is blank")
    if c["date_start"] and c["date_end"] and c["date_end"] < c["date_start"]:
        bad("date_end", f"{c['date_end']} is before date_start {c['date_start']}")
    if (c["latitude"] == "") != (c["longitude"] == ""):
        bad("latitude", "latitude and longitude go together")
    for col, bound in (("latitude", 90), ("longitude", 180)):
        if c[col]:
            try:
                if abs(float(c[col])) > bound:
                    bad(col, f"{c[col]} is out of range")
            except ValueError:
                bad(col, f"{c[col]!r} is not a decimal number (use a dot: 35.95)")
    if c["geolocation_accuracy"] not in ACCURACY:
        bad("geolocation_accuracy", f"{c['geolocation_accuracy']!r} is not one of: "
            + ", ".join(repr(k) for k in ACCURACY if k))
    if c["local_time"] and not LOCAL_TIME.match(c["local_time"]):
        bad("local_time", f"{c['local_time']!r} is not HH:MM or one of dawn, morning, midday, afternoon, evening, night")
    if c["cause"] and c["cause"] not in CAUSES:
        bad("cause", f"{c['cause']!r} is not one of {', '.join(CAUSES)}")
    if c["coalition_label"] and c["coalition_label"] not in LABELS:
        bad("coalition_label", f"{c['coalition_label']!r} is not one of {', '.join(LABELS)}")
    if c["airwars_grade"] and c["airwars_grade"] not in GRADES:
        bad("airwars_grade", f"{c['airwars_grade']!r} is not one of {', '.join(GRADES)}")
    s = c["coalition_stated_on"]
    if s and not (_date(s) or _date(s, "%Y-%m")):
        bad("coalition_stated_on", f"{s!r} is neither YYYY-MM-DD nor YYYY-MM")
    if c["general_entry"] not in ("", "yes"):
        bad("general_entry", f"{c['general_entry']!r} must be 'yes' or blank")
    figure_problems(c, FIGURES, bad)
    return out


def read_register(paths: list[Path]) -> list[Entry]:
    """Every entry of the register files, in file order; RegisterError lists every problem,
    including an entry key (code, or URL and date) given twice."""
    problems: list[str] = []
    entries: list[Entry] = []
    for path in paths:
        for line, cells in _read(path, COLUMNS, problems):
            where = f"{path}:{line}"
            problems.extend(_check(where, cells))
            entries.append(Entry(str(path), line, cells))
    seen: dict[str, str] = {}
    for e in entries:
        if e.key in seen:
            problems.append(f"{e.where}: code: {e.key!r} is already at {seen[e.key]}")
        seen.setdefault(e.key, e.where)
    if problems:
        raise RegisterError(problems)
    return entries


def read_victims(paths: list[Path]) -> list[tuple[str, int, dict[str, str]]]:
    """Every row of the victims files as (file, line, cells)."""
    problems: list[str] = []
    out = []
    for path in paths:
        for line, cells in _read(path, VICTIM_COLUMNS, problems):
            out.append((str(path), line, cells))
    if problems:
        raise RegisterError(problems)
    return out
