"""Import UCDP Georeferenced Event Dataset (GED) events into the civharm package.

    python -m importers.ucdp_ged GED_CSV [--package DIR] [--dry-run] [--review PATH]
                                 [--admin1 NAME] [--from DATE] [--to DATE] [--crosswalk PATH]
    make import-ucdp GED=path [DRY_RUN=1] [REVIEW=path]

What it selects: the GED rows whose adm_1 is --admin1 (any letter case), whose whole date range
(date_start..date_end) lies in --from..--to, and whose deaths_civilians is above 0.

What it writes:
- one `sources` row for the GED release (found again by its URL, never duplicated), and the
  release in datapackage.json's `sources` with its licence (CC BY 4.0);
- one claim per selected event (`claim_type` report), keyed by the GED source and the GED event id
  (`external_id`): a re-run updates that claim in place and never adds a second one. The claim's
  civilians_killed_min = _max = deaths_civilians, UCDP's best estimate of civilian deaths. GED's
  low/best/high count all deaths, not civilians: they are kept in `source_coding` with the rest of
  UCDP's coding (dyad, sides, type of violence, precision codes), never used as civilian bounds.
  The claim names no actor and no means: UCDP's rows do not attribute these deaths (methodology,
  "Attribution");
- for an event that matches no incident, a new incident (next free CH- id), graded
  single_source, means and attribution unknown, figures from its claim;
- for an incident that gains or changes a UCDP claim, its figure ranges recomputed by the
  methodology's range rule (importers/ranges.py), and its grade and belligerent position by
  the grade rule (civharm/grades.py): a UCDP figure can lift a `weak` or `belligerent_only`
  incident to `single_source`, never to `fair` (a compiled dataset is not an independent source).

The matching rule (also in importers/README.md):
1. An event whose claim already exists keeps the incident that claim is on (a re-run never moves
   a claim; a crosswalk line that names another incident makes the import refuse).
2. An event listed in the crosswalk (importers/ucdp_crosswalk.csv, columns ged_id, incident_id,
   note) goes where the crosswalk says: an active incident's id, or `new`. The crosswalk
   overrides the rule and is the only way to settle an ambiguous event or one that needs review.
3. Otherwise its candidates are the active incidents that
   - are in the same country (GED country_id, as ISO 3166-1 alpha-3: 652 is SYR),
   - have a date range (date_start..date_end) that overlaps the event's,
   - lie at most MAX_DISTANCE_KM (5 km; --max-km) away by great-circle distance, when both the
     event and the incident have coordinates (otherwise distance is not a test), and
   - hold no claim from this GED release yet: UCDP's events are distinct by construction, so two
     GED events never merge into one incident by the rule (the crosswalk can still do it).
   No candidate: a new incident. Several: ambiguous.
4. Exactly one candidate is a match only when both places are located finer than a locality:
   the incident's location_precision is `point` or `neighbourhood`, the event's where_prec is 1
   and its where_coordinates names a site, not a whole settlement (a farm, not "Ar Raqqah town"
   or "Ratlah village"), and both have coordinates. Otherwise the event NEEDS REVIEW: where both
   sit at a town's centre (as every Raqqa event and incident coded to the city does), distance
   tells nothing and the rule would come down to "same dates", which in a city bombed daily
   pairs different strikes.
5. An event is also ambiguous when it has any candidate and UCDP codes it as an aggregate of
   several clashes (event_clarity 2), or when the rule matches it to an incident that another
   event of this run also goes to.
Any event that is ambiguous or needs review makes the import refuse (exit 1, nothing written)
and print crosswalk lines to paste, so that nothing is double counted or misattached silently:
a person decides each one in the crosswalk.

Exit status: 0 imported (or planned, with --dry-run); 1 refused (events that are ambiguous or
need review, or the crosswalk contradicts claims already in the package), nothing written;
2 bad input (no such file, not a GED CSV: the missing columns are named, unreadable package or
crosswalk).
"""

from __future__ import annotations

import argparse
import calendar
import csv
import io
import math
import sys
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from civharm.metadata.package import id_sort_key
from .package_io import (IdAllocator, Package, PackageError, dump_descriptor, load_package, released_ids,
                         write_atomically)
from .ranges import FIGURE_STEMS, RANGE_FIELDS, ranges_by_incident
from civharm.metadata.grades import DERIVED_FIELDS, derived_from_rows
from civharm.validate.engine import CannotRun, validate  # the importer edits only a valid package

EXIT_OK, EXIT_REFUSED, EXIT_BAD_INPUT = 0, 1, 2

# --- The release and how it is credited -----------------------------------------------------------

GED_VERSION = "19.1"
GED_URL = "https://ucdp.uu.se/downloads/"
GED_PUBLISHER = "Uppsala Conflict Data Program (UCDP)"
GED_TITLE = f"UCDP Georeferenced Event Dataset (GED) version {GED_VERSION}: Syria extract, 2016-01-01 to 2019-11-30"
GED_CITATIONS = (
    "Sundberg, Ralph and Erik Melander (2013) 'Introducing the UCDP Georeferenced Event Dataset', "
    "Journal of Peace Research 50(4): 523-532; Högbladh, Stina (2019) 'UCDP GED Codebook version 19.1', "
    "Department of Peace and Conflict Research, Uppsala University")
GED_SOURCE_NOTES = (
    f"Cite as: {GED_CITATIONS}. Licensed CC BY 4.0: redistributed with this citation. The extract is "
    "the UCDP download centre's file ged_syria.csv.zip ('GED Syria 20160101-20191130 (652.1601.1911)', "
    "obtained 2020-01-10), with the variables of the GED 19.1 codebook. Imported by importers/ucdp_ged.py: "
    "one claim per event with the GED event id as external_id; deaths_civilians is UCDP's best estimate "
    "of civilian deaths, while low, best and high count all deaths and are kept in source_coding.")
#: The entry credited in datapackage.json's `sources` (Data Package v2: title, path, version).
DESCRIPTOR_SOURCE = {
    "title": f"UCDP Georeferenced Event Dataset (GED) version {GED_VERSION}, Syria extract, by the "
             f"{GED_PUBLISHER}; licensed CC BY 4.0; cite {GED_CITATIONS}",
    "path": GED_URL,
    "version": GED_VERSION,
}

# --- Matching ----------------------------------------------------------------------------------------

MAX_DISTANCE_KM = 5.0
#: An incident's location_precision values that locate it finer than a locality: only these can
#: be matched by the rule (rule 4). An event qualifies when where_prec is 1 and where_coordinates
#: names a site rather than a settlement (location_precision() gives 'point').
FINE_PRECISION = ("point", "neighbourhood")
EARTH_RADIUS_KM = 6371.0088
DEFAULT_CROSSWALK = Path(__file__).with_name("ucdp_crosswalk.csv")
CROSSWALK_COLUMNS = ("ged_id", "incident_id", "note")

# --- Mapping GED's places and codes onto the package's ---------------------------------------------

DEFAULT_ADMIN1 = "Ar Raqqah governorate"
DEFAULT_FROM, DEFAULT_TO = "2017-06-01", "2017-10-31"


