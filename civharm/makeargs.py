"""Run a command with extra arguments read from an environment variable, split like a shell
would split them but without running anything: `make validate ARGS='--format json "my package"'`.

make passes ARGS and PYTEST_ARGS to their programs as data (through the environment), never as
shell text. This splits such a list with `shlex.split` (POSIX rules: whitespace separates words,
quotes group them, a backslash escapes one character) and then replaces itself with the command,
so its exit code is the command's. Nothing is expanded: `$HOME`, `$(cmd)`, `*` and `;` are
literal text in the word they belong to.

    python -m civharm.makeargs ARGS python -m civharm.validate
"""

from __future__ import annotations

import os
import shlex
import sys

USAGE = "usage: python -m civharm.makeargs VARIABLE COMMAND [ARGUMENT ...]"


def split(variable: str) -> list[str]:
    """The words of the environment variable `variable` (none when it is unset or blank)."""
    return shlex.split(os.environ.get(variable, ""), comments=False, posix=True)


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(USAGE, file=sys.stderr)
        return 2
    variable, command = argv[0], argv[1:]
    try:
        words = split(variable)
    except ValueError as e:  # shlex: "No closing quotation", "No escaped character"
        print(f"make: cannot split {variable}={os.environ.get(variable, '')!r} into arguments: {e}. "
              f"Quote a word that holds spaces with '...' or \"...\", and close every quote.", file=sys.stderr)
        return 2
    sys.stdout.flush()
    try:
        os.execvp(command[0], command + words)
    except OSError as e:
        print(f"make: cannot run {command[0]}: {e.strerror}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
