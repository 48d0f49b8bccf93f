"""Where the repository keeps what the metadata floor reads besides the package: the SQL views."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
VIEWS = REPO / "sql" / "views"  # the package's views, one file each (civharm.metadata.ddl loads them)
