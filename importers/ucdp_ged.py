"""Import UCDP GED events into the civharm package: the command line's entry point.

    python -m importers.ucdp_ged GED_CSV [--package DIR] [--dry-run] [--review PATH] ...
    make import-ucdp GED=path [DRY_RUN=1] [REVIEW=path]

The importer lives in importers/ucdp/, one module per job (see its __init__.py); --help, or the
docstring of importers/ucdp/cli.py, gives the selection, what it writes and the matching rule.
"""

from __future__ import annotations

import sys

from importers.ucdp.cli import main

if __name__ == "__main__":
    sys.exit(main())
