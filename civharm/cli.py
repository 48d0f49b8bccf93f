"""`civharm`: the command of the installed wheel (pip install dist/civharm-<version>-py3-none-any.whl),
so that whoever downloaded a release can run the project's own rules without the repository.

    civharm validate [PATH] [--format json] [...]   every rule of make validate, on any copy of the package
    civharm where                                   the folder of the package this civharm carries

In Python: civharm.read("incidents", to="pandas") and civharm.connect() read that package.
"""

from __future__ import annotations

import sys

from .metadata.paths import DEFAULT_PACKAGE
from .validate import cli as validate_cli

COMMANDS = {"validate": "check a copy of the package: civharm validate path/to/civharm-<version> (--help for options)",
            "where": "print the folder of the package this civharm carries (what civharm.read() reads)"}


def usage() -> str:
    return (__doc__.split("\n\n")[0] + "\n\ncommands:\n"
            + "\n".join(f"  {name:9} {text}" for name, text in COMMANDS.items()) + "\n")


def main(argv: list[str] | None = None) -> int:
    # Each command keeps its own options (validate's are make validate's), so this only dispatches.
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in ("-h", "--help"):
        (sys.stdout if argv else sys.stderr).write(usage())
        return 0 if argv else 2
    command, rest = argv[0], argv[1:]
    if command == "validate":
        return validate_cli.main(rest)
    if command == "where":
        print(DEFAULT_PACKAGE)
        return 0
    sys.stderr.write(f"civharm: no command {command!r}\n\n" + usage())
    return 2


if __name__ == "__main__":
    sys.exit(main())
