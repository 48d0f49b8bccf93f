"""Where civharm finds its own data package, SQL views and package profile: the checkout, or the
copy in the wheel."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# The installed wheel carries a copy of the data package here (made by `make release`); a
# checkout has none and uses the repository itself.
BUNDLED = Path(__file__).resolve().parents[1] / "_package"
DEFAULT_PACKAGE = BUNDLED if (BUNDLED / "datapackage.json").is_file() else REPO
VIEWS = DEFAULT_PACKAGE / "sql" / "views"  # the package's views, one file each (civharm.metadata.ddl loads them)
# What civharm requires of datapackage.json (JSON Schema): its required properties and resources.
PROFILE = DEFAULT_PACKAGE / "schemas" / "civharm-dp-profile.json"
