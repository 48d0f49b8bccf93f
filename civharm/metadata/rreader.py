"""Table Schemas -> R: `R/civharm.R`, a reader that gives every table its types in R through readr.

Plain `readr::read_csv` guesses each column from its first rows: counts come out as double, enums
as character and a column blank in every row as logical. The generated file names each column's
readr type instead (integer, double, Date, factor with the enum's values as levels in the schema's
order, logical, character), the table's missing values from the schema, and no whitespace
trimming, so that R reads what the validator checked. Nothing here names a field: the tables,
columns, types and enums come from `schemas/` through `load_resources`.

`make r-script` writes the file; a test fails when the committed one is stale, and another runs it
with Rscript and checks every column's class.
"""

from __future__ import annotations

from pathlib import Path

from .package import Resource, descriptor_path, load_json, load_resources
from .paths import REPO

TARGET = Path("R") / "civharm.R"  # inside the package folder, and so inside the release zip

# Table Schema type -> readr column type (an enum is a factor: see col_type).
READR = {
    "string": "readr::col_character()",
    "integer": "readr::col_integer()",
    "number": "readr::col_double()",
    "date": 'readr::col_date(format = "%Y-%m-%d")',
    "boolean": "readr::col_logical()",
}

# What `class()` gives in R for each kind of column (the R test checks every column against it).
R_CLASS = {"string": "character", "integer": "integer", "number": "numeric", "date": "Date",
           "boolean": "logical", "enum": "factor"}


def r_string(text: str) -> str:
    """An R string literal (double quotes, backslash escapes)."""
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def r_name(name: str) -> str:
    """A name as R writes it in an argument list: bare when syntactic, else in backquotes."""
    plain = name.replace("_", "").replace(".", "").isalnum() and not name[0].isdigit() and not name.startswith("_")
    return name if plain else "`" + name.replace("`", "\\`") + "`"


def kind(field: dict) -> str:
    """A field's kind for R: its Table Schema type, or "enum" for a string with allowed values."""
    t = field.get("type", "string")
    return "enum" if t == "string" and (field.get("constraints") or {}).get("enum") else t


def col_type(field: dict) -> str:
    """The readr column specification of one field."""
    if kind(field) == "enum":
        levels = ", ".join(r_string(v) for v in field["constraints"]["enum"])
        return f"readr::col_factor(levels = c({levels}))"
    return READR.get(field.get("type", "string"), READR["string"])


def _table(r: Resource) -> str:
    missing = r.schema.get("missingValues", [""])
    cols = ",\n".join(f"      {r_name(f['name'])} = {col_type(f)}" for f in r.fields)
    return (f"  {r_name(r.name)} = list(\n"
            f"    path = {r_string(r.path)},\n"
            f"    na = c({', '.join(r_string(v) for v in missing)}),\n"
            f"    col_types = readr::cols(\n{cols}\n    )\n  )")


def r_script(root: Path, descriptor: dict) -> str:
    """The whole of R/civharm.R for a package."""
    tables = ",\n".join(_table(r) for r in load_resources(root, descriptor))
    return HEADER + f"civharm_tables <- list(\n{tables}\n)\n" + FUNCTIONS


HEADER = """\
# civharm's tables in R, each column with its type from schemas/.
# Generated from schemas/ by `make r-script` (civharm/metadata/rreader.py); do not edit by hand.
#
# Needs readr (Debian: apt-get install r-cran-readr; elsewhere install.packages("readr")).
#   source("R/civharm.R")                                    # from the package folder
#   incidents <- civharm_read("incidents")
#   claims <- civharm_read("claims", package = "civharm-1.0.0")  # another copy of the package
#   everything <- civharm_read_all()                         # a named list of every table
#
# integer -> integer, number -> double, date -> Date, an enum -> factor whose levels are its
# allowed values in the schema's order, other strings -> character (even a column blank in every
# row); only the schema's missing values (a blank cell) become NA, and no cell is trimmed.

"""

FUNCTIONS = """
# One table as a tibble. Stops with the reason when the file's header is not the schema's
# columns or a cell does not parse as its type (then run make validate, which says where).
civharm_read <- function(table, package = ".") {
  spec <- civharm_tables[[table]]
  if (is.null(spec)) {
    stop(sprintf("civharm has no table '%s'; tables: %s", table,
                 paste(names(civharm_tables), collapse = ", ")), call. = FALSE)
  }
  path <- file.path(package, spec$path)
  header <- names(readr::read_csv(path, n_max = 0, col_types = readr::cols(.default = readr::col_character()),
                                  progress = FALSE))
  expected <- names(spec$col_types$cols)
  if (!identical(header, expected)) {
    at <- which(c(header, "")[seq_along(expected)] != expected)[1]
    if (is.na(at)) at <- length(expected) + 1
    stop(sprintf("%s: the header is not the schema's columns: column %d is '%s', the schema has '%s'; run make validate",
                 path, at, c(header, "(none)")[min(at, length(header) + 1)], c(expected, "(none)")[at]), call. = FALSE)
  }
  # readr's own warning about parse problems is replaced by the error below, which says where.
  out <- suppressWarnings(readr::read_csv(path, col_types = spec$col_types, na = spec$na, trim_ws = FALSE,
                                          lazy = FALSE, progress = FALSE))
  bad <- readr::problems(out)
  if (nrow(bad) > 0) {
    first <- bad[1, ]
    stop(sprintf("%s: %d cell(s) do not read as their type, the first on line %d, column %s (%s, got '%s'); run make validate",
                 path, nrow(bad), first$row, expected[first$col], first$expected, first$actual), call. = FALSE)
  }
  out
}

# Every table, as a named list of tibbles.
civharm_read_all <- function(package = ".") {
  sapply(names(civharm_tables), civharm_read, package = package, simplify = FALSE)
}
"""


def main() -> None:
    """Write R/civharm.R for the package in the current folder."""
    desc = descriptor_path(".")
    script = r_script(desc.parent, load_json(desc))
    target = REPO / TARGET
    target.parent.mkdir(exist_ok=True)
    target.write_text(script, encoding="utf-8")
    print(f"wrote {TARGET} ({len(script.splitlines())} lines)")


if __name__ == "__main__":
    main()
