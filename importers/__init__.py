"""Importers: map other datasets into the civharm package (see importers/README.md).

Each importer reads an external file, matches its events to the package's incidents by a
documented rule, and writes claims (and, where nothing matches, new incidents) through the same
canonical CSV form as `make fmt`.
"""