@dataclass(frozen=True)
class Area:
    """A GED adm_1 the package covers: its spelling here, its campaign and the campaign's months."""
    admin1: str
    campaign: str
    first: date
    last: date


#: GED adm_1 (lower case) -> the package's admin1 (UN OCHA spelling), campaign and period.
AREAS = {
    "ar raqqah governorate": Area("Ar-Raqqa", "raqqa-2017", date(2017, 6, 1), date(2017, 10, 31)),
}
#: GED adm_2 without " district" -> the package's spelling (UN OCHA); others are kept as GED spells them.
ADMIN2 = {"Ar Raqqah": "Ar-Raqqa", "Ath Thawrah": "Ath-Thawrah", "Tall Abyad": "Tell Abiad"}
#: GED place names without their kind -> the package's spelling of the locality.
LOCALITY = {"Ar Raqqah": "Raqqa"}
#: How GED's where_coordinates names a settlement ("Ar Raqqah town", "Ratlah village").
SETTLEMENT_SUFFIXES = (" city", " town", " village", " locality")
#: Gleditsch and Ward country number (GED country_id) -> ISO 3166-1 alpha-3.
COUNTRY_BY_GW = {652: "SYR", 645: "IRQ"}

#: GED where_prec -> the package's location_precision (what the coordinates point at). Codes 1
#: and 2 depend on what where_coordinates names; see location_precision().
WHERE_PREC = {
    1: "exact location known: the coordinates are those of the named place",
    2: "within about 25 km of a known point, which is the one coded",
    3: "only the district (adm_2) is known; its centre is coded",
    4: "only the governorate (adm_1) is known; its centre is coded",
    5: "only a line or fuzzy area is known (a river, a road, a region); a point on it is coded",
    6: "only the country is known",
    7: "international waters or airspace",
}
DATE_PREC = {1: "the day", 2: "a 2-6 day range", 3: "the week", 4: "the month (an 8-30 day range)",
             5: "a range of more than a month"}
VIOLENCE = {1: "state-based conflict", 2: "non-state conflict", 3: "one-sided violence"}

#: Columns the importer reads; a CSV without any of them is not a GED CSV (exit 2, named).
GED_COLUMNS = (
    "id", "type_of_violence", "conflict_name", "dyad_name", "side_a", "side_b", "number_of_sources",
    "where_prec", "where_coordinates", "adm_1", "adm_2", "latitude", "longitude", "country",
    "country_id", "event_clarity", "date_prec", "date_start", "date_end", "deaths_a", "deaths_b",
    "deaths_civilians", "deaths_unknown", "low", "best", "high",
)
#: UCDP's own coding, kept in the claim's source_coding as 'key=value; key=value', in this order.
CODING_KEYS = (
    "type_of_violence", "conflict_name", "dyad_name", "side_a", "side_b", "where_prec", "date_prec",
    "event_clarity", "number_of_sources", "deaths_a", "deaths_b", "deaths_unknown", "low", "best", "high",
)

#: Claim fields the importer owns: a re-run rewrites them from GED. claim_id and incident_id
#: never change; cited_source_id and notes are set when the claim is made and then left to curators.
CLAIM_OWNED = (
    "source_id", "claim_type", "date_start", "date_end", "place", "means", "actor_id",
    *RANGE_FIELDS, "external_id", "external_url", "source_coding", "statement",
)

#: Enum values the importer writes; checked against the schemas before anything is planned.
SCHEMA_VALUES = {
    "incidents": {"status": ["active"], "campaign": sorted({a.campaign for a in AREAS.values()}),
                  "date_precision": ["day", "range", "month"],
                  "location_precision": ["point", "locality", "admin2", "admin1", "country"],
                  "means": ["unknown"], "attribution": ["unknown"], "grade": ["single_source"]},
    "claims": {"claim_type": ["report"]},
    "sources": {"source_type": ["dataset"], "category": ["dataset"]},
}

MONTHS = [calendar.month_name[m] for m in range(13)]  # 'C' locale names, whatever the user's locale


class BadInput(Exception):
    """Exit 2: the input cannot be used; the message says why."""


class Refused(Exception):
    """Exit 1: the import would be wrong, ambiguous or unreviewed; nothing is written."""


# --- Reading GED -----------------------------------------------------------------------------------


@dataclass
class Event:
    line: int
    row: dict[str, str]
    ged_id: str
    start: date
    end: date
    civilians: int
    lat: float | None
    lon: float | None
    country: str
    where_prec: int
    date_prec: int
    event_clarity: int
    violence: int

    @property
    def sort_key(self) -> tuple:
        return (self.start, self.end, int(self.ged_id))

    def get(self, column: str) -> str:
        return " ".join(self.row.get(column, "").split())


@dataclass
class Selection:
    events: list[Event]
    rows: int = 0
    in_admin1: int = 0
    outside_window: int = 0
    no_civilians: int = 0


class _Progress:
    """Prints a progress line to stderr, but only once the work has taken more than a second."""

    def __init__(self, what: str):
        self.what, self.t0, self.shown, self.last = what, time.monotonic(), False, 0.0

    def tick(self, n: int) -> None:
        if n % 1000:
            return
        now = time.monotonic()
        if now - self.t0 > 1.0 and now - self.last > 1.0:
            print(f"\r{self.what}: {n:,}…", end="", file=sys.stderr, flush=True)
            self.shown, self.last = True, now

    def done(self, n: int) -> None:
        if self.shown:
            print(f"\r{self.what}: {n:,}, done.", file=sys.stderr, flush=True)


def _date(text: str) -> date:
    """GED writes '2017-08-20' or '2017-08-20 00:00:00.000'; the day is what counts."""
    text = text.strip()
    if len(text) < 10 or (len(text) > 10 and text[10] not in " T"):
        raise ValueError(text)
    return date.fromisoformat(text[:10])


