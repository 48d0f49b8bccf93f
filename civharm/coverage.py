"""What the data holds, in words and tables, generated from the SQL views (campaign_totals,
campaign_coverage, coverage): one text for the docs home page, the README's generated block and
the release's COVERAGE.md, so that the three never disagree and never go stale.

    python -m civharm.coverage                 print the Markdown
    python -m civharm.coverage --write README.md   replace the block between the markers
    python -m civharm.coverage --check README.md   exit 1 if that block is stale (nothing written)

Nothing is computed here: every number is a value a view returns, only formatted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from .db import connect
from .docs.html import markdown_text
from .metadata.package import write_atomically

START = "<!-- coverage:start -->"
END = "<!-- coverage:end -->"
ASPECTS = {"grade": "Grade (how well documented)", "belligerent_position": "What the belligerent said",
           "origin": "Where the incident comes from",
           "location_precision": "Location precision", "source": "Claims, by who makes them"}


def n(value) -> str:
    return f"{value:,}"


def figure_range(lo, hi) -> str:
    """A min/max pair as the methodology writes it: 42–55, 42, 'at least 32', 'up to 30'."""
    if lo is None and hi is None:
        return "–"
    if hi is None:
        return f"at least {n(lo)}"
    if lo is None:
        return f"up to {n(hi)}"
    return n(lo) if lo == hi else f"{n(lo)}–{n(hi)}"


def day(d: dt.date | None) -> str:
    return d.strftime("%-d %B %Y") if d else "–"


def _rows(con, sql: str) -> list[dict]:
    cur = con.execute(sql)
    names = [c[0] for c in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def data(con) -> dict:
    """The views' rows this text is made of."""
    return {
        "campaigns": _rows(con, """SELECT c.*, t.raw_min, t.raw_max, t.dedup_min, t.dedup_max,
                                          t.incidents_without_figure, t.relations_used
                                   FROM campaign_coverage AS c LEFT JOIN campaign_totals AS t
                                     ON CAST(t.campaign AS VARCHAR) = c.campaign
                                   ORDER BY c.campaign_start, c.campaign"""),
        "shares": _rows(con, "SELECT * FROM coverage ORDER BY aspect, campaign, count DESC, value"),
        # Incidents whose claims give a minimum but no maximum: the upper figures count their minimum.
        "open_max": _rows(con, """SELECT count(*) AS n FROM incidents WHERE status = 'active'
                                  AND civilians_killed_min IS NOT NULL AND civilians_killed_max IS NULL""")[0]["n"],
    }


def totals_table(campaigns: list[dict]) -> str:
    head = ("| campaign | its dates | incidents | civilians killed, deduplicated | raw sum | "
            "incidents with no figure | relations used |\n| --- | --- | ---: | ---: | ---: | ---: | ---: |\n")
    body = "".join(
        f"| `{c['campaign']}` | {day(c['campaign_start'])} – {day(c['campaign_end'])} | {n(c['incidents'] or 0)} | "
        f"**{figure_range(c['dedup_min'], c['dedup_max'])}** | {figure_range(c['raw_min'], c['raw_max'])} | "
        f"{n(c['incidents_without_figure'] or 0)} | {n(c['relations_used'] or 0)} |\n" for c in campaigns)
    return head + body


def campaign_line(c: dict) -> str:
    if not c["incidents"]:
        return f"- `{c['campaign']}`: no incident recorded."
    gaps = []
    if c["days_before_first"]:
        gaps.append(f"none in its first {n(c['days_before_first'])} days (the first is dated {day(c['first_date'])})")
    if c["days_after_last"]:
        gaps.append(f"none in its last {n(c['days_after_last'])} days (the last ends {day(c['last_date'])})")
    span = (f"from {day(c['first_date'])} to {day(c['last_date'])}" if not gaps else "; ".join(gaps))
    return (f"- `{c['campaign']}` ({day(c['campaign_start'])} – {day(c['campaign_end'])}, "
            f"{n(c['campaign_days'])} days): {n(c['incidents'])} incidents, {span}. "
            f"{n(c['days_with_one_day_incident'])} of its {n(c['campaign_days'])} days have an incident dated to "
            f"that day; {n(c['days_with_incident'])} fall within some incident's dates.")


