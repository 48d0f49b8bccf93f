"""The Airwars register importer, one module per job: `register.py` (the register, victims and
crosswalk files, read and checked), `render.py` (source, incident and claim rows), `plan.py` (the
matching rule and what an import changes), `cli.py` (options and exit status)."""
