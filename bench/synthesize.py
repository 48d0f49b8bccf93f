"""A synthetic civharm package of any size, valid by every rule, for `make bench`.

N incidents, 2N claims (two sources' figures per incident, so the range rule has work to do),
N/2 sources with unique URLs, the real actors, no tallies, and about 3N/40 relations shaped like
the real ones: day totals that contain strikes of the same day and toll (incidents 520 apart),
some of them held in turn by a larger total, so chains of 'contains' are up to two deep.
Schemas and descriptor are the real ones, so the benchmark measures the validator the users run.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import polars as pl

REPO = Path(__file__).resolve().parents[1]


def synthesize(out: Path, n: int) -> Path:
    if out.exists():
        shutil.rmtree(out)
    (out / "data").mkdir(parents=True)
    shutil.copyfile(REPO / "datapackage.json", out / "datapackage.json")
    shutil.copytree(REPO / "schemas", out / "schemas")
    shutil.copyfile(REPO / "data" / "actors.csv", out / "data" / "actors.csv")
    header = lambda name: pl.read_csv(REPO / "data" / f"{name}.csv", n_rows=0, infer_schema=False).columns  # noqa: E731

    def write(name: str, frame: pl.DataFrame) -> None:
        cols = header(name)
        frame = frame.with_columns(pl.lit(None, pl.Utf8).alias(c) for c in cols if c not in frame.columns)
        frame.select(cols).write_csv(out / "data" / f"{name}.csv", line_terminator="\n")

    pl.DataFrame(schema={c: pl.Utf8 for c in header("tallies")}).write_csv(out / "data" / "tallies.csv")
    ns = max(n // 2, 1)
    i = pl.int_range(0, ns, eager=True)
    write("sources", pl.DataFrame({"i": i}).select(
        pl.format("S-{}", pl.col("i").cast(pl.Utf8).str.zfill(7)).alias("source_id"),
        pl.lit("news_article").alias("source_type"), pl.lit("media").alias("category"),
        pl.format("Publisher {}", pl.col("i") % 100).alias("publisher"),
        pl.format("Report number {} on strikes in Raqqa", pl.col("i")).alias("title"),
        pl.format("https://example.org/report/{}", pl.col("i")).alias("url"),
        pl.lit("en").alias("language")))
    i = pl.int_range(0, n, eager=True)
    k = (i % 40 + 1)
    day = pl.date(2017, 6, 1) + pl.duration(days=pl.col("i") % 130)
    write("incidents", pl.DataFrame({"i": i, "k": k}).select(
        pl.format("CH-{}", pl.col("i").cast(pl.Utf8).str.zfill(7)).alias("incident_id"),
        pl.lit("active").alias("status"), pl.lit("raqqa-2017").alias("campaign"),
        day.dt.to_string("%Y-%m-%d").alias("date_start"), day.dt.to_string("%Y-%m-%d").alias("date_end"),
        pl.lit("day").alias("date_precision"), pl.lit("SYR").alias("country"), pl.lit("Ar-Raqqa").alias("admin1"),
        pl.lit("Raqqa").alias("locality"), pl.lit("35.9528").alias("latitude"), pl.lit("39.0079").alias("longitude"),
        pl.lit("locality").alias("location_precision"), pl.lit("airstrike").alias("means"),
        pl.lit("A-000001").alias("actor_id"), pl.lit("likely").alias("attribution"),
        pl.col("k").cast(pl.Utf8).alias("civilians_killed_min"), (pl.col("k") + 3).cast(pl.Utf8).alias("civilians_killed_max"),
        pl.lit("fair").alias("grade"),  # two publishers per incident (see claims)
        pl.format("Synthetic strike number {}, with civilians killed, for the benchmark.", pl.col("i")).alias("summary")))
    j = pl.int_range(0, 2 * n, eager=True)
    write("claims", pl.DataFrame({"j": j}).select(
        pl.format("CL-{}", pl.col("j").cast(pl.Utf8).str.zfill(7)).alias("claim_id"),
        pl.format("CH-{}", (pl.col("j") // 2).cast(pl.Utf8).str.zfill(7)).alias("incident_id"),
        pl.format("S-{}", (pl.col("j") % ns).cast(pl.Utf8).str.zfill(7)).alias("source_id"),
        pl.lit("report").alias("claim_type"),
        ((pl.col("j") // 2) % 40 + 1 + (pl.col("j") % 2) * 3).cast(pl.Utf8).alias("civilians_killed_min"),
        ((pl.col("j") // 2) % 40 + 1 + (pl.col("j") % 2) * 3).cast(pl.Utf8).alias("civilians_killed_max"),
        pl.lit("Reports civilians killed in a strike on this day.").alias("statement")))
    # Containers are every tenth incident of even 520-blocks; each holds the incident 520 later
    # (an odd block, never a container), and every other one also holds the container 1040 later.
    c = pl.DataFrame({"i": pl.int_range(0, n, 10, eager=True)}).filter((pl.col("i") // 520) % 2 == 0)
    pairs = pl.concat([c.select("i", (pl.col("i") + 520).alias("j")),
                       c.filter((pl.col("i") // 520) % 4 == 0).select("i", (pl.col("i") + 1040).alias("j"))])
    pairs = pairs.filter(pl.col("j") < n).sort("i", "j").with_row_index("r")
    write("incident_relations", pairs.select(
        pl.format("R-{}", pl.col("r").cast(pl.Utf8).str.zfill(7)).alias("relation_id"),
        pl.format("CH-{}", pl.col("i").cast(pl.Utf8).str.zfill(7)).alias("incident_id"),
        pl.format("CH-{}", pl.col("j").cast(pl.Utf8).str.zfill(7)).alias("related_incident_id"),
        pl.lit("contains").alias("relation"),
        pl.lit("A synthetic day total holding an incident of the same day.").alias("note")))
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("out", type=Path)
    p.add_argument("-n", type=int, default=100_000, help="incidents (default 100,000)")
    a = p.parse_args()
    synthesize(a.out, a.n)
    print(f"wrote {a.out}: {a.n:,} incidents, {2 * a.n:,} claims, {max(a.n // 2, 1):,} sources")


if __name__ == "__main__":
    main()
