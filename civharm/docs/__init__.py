"""The documentation site's generated pages (mkdocs.yml loads civharm/docs/hooks.py).

The data dictionary, the validation rules, the incident list, the pictures, the cookbook and
the home page's figures are made from the package at build time, from the same sources the
rest of the project reads (schemas/, datapackage.json, civharm.validate.rules, DuckDB views), so the
site cannot drift from the data. `CIVHARM_PACKAGE=path make docs` documents another copy.
"""
