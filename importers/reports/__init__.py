"""The importer of other sources' reports (curation/other_reports_*.csv): `register.py` (the
register, read and checked), `plan.py` (the rule, the rows and what an import changes), `cli.py`
(options and exit status)."""