def read_ged(path: Path, admin1: str, first: date, last: date) -> Selection:
    """The GED events to import: BadInput when the file is missing, foreign or has bad values."""
    if not path.is_file():
        raise BadInput(f"{path}: no such file")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as e:
        raise BadInput(f"{path}: cannot read it ({e.strerror or e})") from e
    except UnicodeDecodeError as e:
        raise BadInput(f"{path}: not UTF-8 text, so not a GED CSV (byte {e.start})") from e
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as e:
        raise BadInput(f"{path}: not a readable CSV ({e})") from e
    if not header:
        raise BadInput(f"{path}: the file is empty, so not a GED CSV")
    header = [h.strip() for h in header]
    missing = [c for c in GED_COLUMNS if c not in header]
    if missing:
        raise BadInput(
            f"{path}: not a UCDP GED CSV: its header lacks {len(missing)} of the {len(GED_COLUMNS)} GED columns "
            f"the importer needs: {', '.join(missing)}. "
            "Use the GED CSV from UCDP's download centre (https://ucdp.uu.se/downloads/).")
    index = {name: i for i, name in enumerate(header)}
    want = admin1.strip().casefold()
    sel = Selection([])
    errors: list[str] = []
    seen_admin1: dict[str, int] = {}
    ids: dict[str, int] = {}
    progress = _Progress(f"reading {path.name}")
    try:
        for record in reader:
            progress.tick(reader.line_num)
            if not record:
                continue
            sel.rows += 1
            line = reader.line_num
            if len(record) != len(header):
                errors.append(f"line {line}: {len(record)} cells where the header has {len(header)}")
                continue
            adm1 = record[index["adm_1"]].strip()
            seen_admin1[adm1] = seen_admin1.get(adm1, 0) + 1
            if adm1.casefold() != want:
                continue
            sel.in_admin1 += 1
            row = {name: record[i] for name, i in index.items()}
            event = _parse_event(row, line, errors)
            if event is None:
                continue
            if not (first <= event.start and event.end <= last):
                sel.outside_window += 1
                continue
            if event.civilians <= 0:
                sel.no_civilians += 1
                continue
            if event.ged_id in ids:
                errors.append(f"line {line}: id {event.ged_id} is also on line {ids[event.ged_id]}")
                continue
            ids[event.ged_id] = line
            sel.events.append(event)
    except csv.Error as e:
        raise BadInput(f"{path}, line {reader.line_num}: not a readable CSV ({e})") from e
    progress.done(sel.rows)
    if errors:
        shown = "\n  ".join(errors[:20]) + (f"\n  … and {len(errors) - 20} more" if len(errors) > 20 else "")
        raise BadInput(f"{path}: {len(errors)} row(s) cannot be read:\n  {shown}")
    if sel.in_admin1 == 0:
        known = ", ".join(f"'{k}'" for k, _ in sorted(seen_admin1.items(), key=lambda kv: -kv[1])[:20] if k)
        raise BadInput(f"{path}: no row has adm_1 '{admin1}'. Values found: {known or '(none)'}.")
    sel.events.sort(key=lambda e: e.sort_key)
    return sel


def _parse_event(row: dict[str, str], line: int, errors: list[str]) -> Event | None:
    bad: list[str] = []

    def integer(col: str, low: int | None = None, high: int | None = None) -> int:
        try:
            v = int(row[col].strip())
        except ValueError:
            bad.append(f"{col}={row[col]!r} is not a whole number")
            return 0
        if (low is not None and v < low) or (high is not None and v > high):
            bad.append(f"{col}={v} is outside {low}..{high}")
        return v

    def coordinate(col: str, limit: float) -> float | None:
        text = row[col].strip()
        if not text:
            return None
        try:
            v = float(text)
        except ValueError:
            bad.append(f"{col}={text!r} is not a number")
            return None
        if not -limit <= v <= limit:
            bad.append(f"{col}={v} is outside -{limit:g}..{limit:g}")
        return v

    ged_id = row["id"].strip()
    if not ged_id.isdigit():
        bad.append(f"id={ged_id!r} is not a GED event id (a whole number)")
    dates = []
    for col in ("date_start", "date_end"):
        try:
            dates.append(_date(row[col]))
        except ValueError:
            bad.append(f"{col}={row[col]!r} is not a date (YYYY-MM-DD)")
    civilians = integer("deaths_civilians", 0)
    where_prec = integer("where_prec", 1, 7)
    date_prec = integer("date_prec", 1, 5)
    clarity = integer("event_clarity", 1, 2)
    violence = integer("type_of_violence", 1, 3)
    gw = integer("country_id")
    for col in ("deaths_a", "deaths_b", "deaths_unknown", "low", "best", "high", "number_of_sources"):
        integer(col, 0)
    lat, lon = coordinate("latitude", 90), coordinate("longitude", 180)
    if (lat is None) != (lon is None):
        bad.append("latitude and longitude must be given together")
    if not bad and gw not in COUNTRY_BY_GW:
        bad.append(f"country_id={gw} ({row['country']}) has no ISO code in COUNTRY_BY_GW")
    if len(dates) == 2 and dates[1] < dates[0]:
        bad.append(f"date_end {dates[1]} is before date_start {dates[0]}")
    if bad:
        errors.append(f"line {line} (id {ged_id}): " + "; ".join(bad))
        return None
    return Event(line, row, ged_id, dates[0], dates[1], civilians, lat, lon, COUNTRY_BY_GW[gw],
                 where_prec, date_prec, clarity, violence)


# --- The crosswalk ---------------------------------------------------------------------------------


@dataclass
class CrosswalkEntry:
    ged_id: str
    incident_id: str  # an incident id or 'new'
    note: str
    line: int


def read_crosswalk(path: Path, required: bool) -> dict[str, CrosswalkEntry]:
    if not path.is_file():
        if required:
            raise BadInput(f"crosswalk {path}: no such file")
        return {}
    try:
        text = path.read_bytes().decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise BadInput(f"crosswalk {path}: cannot read it ({e})") from e
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        return {}
    header = [h.strip() for h in rows[0]]
    missing = [c for c in CROSSWALK_COLUMNS[:2] if c not in header]
    if missing:
        raise BadInput(f"crosswalk {path}: its header lacks {', '.join(missing)} "
                       f"(expected: {','.join(CROSSWALK_COLUMNS)})")
    at = {name: header.index(name) for name in CROSSWALK_COLUMNS if name in header}
    out: dict[str, CrosswalkEntry] = {}
    errors = []
    for n, row in enumerate(rows[1:], start=2):
        cell = lambda name: row[at[name]].strip() if name in at and at[name] < len(row) else ""  # noqa: E731
        ged_id, target, note = cell("ged_id"), cell("incident_id"), cell("note")
        if not ged_id.isdigit():
            errors.append(f"row {n}: ged_id {ged_id!r} is not a GED event id")
        elif not (target == "new" or (target.startswith("CH-") and target[3:].isdigit() and len(target) >= 9)):
            errors.append(f"row {n}: incident_id {target!r} is neither an incident id (CH-000123) nor 'new'")
        elif ged_id in out:
            errors.append(f"row {n}: ged_id {ged_id} is already on row {out[ged_id].line}")
        else:
            out[ged_id] = CrosswalkEntry(ged_id, target, note, n)
    if errors:
        raise BadInput(f"crosswalk {path}:\n  " + "\n  ".join(errors))
    return out


# --- Matching --------------------------------------------------------------------------------------


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle (haversine) distance on a sphere of the Earth's mean radius."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def date_gap_days(a: tuple[date, date], b: tuple[date, date]) -> int:
    """Days between two date ranges: 0 when they overlap."""
    if a[0] <= b[1] and b[0] <= a[1]:
        return 0
    return (b[0] - a[1]).days if b[0] > a[1] else (a[0] - b[1]).days


@dataclass
class Incident:
    incident_id: str
    status: str
    country: str
    start: date | None
    end: date | None
    lat: float | None
    lon: float | None
    location_precision: str = ""


@dataclass
class Candidate:
    incident_id: str
    distance_km: float | None
    gap_days: int

    def __str__(self) -> str:
        d = "no coordinates" if self.distance_km is None else f"{self.distance_km:.2f} km"
        return f"{self.incident_id} ({d}, {self.gap_days} d)"


