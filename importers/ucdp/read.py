"""Reading GED's CSV (the events to import) and the crosswalk (a person's decisions), with every
bad value named: BadInput (exit 2)."""

from __future__ import annotations

import csv
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from civharm.metadata import csvfile
from .ged import COUNTRY_BY_GW, GED_COLUMNS, BadInput, Event

DEFAULT_CROSSWALK = Path(__file__).resolve().parents[1] / "ucdp_crosswalk.csv"
CROSSWALK_COLUMNS = ("ged_id", "incident_id", "note")


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
    reader = csvfile.reader(text)
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
        rows = list(csvfile.reader(text))
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
