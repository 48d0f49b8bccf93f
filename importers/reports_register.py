"""Import the register of other sources' reports into the civharm package: the command line's entry point.

    python -m importers.reports_register [REGISTER.csv ...] [--package DIR] [--dry-run]
"""

from __future__ import annotations

import sys

from importers.reports.cli import main

if __name__ == "__main__":
    sys.exit(main())
