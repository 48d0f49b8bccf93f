"""The register of other sources' reports (curation/other_reports_*.csv), read and checked.

One row per report a stored page shows: a news article, a monitor's statement, a UN or NGO
report, about one incident (`kind` incident) or an aggregate over a period and area (`kind`
tally). The curator matched each incident report to the package's incident it describes
(`matches`), or left it blank where none is one. Every problem is reported at once, with file,
line and column.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..register_io import RegisterError, Row, figure_problems, is_date, read_rows, schema_enum

COLUMNS = (
    "report_id", "kind", "campaign", "date_start", "date_end", "period_text", "publisher", "source_type", "title",
    "url", "published_on", "archive_url", "language", "place_as_shown", "neighbourhood", "latitude", "longitude",
    "killed_min", "killed_max", "children_min", "children_max", "women_min", "women_max", "men_min", "men_max",
    "injured_min", "injured_max", "actor_blamed", "cause", "target", "local_time", "cited_source",
    "airwars_code", "matches", "statement", "notes", "found_by")
KINDS = ("incident", "tally")
CAMPAIGNS = schema_enum("incidents", "campaign")
SOURCE_TYPES = ("news_article", "monitor_statement", "ngo_report", "un_report", "press_release", "other")
FIGURES = ("killed", "children", "women", "men", "injured")
LANGUAGE = re.compile(r"^[a-z]{2,3}$")


class Report(Row):
    @property
    def key(self) -> str:
        """The register's own id, with its file: R12 of other_reports_raqqa.csv."""
        return f"{Path(self.file).name}:{self['report_id']}"



def _check(where: str, c: dict[str, str]) -> list[str]:
    out = []

    def bad(column: str, why: str) -> None:
        out.append(f"{where}: {column}: {why}")

    for col, allowed in (("kind", KINDS), ("campaign", CAMPAIGNS), ("source_type", SOURCE_TYPES)):
        if c[col] not in allowed:
            bad(col, f"{c[col]!r} is not one of {', '.join(allowed)}")
    if not re.match(r"^https?://", c["url"]):
        bad("url", "must be the http(s) address of the stored page")
    if c["archive_url"] and not c["archive_url"].startswith("https://"):
        bad("archive_url", "must be an https:// address an archive showed")
    if not LANGUAGE.match(c["language"]):
        bad("language", f"{c['language']!r} is not a language code (en, ar)")
    for col in ("publisher", "title", "statement"):
        if not c[col].strip():
            bad(col, "is empty")
    for col in ("date_start", "date_end", "published_on"):
        if c[col] and not is_date(c[col]):
            bad(col, f"{c[col]!r} is not a date YYYY-MM-DD")
    if c["date_start"] and c["date_end"] and c["date_end"] < c["date_start"]:
        bad("date_end", f"{c['date_end']} is before date_start {c['date_start']}")
    if c["kind"] == "tally" and not c["period_text"].strip():
        bad("period_text", "a tally needs the source's words for its period")
    if c["matches"] and not re.match(r"^(CH-[0-9]{6,}|new:[a-z0-9][a-z0-9-]*)$", c["matches"]):
        bad("matches", f"{c['matches']!r} is neither an incident id (CH-000123) nor a new incident's key (new:<slug>)")
    figure_problems(c, FIGURES, bad)
    return out


def read_reports(paths: list[Path]) -> list[Report]:
    problems: list[str] = []
    reports: list[Report] = []
    for path in paths:
        seen: dict[str, int] = {}
        for line, cells in read_rows(path, COLUMNS, problems):
            problems.extend(_check(f"{path}:{line}", cells))
            if cells["report_id"] in seen:
                problems.append(f"{path}:{line}: report_id: {cells['report_id']!r} is already at line "
                                f"{seen[cells['report_id']]}")
            seen.setdefault(cells["report_id"], line)
            reports.append(Report(str(path), line, cells))
    if problems:
        raise RegisterError(problems)
    return reports


INCIDENT_COLUMNS = ("incident_key", "campaign", "date_start", "date_end", "locality", "neighbourhood", "latitude",
                    "longitude", "location_precision", "means", "actor", "attribution", "summary", "notes")
PRECISIONS = schema_enum("incidents", "location_precision")
MEANS = schema_enum("incidents", "means")
ACTORS = ("coalition", "islamic_state", "iraqi_forces", "sdf", "unknown")
ATTRIBUTIONS = schema_enum("incidents", "attribution")
KEY = re.compile(r"^new:[a-z0-9][a-z0-9-]*$")


def read_incidents(path: Path) -> dict[str, dict[str, str]]:
    """The incidents the curator described for reports of events that are no incident yet
    (curation/report_incidents.csv), by their key (`new:<slug>`); none without the file."""
    if not path.exists():
        return {}
    problems: list[str] = []
    out: dict[str, dict[str, str]] = {}
    for line, c in read_rows(path, INCIDENT_COLUMNS, problems):
        where = f"{path}:{line}"

        def bad(column: str, why: str) -> None:
            problems.append(f"{where}: {column}: {why}")

        if not KEY.match(c["incident_key"]):
            bad("incident_key", f"{c['incident_key']!r} is not new:<slug> (lower-case letters, digits, hyphens)")
        elif c["incident_key"] in out:
            bad("incident_key", f"{c['incident_key']!r} is described twice")
        for col, allowed in (("campaign", CAMPAIGNS), ("location_precision", PRECISIONS), ("means", MEANS),
                             ("actor", ACTORS), ("attribution", ATTRIBUTIONS)):
            if c[col] not in allowed:
                bad(col, f"{c[col]!r} is not one of {', '.join(allowed)}")
        for col in ("date_start", "date_end"):
            if not is_date(c[col]):
                bad(col, f"{c[col]!r} is not a date YYYY-MM-DD")
        if is_date(c["date_start"]) and is_date(c["date_end"]) and c["date_end"] < c["date_start"]:
            bad("date_end", f"{c['date_end']} is before date_start {c['date_start']}")
        if not c["summary"].strip():
            bad("summary", "is empty")
        if not c["locality"].strip() and c["location_precision"] != "admin2":
            bad("locality", "is empty: name the town, or set location_precision admin2 when the reports name none")
        if (c["latitude"] == "") != (c["longitude"] == ""):
            bad("latitude", "latitude and longitude go together")
        out[c["incident_key"]] = c
    if problems:
        raise RegisterError(problems)
    return out
