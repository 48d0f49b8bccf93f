"""A synthetic civharm package of any size, valid by every rule, for `make bench SHAPE=synthetic`.

N incidents, 2N claims (two sources' figures per incident, so the range rule has work to do),
N/2 sources with unique URLs and publishers, one tally per 1,000 incidents (at least one; each over a window of
1 to 30 days, so the tally rules have work without the real package's tally density, which
SHAPE=real keeps), about 3N/40 relations shaped like the real ones (day totals that contain
strikes of the same day and toll, some held in turn by a larger total, so chains of 'contains'
are up to two deep), and the real actors. Schemas and descriptor are the real ones, so the
benchmark measures the validator users run. Text is short and no cell is blank: the real shape
(bench/clone.py) is the one with our text lengths, blanks and history.

Rows are written a block at a time, so 10M incidents need no more memory than 1M.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import polars as pl

from bench.clone import load

REPO = Path(__file__).resolve().parents[1]
BLOCK = 1_000_000  # rows built in memory at a time
DAYS = 130  # incidents fall on the 130 days from 1 June 2017
INCIDENTS_PER_TALLY = 1_000


def _id(prefix: str, i: pl.Expr) -> pl.Expr:
    return pl.format(prefix + "-{}", i.cast(pl.Utf8).str.zfill(7))


def synthesize(out: Path, n: int) -> dict:
    """Write the package to `out` (replacing it) and return its manifest (rows per table)."""
    if out.exists():
        shutil.rmtree(out)
    (out / "data").mkdir(parents=True)
    shutil.copyfile(REPO / "datapackage.json", out / "datapackage.json")
    shutil.copytree(REPO / "schemas", out / "schemas")
    shutil.copyfile(REPO / "data" / "actors.csv", out / "data" / "actors.csv")
    ns, nt = max(n // 2, 2), max(n // INCIDENTS_PER_TALLY, 1)

    descriptor, schemas = load(REPO)
    paths = {r["name"]: out / r["path"] for r in descriptor["resources"]}

    def header(name: str) -> list[str]:
        return [f["name"] for f in schemas[name]["fields"]]

    def write(name: str, rows: int, block) -> int:
        """block(i) turns the row numbers i (a frame column) into the table's columns."""
        cols = header(name)
        with open(paths[name], "wb") as fh:
            for start in range(0, rows, BLOCK):
                frame = pl.DataFrame({"i": pl.int_range(start, min(start + BLOCK, rows), eager=True)}).select(block(pl.col("i")))
                frame = frame.with_columns(pl.lit(None, pl.Utf8).alias(c) for c in cols if c not in frame.columns)
                frame.select(cols).write_csv(fh, include_header=start == 0, line_terminator="\n")
        return rows

    def day(offset: pl.Expr) -> pl.Expr:
        return (pl.date(2017, 6, 1) + pl.duration(days=offset)).dt.to_string("%Y-%m-%d")

    rows = {}
    rows["sources"] = write("sources", ns, lambda i: [
        _id("S", i).alias("source_id"),
        pl.lit("news_article").alias("source_type"), pl.lit("media").alias("category"),
        pl.format("Publisher {}", i).alias("publisher"),  # so an incident's two sources are independent
        pl.format("Report number {} on strikes in Raqqa", i).alias("title"),
        pl.format("https://example.org/report/{}", i).alias("url"),
        pl.lit("en").alias("language")])
    rows["incidents"] = write("incidents", n, lambda i: [
        _id("CH", i).alias("incident_id"),
        pl.lit("active").alias("status"), pl.lit("raqqa-2017").alias("campaign"),
        day(i % DAYS).alias("date_start"), day(i % DAYS).alias("date_end"),
        pl.lit("day").alias("date_precision"), pl.lit("SYR").alias("country"), pl.lit("Ar-Raqqa").alias("admin1"),
        pl.lit("Raqqa").alias("locality"), pl.lit("35.9528").alias("latitude"), pl.lit("39.0079").alias("longitude"),
        pl.lit("locality").alias("location_precision"), pl.lit("airstrike").alias("means"),
        pl.lit("A-000001").alias("actor_id"), pl.lit("likely").alias("attribution"),
        (i % 40 + 1).cast(pl.Utf8).alias("civilians_killed_min"), (i % 40 + 4).cast(pl.Utf8).alias("civilians_killed_max"),
        pl.lit("fair").alias("grade"),  # two publishers per incident (see claims)
        pl.format("Synthetic strike number {}, with civilians killed, for the benchmark.", i).alias("summary")])
    # Claim j is about incident j // 2; the even one says k, the odd one k + 3: the incident's range.
    # Its two sources j % ns differ (ns >= 2), so two independent publishers: grade fair.
    rows["claims"] = write("claims", 2 * n, lambda j: [
        _id("CL", j).alias("claim_id"), _id("CH", j // 2).alias("incident_id"), _id("S", j % ns).alias("source_id"),
        pl.lit("report").alias("claim_type"),
        ((j // 2) % 40 + 1 + (j % 2) * 3).cast(pl.Utf8).alias("civilians_killed_min"),
        ((j // 2) % 40 + 1 + (j % 2) * 3).cast(pl.Utf8).alias("civilians_killed_max"),
        pl.lit("Reports civilians killed in a strike on this day.").alias("statement")])
    rows["tallies"] = write("tallies", nt, lambda t: [
        _id("T", t).alias("tally_id"), _id("S", t % ns).alias("source_id"),
        day(t % (DAYS - 30)).alias("period_start"), day(t % (DAYS - 30) + t % 30).alias("period_end"),
        pl.format("{} day(s)", t % 30 + 1).alias("period_text"),
        pl.lit("raqqa-2017").alias("campaign"), pl.lit("SYR").alias("country"), pl.lit("Raqqa city").alias("area"),
        (t % 500 + 10).cast(pl.Utf8).alias("civilians_killed_min"),
        pl.lit("Says at least this many civilians were killed in Raqqa over the period.").alias("statement")])
    # Containers are every tenth incident of even 520-blocks (520 = 4 x DAYS: the same day and
    # toll); each holds the incident 520 later (an odd block, never a container), and every other
    # one also holds the container 1040 later.
    c = pl.DataFrame({"i": pl.int_range(0, n, 10, eager=True)}).filter((pl.col("i") // 520) % 2 == 0)
    pairs = pl.concat([c.select("i", (pl.col("i") + 520).alias("j")),
                       c.filter((pl.col("i") // 520) % 4 == 0).select("i", (pl.col("i") + 1040).alias("j"))])
    pairs = pairs.filter(pl.col("j") < n).sort("i", "j").with_row_index("r")
    relations = pairs.select(
        _id("R", pl.col("r")).alias("relation_id"), _id("CH", pl.col("i")).alias("incident_id"),
        _id("CH", pl.col("j")).alias("related_incident_id"), pl.lit("contains").alias("relation"),
        pl.lit("A synthetic day total holding an incident of the same day.").alias("note"))
    cols = header("incident_relations")
    relations = relations.with_columns(pl.lit(None, pl.Utf8).alias(c) for c in cols if c not in relations.columns)
    relations.select(cols).write_csv(paths["incident_relations"], line_terminator="\n")
    rows["incident_relations"] = relations.height
    rows["actors"] = pl.read_csv(REPO / "data" / "actors.csv", infer_schema=False).height
    for name, path in paths.items():  # a resource this script does not know yet: its header, no rows
        if name not in rows:
            path.parent.mkdir(parents=True, exist_ok=True)
            pl.DataFrame(schema={c: pl.Utf8 for c in header(name)}).write_csv(path, line_terminator="\n")
            rows[name] = 0
    return {"shape": "synthetic", "n": n, "rows": rows}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("out", type=Path)
    p.add_argument("-n", type=int, default=100_000, help="incidents (default 100,000)")
    a = p.parse_args()
    manifest = synthesize(a.out, a.n)
    print(f"wrote {a.out}: " + ", ".join(f"{v:,} {k}" for k, v in manifest["rows"].items()))


if __name__ == "__main__":
    main()
