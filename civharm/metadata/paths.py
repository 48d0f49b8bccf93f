"""Where the repository keeps what the metadata floor reads besides the package: the SQL views
and the package profile."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
VIEWS = REPO / "sql" / "views"  # the package's views, one file each (civharm.metadata.ddl loads them)
# What civharm requires of datapackage.json (JSON Schema): its required properties and resources.
PROFILE = REPO / "schemas" / "civharm-dp-profile.json"
