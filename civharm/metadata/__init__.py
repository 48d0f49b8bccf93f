"""The ground floor: what `schemas/`, `datapackage.json` and `releases/` say, and its projections.

Resources and their fields (package), what each engine calls a column's type (types), the CSV
form and its readers (csvfile), opening DuckDB (connection), the SQL each engine needs (ddl,
ranges, grades), the ID and version ledgers (ids, versions) and the citation metadata
(citation). Nothing here imports
from a higher floor: civharm.validate builds on it, and the commands (fmt, db, diff, release,
cite, coverage, docs) build on both.
"""
