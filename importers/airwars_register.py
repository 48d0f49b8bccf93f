"""Import the Airwars register into the civharm package: the command line's entry point.

    python -m importers.airwars_register [REGISTER.csv ...] [--package DIR] [--dry-run]

The importer lives in importers/airwars/, one module per job; --help gives the rule.
"""

from __future__ import annotations

import sys

from importers.airwars.cli import main

if __name__ == "__main__":
    sys.exit(main())