def shares_table(shares: list[dict], campaigns: list[str]) -> str:
    cols = campaigns + ["all"]
    head = "| | " + " | ".join(f"`{c}`" if c != "all" else "all" for c in cols) + " |\n"
    head += "| --- |" + " ---: |" * len(cols) + "\n"
    body = ""
    for aspect, title in ASPECTS.items():
        mine = [r for r in shares if r["aspect"] == aspect]
        if not mine:
            continue
        unit = mine[0]["unit"]
        body += f"| **{title}** ({unit}) |" + " |" * len(cols) + "\n"
        values = list(dict.fromkeys(r["value"] for r in sorted(mine, key=lambda r: (r["campaign"] != "all", -r["count"]))))
        cell = {(r["campaign"], r["value"]): r for r in mine}
        for v in values:
            body += f"| {markdown_text(v)} | " + " | ".join(  # a value may hold a publisher's name
                f"{n(cell[(c, v)]['count'])} ({cell[(c, v)]['percent']:.1f}%)" if (c, v) in cell else "–"
                for c in cols) + " |\n"
    return head + body


def markdown(con, totals: bool = True) -> str:
    """The coverage text, in Markdown, from the views (without the totals table: totals=False)."""
    d = data(con)
    campaigns = d["campaigns"]
    names = [c["campaign"] for c in campaigns]
    single = next((r for r in d["shares"] if r["campaign"] == "all" and r["aspect"] == "grade"
                   and r["value"] == "single_source"), None)
    dataset = [r for r in d["shares"] if r["campaign"] == "all" and r["aspect"] == "origin"
               and r["value"].startswith("dataset only")]
    out = ["**Civilians killed, as the incidents record them.** The deduplicated range counts deaths "
           "that related incidents share once (see the methodology, *Deduplicated totals*); the raw sum "
           "adds every incident as if none overlapped. Tallies are never added. Both are ranges of what "
           "the claims state, not bounds on the true toll: "
           + (f"{n(d['open_max'])} incident(s) whose sources give only a minimum count that minimum in "
              "the upper figure, and " if d["open_max"] else "")
           + "deaths shared through an overlap that no relation records yet (a UCDP aggregate over "
           "several months, say) are counted twice.", "",
           totals_table(campaigns)] if totals else []
    out += ["**Coverage.**", ""]
    out += [campaign_line(c) for c in campaigns]
    facts = []
    if single:
        facts.append(f"{n(single['count'])} of {n(single['total'])} incidents ({single['percent']:.1f}%) rest on "
                     "a single source")
    for r in dataset:
        facts.append(f"{n(r['count'])} ({r['percent']:.1f}%) come only from a research dataset's coding "
                     f"({markdown_text(r['value'].removeprefix('dataset only: '))})")
    if facts:
        out += [f"- {'; '.join(facts)}."]
    thin = [c for c in campaigns if c["incidents"] and c["campaign_days"]
            and c["days_with_one_day_incident"] < c["campaign_days"] / 2]
    if len(campaigns) > 1:
        out += ["", "**The campaigns are not comparable.** They differ in how much of them was recorded, not only "
                "in the harm: " + "; ".join(
                    f"`{c['campaign']}` has {n(c['incidents'] or 0)} incidents on {n(c['days_with_one_day_incident'])} "
                    f"of its {n(c['campaign_days'])} days" for c in campaigns)
                + (". " + ", ".join(f"`{c['campaign']}`" for c in thin)
                   + "'s coverage is thin: read its totals as what is recorded so far, not as the campaign's toll."
                   if thin else ".")]
    out += ["", "Shares of incidents and claims:", "", shares_table(d["shares"], names)]
    return "\n".join(out).rstrip() + "\n"


def block(con) -> str:
    return (f"{START}\n<!-- Generated from the views by `make coverage` (civharm/coverage.py); do not edit by hand. -->\n\n"
            f"{markdown(con)}\n{END}")


def replace_block(text: str, new_block: str) -> str:
    if START not in text or END not in text:
        raise ValueError(f"no {START} … {END} block to replace")
    a, b = text.index(START), text.index(END) + len(END)
    return text[:a] + new_block + text[b:]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="civharm-coverage", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--package", default=".", help="package folder (default: .)")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--write", metavar="FILE", help="replace the generated block in FILE")
    group.add_argument("--check", metavar="FILE", help="exit 1 if FILE's generated block is stale")
    args = parser.parse_args(argv)

    con = connect(args.package)
    if not (args.write or args.check):
        sys.stdout.write(markdown(con))
        return 0
    path = Path(args.write or args.check)
    text = path.read_text(encoding="utf-8")
    new = replace_block(text, block(con))
    if args.check:
        if new != text:
            print(f"{path}: the coverage block is stale: run make coverage", file=sys.stderr)
            return 1
        return 0
    if new != text:

        write_atomically(path, new.encode("utf-8"))
        print(f"wrote the coverage block of {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