@dataclass
class Decision:
    event: Event
    kind: str  # existing | crosswalk | matched | new | ambiguous | review
    incident_id: str | None = None  # where the claim goes (assigned for new incidents later)
    creates_incident: bool = False
    candidates: list[Candidate] = field(default_factory=list)
    reason: str = ""
    note: str = ""  # the crosswalk's note, for the review
    claim_id: str | None = None  # the existing claim, if any
    link: Candidate | None = None  # distance and gap to incident_id, when it existed before the run
    nearest: Candidate | None = None  # for new incidents: the nearest existing one, for review


def _float(text: str) -> float | None:
    try:
        return float(text) if text.strip() else None
    except ValueError:
        return None


def _date_or_none(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _measure(event: Event, inc: Incident) -> Candidate:
    dist = None
    if event.lat is not None and inc.lat is not None and inc.lon is not None:
        dist = distance_km(event.lat, event.lon, inc.lat, inc.lon)
    gap = date_gap_days((event.start, event.end), (inc.start, inc.end)) if inc.start and inc.end else 0
    return Candidate(inc.incident_id, dist, gap)


def event_is_fine(ev: Event) -> bool:
    """True when GED locates the event finer than a locality: the exact location (where_prec 1) of a
    named site that is not a whole settlement (a farm, a dam; not "Ar Raqqah town")."""
    return ev.where_prec == 1 and ev.lat is not None and location_precision(ev) == "point"


def _too_coarse(ev: Event, inc: Incident, cand: Candidate) -> str:
    """Why the rule may not match this event to its single candidate ('' when it may)."""
    problems = []
    if inc.location_precision not in FINE_PRECISION:
        problems.append(f"{inc.incident_id} is located only to its {inc.location_precision or 'unknown precision'}")
    if not event_is_fine(ev):
        wc = ev.get("where_coordinates") or "no place"
        problems.append(f"GED locates the event only to {wc} (where_prec {ev.where_prec})")
    if not problems and cand.distance_km is None:
        problems.append("a distance cannot be measured (coordinates missing)")
    return " and ".join(problems)


def match(events: list[Event], incidents_rows: list[dict], claims_rows: list[dict], source_id: str | None,
          crosswalk: dict[str, CrosswalkEntry], max_km: float) -> list[Decision]:
    """Decide, for each event, which incident its claim goes to (the module docstring's rule)."""
    incidents = {
        r["incident_id"]: Incident(r["incident_id"], r["status"], r["country"], _date_or_none(r["date_start"]),
                                   _date_or_none(r["date_end"]), _float(r["latitude"]), _float(r["longitude"]),
                                   r.get("location_precision", ""))
        for r in incidents_rows}
    existing: dict[str, dict] = {}
    holds_ged: set[str] = set()
    duplicates = []
    if source_id is not None:
        for c in claims_rows:
            if c["source_id"] == source_id:
                holds_ged.add(c["incident_id"])
                if c["external_id"] in existing:
                    duplicates.append(c["external_id"])
                existing.setdefault(c["external_id"], c)
    if duplicates:
        raise Refused(f"claims.csv already holds several claims of the GED source {source_id} for event(s) "
                      f"{', '.join(sorted(set(duplicates), key=int))}; keep one claim per event, then import again.")
    active = [i for i in incidents.values() if i.status == "active" and i.start and i.end]
    decisions: list[Decision] = []
    conflicts = []
    for ev in events:
        cw = crosswalk.get(ev.ged_id)
        claim = existing.get(ev.ged_id)
        if claim is not None:
            d = Decision(ev, "existing", claim["incident_id"], claim_id=claim["claim_id"],
                         reason=f"its claim {claim['claim_id']} is already on {claim['incident_id']}")
            if cw is not None and cw.incident_id not in ("new", claim["incident_id"]):
                conflicts.append(f"{ev.ged_id}: the crosswalk (row {cw.line}) says {cw.incident_id}, but its claim "
                                 f"{claim['claim_id']} is on {claim['incident_id']}")
            inc = incidents.get(claim["incident_id"])
            d.link = _measure(ev, inc) if inc else None
            decisions.append(d)
            continue
        cands = []
        for inc in active:
            if inc.country != ev.country or inc.incident_id in holds_ged:
                continue
            c = _measure(ev, inc)
            if c.gap_days == 0 and (c.distance_km is None or c.distance_km <= max_km):
                cands.append(c)
        cands.sort(key=lambda c: id_sort_key(c.incident_id))
        if cw is not None:
            # The rule's candidates are kept for the review report, so that a decision can be checked.
            if cw.incident_id == "new":
                decisions.append(Decision(ev, "crosswalk", None, creates_incident=True, candidates=cands,
                                          reason=f"crosswalk row {cw.line}: new", note=cw.note))
            else:
                inc = incidents.get(cw.incident_id)
                if inc is None:
                    raise BadInput(f"crosswalk row {cw.line}: event {ev.ged_id} -> {cw.incident_id}, "
                                   "which is not in incidents.csv")
                if inc.status != "active":
                    raise BadInput(f"crosswalk row {cw.line}: event {ev.ged_id} -> {cw.incident_id}, which is "
                                   f"{inc.status}, not active; point it at the active incident instead")
                decisions.append(Decision(ev, "crosswalk", cw.incident_id, link=_measure(ev, inc), candidates=cands,
                                          reason=f"crosswalk row {cw.line}", note=cw.note))
            continue
        if not cands:
            decisions.append(Decision(ev, "new", None, creates_incident=True, reason="no incident matches"))
        elif len(cands) > 1:
            decisions.append(Decision(ev, "ambiguous", None, candidates=cands,
                                      reason=f"{len(cands)} incidents match"))
        elif ev.event_clarity == 2:
            decisions.append(Decision(ev, "ambiguous", None, candidates=cands,
                                      reason="UCDP codes it as an aggregate of several clashes (event_clarity 2)"))
        elif (coarse := _too_coarse(ev, incidents[cands[0].incident_id], cands[0])):
            decisions.append(Decision(ev, "review", None, candidates=cands,
                                      reason=f"one incident matches, but {coarse}: the rule cannot tell strikes "
                                             "apart there"))
        else:
            decisions.append(Decision(ev, "matched", cands[0].incident_id, candidates=cands, link=cands[0],
                                      reason="one incident matches, both located finer than a locality"))
    if conflicts:
        raise Refused("the crosswalk contradicts claims already in the package (the importer never moves a "
                      "claim; move it by hand, or correct the crosswalk):\n  " + "\n  ".join(conflicts))
    # Two events of this run on one incident by the rule: UCDP counts them as different events.
    targets: dict[str, list[Decision]] = {}
    for d in decisions:
        if d.kind in ("matched", "crosswalk") and d.incident_id:
            targets.setdefault(d.incident_id, []).append(d)
    for inc_id, ds in targets.items():
        if len(ds) > 1:
            for d in ds:
                if d.kind == "matched":
                    others = ", ".join(o.event.ged_id for o in ds if o is not d)
                    d.kind, d.incident_id, d.link = "ambiguous", None, None
                    d.reason = f"the rule matches {inc_id}, which event(s) {others} of this run also go to"
    # For review: the nearest existing incident to each event that gets a new one and had no candidate.
    for d in decisions:
        if d.creates_incident and not d.candidates:
            near = [_measure(d.event, i) for i in active if i.country == d.event.country]
            if near:
                d.nearest = min(near, key=lambda c: (c.gap_days, math.inf if c.distance_km is None else c.distance_km,
                                                     id_sort_key(c.incident_id)))
    return decisions


# --- Building the rows -----------------------------------------------------------------------------


def _strip_kind(name: str) -> tuple[str, bool]:
    """'Ar Raqqah town' -> ('Ar Raqqah', True); 'Rabia farm' -> ('Rabia farm', False)."""
    for suffix in SETTLEMENT_SUFFIXES:
        if name.lower().endswith(suffix):
            return name[: -len(suffix)].strip(), True
    return name, False


def location_precision(ev: Event) -> str:
    """GED where_prec -> location_precision.

    1 -> locality when where_coordinates names a settlement (its centre is what GED codes), point
    otherwise (a farm, a dam: the site itself); 2 -> locality (the known point near the event);
    3 -> admin2; 4 -> admin1; 5 -> admin1 (a point on a river, road or vague region: nothing
    finer is known); 6 and 7 -> country.
    """
    if ev.where_prec in (1, 2):
        _, settlement = _strip_kind(ev.get("where_coordinates"))
        return "locality" if settlement or ev.where_prec == 2 else "point"
    return {3: "admin2", 4: "admin1", 5: "admin1"}.get(ev.where_prec, "country")


def date_precision(ev: Event) -> str:
    """GED date_prec -> date_precision: 1 day; 2, 3 and 5 range; 4 month when the dates span one
    calendar month exactly, range otherwise. A single day is always 'day', a span never is."""
    if ev.start == ev.end:
        return "day"
    if ev.date_prec == 4 and ev.start.day == 1 and ev.start.replace(
            day=calendar.monthrange(ev.start.year, ev.start.month)[1]) == ev.end:
        return "month"
    return "range"


def admin2(ev: Event) -> str:
    name = ev.get("adm_2")
    if name.lower().endswith(" district"):
        name = name[: -len(" district")].strip()
    return ADMIN2.get(name, name)


def locality_and_landmark(ev: Event) -> tuple[str, str]:
    """(locality, neighbourhood) from where_coordinates, for where_prec 1 and 2 only."""
    if ev.where_prec not in (1, 2):
        return "", ""
    name, settlement = _strip_kind(ev.get("where_coordinates"))
    if settlement:
        return LOCALITY.get(name, name), ""
    return "", name  # a farm, a dam, a crossing: a landmark, not a locality


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _iso_dates(ev: Event) -> str:
    if ev.start == ev.end:
        return f"on {ev.start.isoformat()}"
    return f"between {ev.start.isoformat()} and {ev.end.isoformat()}"


def _long(d: date, year: bool = True, month: bool = True) -> str:
    return f"{d.day}" + (f" {MONTHS[d.month]}" if month else "") + (f" {d.year}" if year else "")


def _long_dates(ev: Event) -> str:
    s, e = ev.start, ev.end
    if s == e:
        return f"on {_long(s)}"
    if date_precision(ev) == "month":
        return f"in {MONTHS[s.month]} {s.year}"
    if (s.year, s.month) == (e.year, e.month):
        return f"between {_long(s, year=False, month=False)} and {_long(e)}"
    if s.year == e.year:
        return f"between {_long(s, year=False)} and {_long(e)}"
    return f"between {_long(s)} and {_long(e)}"


def _where_ged(ev: Event) -> str:
    """Where UCDP puts the event, in its own names."""
    wc = ev.get("where_coordinates") or ev.get("adm_2") or ev.get("adm_1") or ev.get("country")
    return {1: f"at {wc}", 2: f"near {wc} (within about 25 km)", 3: f"in {wc}", 4: f"in {wc}",
            5: f"around {wc}", 6: f"in {ev.get('country')}"}.get(ev.where_prec, f"at {wc}")


def _coding_value(text: str) -> str:
    # '; ' separates pairs: keep values from containing it.
    return " ".join(text.replace(";", ",").split())


def source_coding(ev: Event) -> str:
    return "; ".join(f"{k}={_coding_value(ev.row.get(k, ''))}" for k in CODING_KEYS)


def _dyad_phrase(ev: Event) -> str:
    if ev.violence == 3:
        return f"as one-sided violence by {ev.get('side_a')} (its {ev.get('dyad_name')} dyad)"
    return f"in its {ev.get('dyad_name')} dyad ({VIOLENCE[ev.violence]})"


def claim_statement(ev: Event) -> str:
    text = (f"UCDP GED {GED_VERSION} codes {_plural(ev.civilians, 'civilian death')} {_iso_dates(ev)} "
            f"{_where_ged(ev)}, {_dyad_phrase(ev)}. Its count of all deaths in the event is {ev.get('best')} "
            f"(low {ev.get('low')}, high {ev.get('high')}).")
    if ev.event_clarity == 2:
        text += " It marks the event as a total its sources gave for several clashes (event clarity 2)."
    return text


def claim_place(ev: Event) -> str:
    wc, adm2 = ev.get("where_coordinates"), ev.get("adm_2")
    if wc and adm2 and adm2 != wc:
        return f"{wc}, {adm2}"
    return wc or adm2 or ev.get("adm_1")


def claim_fields(ev: Event, source_id: str) -> dict[str, str]:
    """The importer-owned fields of the event's claim (CLAIM_OWNED)."""
    n = str(ev.civilians)
    out = {f: "" for f in CLAIM_OWNED}
    out.update({
        "source_id": source_id, "claim_type": "report",
        "date_start": ev.start.isoformat(), "date_end": ev.end.isoformat(),
        "place": claim_place(ev), "means": "", "actor_id": "",
        "civilians_killed_min": n, "civilians_killed_max": n,
        "external_id": ev.ged_id, "external_url": "",
        "source_coding": source_coding(ev), "statement": claim_statement(ev),
    })
    return out


def _place_phrase(ev: Event, inc: dict) -> str:
    prec = inc["location_precision"]
    if inc["locality"]:
        return ("in or near " if ev.where_prec == 2 else "in ") + inc["locality"]
    if inc["neighbourhood"]:
        return ("near " if ev.where_prec == 2 else "at ") + inc["neighbourhood"]
    if prec == "admin2" and inc["admin2"]:
        return f"in {inc['admin2']} district"
    if ev.where_prec == 5:
        return f"around {ev.get('where_coordinates')}"
    if prec in ("admin1", "admin2") and inc["admin1"]:
        return f"in {inc['admin1']} governorate"
    return f"in {ev.get('country')}"


def incident_summary(ev: Event, inc: dict) -> str:
    killed = "killed in all" if ev.event_clarity == 2 else "killed"
    text = (f"UCDP GED {GED_VERSION} records {_plural(ev.civilians, 'civilian')} {killed} "
            f"{_place_phrase(ev, inc)} {_long_dates(ev)}")
    if ev.event_clarity == 2:
        text += ", as a total for several clashes"
    if ev.violence == 3:
        return text + f", which it codes as one-sided violence by {ev.get('side_a')}."
    return text + f", in fighting it codes to its {ev.get('dyad_name')} dyad; it does not say who caused the deaths."


def incident_notes(ev: Event, claim_id: str) -> str:
    parts = [f"Created by the UCDP GED importer from UCDP GED {GED_VERSION} event {ev.ged_id} (claim {claim_id}); "
             "graded single_source until another source corroborates it."]
    if ev.violence == 3:
        parts.append(f"UCDP codes the deaths as one-sided violence by {ev.get('side_a')}; like every imported event, "
                     "the incident names no actor until a curated claim does (see the methodology), and the "
                     "means are unknown.")
    else:
        parts.append(f"UCDP counts the deaths under its {ev.get('dyad_name')} dyad without saying who caused them, "
                     "so means and attribution are unknown.")
    if ev.where_prec == 2:
        parts.append(f"UCDP places the event within about 25 km of {ev.get('where_coordinates')} (where_prec 2).")
    elif ev.where_prec >= 3:
        parts.append(f"UCDP's location is coarse: {WHERE_PREC[ev.where_prec]} (where_prec {ev.where_prec}).")
    if ev.date_prec > 1:
        parts.append(f"UCDP knows the date only to {DATE_PREC[ev.date_prec]} (date_prec {ev.date_prec}).")
    if ev.event_clarity == 2:
        parts.append("UCDP built the event from a total its sources gave for several clashes (event_clarity 2), "
                     "so it may overlap other incidents.")
    offices = list(dict.fromkeys(o.strip() for o in ev.row.get("source_office", "").split(";") if o.strip()))
    if offices:
        names = offices[0] if len(offices) == 1 else ", ".join(offices[:-1]) + " and " + offices[-1]
        count = int(ev.get("number_of_sources") or len(offices))
        text = f"UCDP codes it from {_plural(count, 'report')} by {names}"
        if any(o.lower() == "airwars" for o in offices):
            text += "; since it cites Airwars, an Airwars claim would not be independent of it"
        parts.append(text + ".")
    return " ".join(parts)


def new_incident(ev: Event, incident_id: str, claim_id: str, fields: list[str], area: Area) -> dict[str, str]:
    locality, landmark = locality_and_landmark(ev)
    inc = {f: "" for f in fields}
    inc.update({
        "incident_id": incident_id, "status": "active", "campaign": area.campaign,
        "date_start": ev.start.isoformat(), "date_end": ev.end.isoformat(), "date_precision": date_precision(ev),
        "country": ev.country, "admin1": area.admin1, "admin2": admin2(ev), "locality": locality,
        "neighbourhood": landmark,
        "latitude": ev.get("latitude"), "longitude": ev.get("longitude"),
        "location_precision": location_precision(ev), "means": "unknown", "actor_id": "",
        "attribution": "unknown", "grade": "single_source",
    })
    inc["summary"] = incident_summary(ev, inc)
    inc["notes"] = incident_notes(ev, claim_id)
    return inc


def ged_source_row(source_id: str, fields: list[str]) -> dict[str, str]:
    row = {f: "" for f in fields}
    row.update({
        "source_id": source_id, "source_type": "dataset", "category": "dataset", "publisher": GED_PUBLISHER,
        "author": "", "title": GED_TITLE, "url": GED_URL, "language": "en", "licence": "CC-BY-4.0",
        "notes": GED_SOURCE_NOTES,
    })
    return row


def _same_url(a: str, b: str) -> bool:
    return a.strip().rstrip("/") == b.strip().rstrip("/")


# --- The plan and its execution --------------------------------------------------------------------


@dataclass
class Plan:
    selection: Selection
    decisions: list[Decision]
    source_id: str
    source_added: bool
    descriptor_changed: bool
    max_km: float = MAX_DISTANCE_KM
    claims_added: list[str] = field(default_factory=list)
    claims_updated: list[str] = field(default_factory=list)
    claims_unchanged: list[str] = field(default_factory=list)
    incidents_added: list[str] = field(default_factory=list)
    ranges_changed: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (before, after)
    grades_changed: dict[str, list[str]] = field(default_factory=dict)  # id -> ["grade a -> b", ...]
    files: dict[Path, bytes] = field(default_factory=dict)  # what would be written

    @property
    def ambiguous(self) -> list[Decision]:
        return [d for d in self.decisions if d.kind == "ambiguous"]

    @property
    def undecided(self) -> list[Decision]:
        """Events a person must decide in the crosswalk: ambiguous ones and those that need review."""
        return [d for d in self.decisions if d.kind in ("ambiguous", "review")]


def _check_schemas(pkg: Package) -> None:
    """The importer writes field names and enum values: refuse to run if the schemas moved on."""
    problems = []
    needed = {
        "incidents": ["incident_id", "status", "campaign", "date_start", "date_end", "date_precision", "country",
                      "admin1", "admin2", "locality", "neighbourhood", "latitude", "longitude",
                      "location_precision", "means", "actor_id", "attribution", *RANGE_FIELDS, *DERIVED_FIELDS,
                      "summary", "notes"],
        "claims": ["claim_id", "incident_id", "cited_source_id", "notes", *CLAIM_OWNED],
        "sources": ["source_id", "source_type", "category", "publisher", "author", "title", "url", "language",
                    "licence", "notes"],
    }
    for name, fields in needed.items():
        have = set(pkg[name].fields)
        problems += [f"{name}.{f} is not in the schema" for f in fields if f not in have]
    for name, by_field in SCHEMA_VALUES.items():
        schema_fields = {f["name"]: f for f in pkg[name].resource.fields}
        for fname, values in by_field.items():
            enum = (schema_fields.get(fname, {}).get("constraints") or {}).get("enum")
            if enum is not None:
                problems += [f"{name}.{fname} has no value '{v}'" for v in values if v not in enum]
    if problems:
        raise BadInput("the importer does not fit the package's schemas (update importers/ucdp_ged.py):\n  "
                       + "\n  ".join(problems))


def make_plan(pkg: Package, selection: Selection, crosswalk: dict[str, CrosswalkEntry], area: Area,
              max_km: float) -> Plan:
    sources, claims, incidents = pkg["sources"], pkg["claims"], pkg["incidents"]
    found = [r for r in sources.rows if _same_url(r["url"], GED_URL)]
    source_added = not found
    source_id = found[0]["source_id"] if found else IdAllocator("S-", [r["source_id"] for r in sources.rows], released_ids(pkg.root))()
    decisions = match(selection.events, incidents.rows, claims.rows, None if source_added else source_id,
                      crosswalk, max_km)

    # datapackage.json: credit the release once.
    descriptor = pkg.descriptor
    entries = descriptor.get("sources") or []
    descriptor_changed = not any(isinstance(s, dict) and _same_url(str(s.get("path", "")), GED_URL) for s in entries)

    plan = Plan(selection, decisions, source_id, source_added, descriptor_changed, max_km)
    if plan.undecided:
        return plan

    # New incident and claim ids, in event order (date, then GED id).
    released = released_ids(pkg.root)
    next_incident = IdAllocator("CH-", [r["incident_id"] for r in incidents.rows], released)
    next_claim = IdAllocator("CL-", [r["claim_id"] for r in claims.rows], released)
    claims_by_id = {r["claim_id"]: r for r in claims.rows}
    new_claims, new_incidents = [], []
    touched: set[str] = set()
    for d in decisions:
        fields = claim_fields(d.event, source_id)
        if d.claim_id is not None:
            row = claims_by_id[d.claim_id]
            if any(row.get(f, "") != v for f, v in fields.items()):
                row.update(fields)
                plan.claims_updated.append(d.claim_id)
                touched.add(row["incident_id"])
            else:
                plan.claims_unchanged.append(d.claim_id)
            continue
        claim_id = next_claim()
        if d.creates_incident:
            d.incident_id = next_incident()
            new_incidents.append(new_incident(d.event, d.incident_id, claim_id, incidents.fields, area))
            plan.incidents_added.append(d.incident_id)
        row = {f: "" for f in claims.fields}
        row.update(fields)
        row.update({"claim_id": claim_id, "incident_id": d.incident_id})
        new_claims.append(row)
        plan.claims_added.append(claim_id)
        touched.add(d.incident_id)

    claims.rows.extend(new_claims)
    incidents.rows.extend(new_incidents)
    if touched:
        ranges = ranges_by_incident(c for c in claims.rows if c["incident_id"] in touched)
        for inc in incidents.rows:
            if inc["incident_id"] in touched and inc["status"] == "active":
                want = {f: "" if v is None else str(v) for f, v in ranges[inc["incident_id"]].items()}
                before = {f: inc[f] for f in RANGE_FIELDS}
                if before != want:
                    if inc["incident_id"] not in plan.incidents_added:
                        plan.ranges_changed[inc["incident_id"]] = (_fmt_range(before), _fmt_range(want))
                    inc.update(want)
    claims.changed = bool(plan.claims_added or plan.claims_updated)
    if source_added:
        sources.rows.append(ged_source_row(source_id, sources.fields))
        sources.changed = True
    if touched:
        # The grade rule reads every table (sources' chains, actors' coalitions), as validation does.
        want = derived_from_rows({name: (pkg[name].fields, pkg[name].rows)
                                  for name in ("incidents", "claims", "sources", "actors", "tallies")})
        for inc in incidents.rows:
            iid = inc["incident_id"]
            if iid in touched and inc["status"] == "active" and iid in want:
                changes = [f"{f} {inc[f] or 'blank'} -> {want[iid][f] or 'blank'}"
                           for f in DERIVED_FIELDS if inc[f] != want[iid][f]]
                if changes and iid not in plan.incidents_added:
                    plan.grades_changed[iid] = changes
                inc.update(want[iid])
    incidents.changed = bool(plan.incidents_added or plan.ranges_changed or plan.grades_changed)

    for table in (sources, incidents, claims):
        if table.changed:
            data = table.render()
            if data != table.original:
                plan.files[table.path] = data
    if descriptor_changed:
        entries = list(entries) + [dict(DESCRIPTOR_SOURCE)]
        new_descriptor = {**descriptor, "sources": entries} if "sources" in descriptor else _insert_sources(
            descriptor, entries)
        data = dump_descriptor(new_descriptor)
        if data != pkg.descriptor_bytes:
            plan.files[pkg.descriptor_path] = data
    return plan


def _insert_sources(descriptor: dict, entries: list) -> dict:
    """Add `sources` before `resources`, where the project's descriptor keeps it."""
    out = {}
    for k, v in descriptor.items():
        if k == "resources":
            out["sources"] = entries
        out[k] = v
    out.setdefault("sources", entries)
    return out


def _fmt_range(fields: dict[str, str]) -> str:
    parts = []
    for stem in FIGURE_STEMS:
        lo, hi = fields.get(f"{stem}_min", ""), fields.get(f"{stem}_max", "")
        if lo or hi:
            parts.append(f"{stem.split('_')[0]} {lo or '?'}-{hi or '?'}")
    return ", ".join(parts) or "no figures"


# --- Reporting -------------------------------------------------------------------------------------

REVIEW_COLUMNS = ("ged_id", "date_start", "date_end", "place", "civilians", "decision", "incident_id",
                  "distance_km", "date_gap_days", "candidates", "reason")


def review_rows(plan: Plan) -> list[dict[str, str]]:
    rows = []
    for d in plan.decisions:
        ev = d.event
        link = d.link
        cands = "; ".join(str(c) for c in d.candidates)
        if d.nearest is not None:
            cands = (cands + "; " if cands else "") + f"nearest: {d.nearest}"
        rows.append({
            "ged_id": ev.ged_id, "date_start": ev.start.isoformat(), "date_end": ev.end.isoformat(),
            "place": claim_place(ev), "civilians": str(ev.civilians), "decision": d.kind,
            "incident_id": d.incident_id or "",
            "distance_km": "" if link is None or link.distance_km is None else f"{link.distance_km:.2f}",
            "date_gap_days": "" if link is None else str(link.gap_days),
            "candidates": cands, "reason": d.reason + (f": {d.note}" if d.note else ""),
        })
    return rows


def write_review(path: Path, plan: Plan) -> None:
    rows = review_rows(plan)
    if path.suffix.lower() in (".md", ".markdown"):
        esc = lambda s: s.replace("|", "\\|")  # noqa: E731
        lines = [f"# UCDP GED import: review of {len(rows)} event(s)", "",
                 f"Matching rule: same country, overlapping dates, at most {plan.max_km:g} km apart, one candidate "
                 "only, and both places located finer than a locality; otherwise an event with a candidate is "
                 "ambiguous or needs review, and the crosswalk decides. Distances and date gaps are to the incident "
                 "in incident_id (or, for a new incident, to the nearest existing one, under candidates). See "
                 "importers/README.md.",
                 "", "| " + " | ".join(REVIEW_COLUMNS) + " |", "|" + " --- |" * len(REVIEW_COLUMNS)]
        lines += ["| " + " | ".join(esc(r[c]) for c in REVIEW_COLUMNS) + " |" for r in rows]
        data = ("\n".join(lines) + "\n").encode("utf-8")
    else:
        out = io.StringIO()
        writer = csv.DictWriter(out, REVIEW_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        data = out.getvalue().encode("utf-8")
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically({path: data})


def crosswalk_lines(plan: Plan) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for d in plan.undecided:
        writer.writerow([d.event.ged_id, "new",
                         f"{d.event.start.isoformat()} {claim_place(d.event)}: {d.reason}; candidates "
                         + ", ".join(str(c) for c in d.candidates)])
    return out.getvalue()


def print_plan(plan: Plan, pkg: Package, args, out=None) -> None:
    out = out or sys.stdout
    sel = plan.selection
    p = lambda *a: print(*a, file=out)  # noqa: E731
    verb = "would" if args.dry_run else "will"
    p(f"UCDP GED import: {args.ged} -> {pkg.root}" + ("   (dry run: nothing is written)" if args.dry_run else ""))
    p(f"  rows read: {sel.rows:,}; adm_1 '{args.admin1}': {sel.in_admin1:,}; outside {args.date_from}..{args.date_to}: "
      f"{sel.outside_window:,}; no civilian deaths: {sel.no_civilians:,}")
    total = sum(e.civilians for e in sel.events)
    p(f"  events selected: {len(sel.events):,} ({total:,} civilian deaths)")
    p(f"  source: {plan.source_id}"
      + (" (new: the GED release)" if plan.source_added else " (the GED release, already there)"))
    by_kind: dict[str, list[Decision]] = {}
    for d in plan.decisions:
        by_kind.setdefault(d.kind, []).append(d)
    for kind, label in (("matched", "matched to an existing incident by the rule"),
                        ("crosswalk", "placed by the crosswalk"),
                        ("existing", "already imported (claim kept on its incident)"),
                        ("new", "new incidents (no incident matches)"),
                        ("ambiguous", "AMBIGUOUS (need a crosswalk line)"),
                        ("review", "NEEDS REVIEW (one candidate, places too coarse to match by rule: need a "
                                   "crosswalk line)")):
        ds = by_kind.get(kind, [])
        p(f"  {label}: {len(ds)}")
        if kind in ("matched", "crosswalk", "ambiguous", "review") or (kind == "existing" and args.verbose) or (
                kind == "new" and args.verbose):
            for d in ds:
                where = d.incident_id or ("a new incident" if d.creates_incident else "?")
                extra = ""
                if d.link is not None:
                    km = "" if d.link.distance_km is None else f", {d.link.distance_km:.2f} km"
                    extra = f"{km}, {d.link.gap_days} d"
                cands = (f"; candidates: {', '.join(str(c) for c in d.candidates)}"
                         if kind in ("ambiguous", "review") else "")
                p(f"    {d.event.ged_id} {_iso_dates(d.event)} {claim_place(d.event)}, {d.event.civilians} civ. "
                  f"-> {where}{extra} ({d.reason}){cands}")
    if plan.undecided:
        return
    if plan.incidents_added:
        ids = plan.incidents_added
        p(f"  incidents {verb} be added: {len(ids)} ({ids[0]}..{ids[-1]})")
    p(f"  claims: {len(plan.claims_added)} to add, {len(plan.claims_updated)} to update, "
      f"{len(plan.claims_unchanged)} unchanged")
    for inc_id, (before, after) in plan.ranges_changed.items():
        p(f"  range of {inc_id}: {before} -> {after}")
    for inc_id, changes in plan.grades_changed.items():
        p(f"  {inc_id}: {'; '.join(changes)}")
    if plan.files:
        for path in plan.files:
            p(f"  {'would write' if args.dry_run else 'writes'} {path.relative_to(pkg.root).as_posix()}")
    else:
        p("  nothing to change: the package already holds this import.")


# --- Command line ----------------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m importers.ucdp_ged",
        description=__doc__.split("\n\n", 2)[2],
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("ged", metavar="GED_CSV", type=Path, help="the UCDP GED CSV (for example ged_syria.csv)")
    parser.add_argument("--package", default=".", type=Path, metavar="DIR",
                        help="the civharm package folder or its datapackage.json (default: .)")
    parser.add_argument("--dry-run", action="store_true", help="print the plan and write nothing")
    parser.add_argument("--review", type=Path, metavar="PATH",
                        help="write a review of every event (decision, incident, distance, date gap, candidates): "
                             "Markdown if PATH ends in .md, CSV otherwise; written with --dry-run too")
    parser.add_argument("--admin1", default=DEFAULT_ADMIN1, metavar="NAME",
                        help=f"GED adm_1 to import, any letter case (default: '{DEFAULT_ADMIN1}')")
    parser.add_argument("--from", dest="date_from", default=DEFAULT_FROM, metavar="YYYY-MM-DD",
                        help=f"first day of the window (default: {DEFAULT_FROM})")
    parser.add_argument("--to", dest="date_to", default=DEFAULT_TO, metavar="YYYY-MM-DD",
                        help=f"last day of the window (default: {DEFAULT_TO})")
    parser.add_argument("--crosswalk", type=Path, metavar="PATH",
                        help=f"ged_id,incident_id,note lines that override the rule (default: "
                             f"importers/{DEFAULT_CROSSWALK.name}, if present)")
    parser.add_argument("--max-km", type=float, default=MAX_DISTANCE_KM, metavar="KM",
                        help=f"largest distance for a match (default: {MAX_DISTANCE_KM:g})")
    parser.add_argument("-v", "--verbose", action="store_true", help="also list every new and already imported event")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        try:
            first, last = date.fromisoformat(args.date_from), date.fromisoformat(args.date_to)
        except ValueError as e:
            raise BadInput(f"--from/--to: {e}") from e
        if last < first:
            raise BadInput(f"--to {last} is before --from {first}")
        area = AREAS.get(args.admin1.strip().casefold())
        if area is None:
            raise BadInput(f"--admin1 '{args.admin1}': the package has no campaign there. Known: "
                           + ", ".join(f"'{k}'" for k in AREAS) + " (see AREAS in importers/ucdp_ged.py)")
        if first < area.first or last > area.last:
            raise BadInput(f"--from/--to {first}..{last} reach beyond the {area.campaign} campaign "
                           f"({area.first}..{area.last}), the only one events in {args.admin1} can join")
        if args.max_km < 0:
            raise BadInput("--max-km must not be negative")

        try:
            report = validate(args.package)
        except CannotRun as e:
            raise BadInput(f"package: {e}") from e
        if report.errors:
            raise BadInput(f"package: {args.package} is invalid ({report.errors} error(s)); run make validate "
                           "and fix them before importing")
        try:
            pkg = load_package(args.package, ("incidents", "claims", "sources", "actors", "tallies"))
        except PackageError as e:
            raise BadInput(f"package: {e}") from e
        _check_schemas(pkg)
        crosswalk = read_crosswalk(args.crosswalk or DEFAULT_CROSSWALK, required=args.crosswalk is not None)
        selection = read_ged(args.ged, args.admin1, first, last)
        plan = make_plan(pkg, selection, crosswalk, area, args.max_km)
        print_plan(plan, pkg, args)
        if args.review:
            write_review(args.review, plan)
            print(f"  review: {args.review} ({len(plan.decisions)} events)")
        if plan.undecided:
            n_amb, n_rev = len(plan.ambiguous), len(plan.undecided) - len(plan.ambiguous)
            raise Refused(
                f"{len(plan.undecided)} event(s) need a decision ({n_amb} ambiguous, {n_rev} need review: one "
                "candidate, but the places are too coarse to match by rule). Decide each, then add its line to "
                f"{args.crosswalk or 'importers/' + DEFAULT_CROSSWALK.name} (keep 'new' for a separate incident, or "
                f"put the incident id of the same event):\n" + crosswalk_lines(plan).rstrip("\n"))
        if not args.dry_run and plan.files:
            write_atomically(plan.files)
            print(f"  done: {len(plan.files)} file(s) written.")
        return EXIT_OK
    except BadInput as e:
        print(f"import-ucdp: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except Refused as e:
        verb = "would refuse" if args.dry_run else "refused, nothing written"
        print(f"import-ucdp: import {verb}: {e}", file=sys.stderr)
        return EXIT_REFUSED


if __name__ == "__main__":
    sys.exit(main())
