"""`make validate`: check a civharm data package and report every problem in one run."""

from __future__ import annotations

import argparse
import json
import os
import sys

from .engine import CannotRun, validate
from .rules import LAYERS, RULES

EPILOG = """\
layers, in order: {layers}

exit status: 0 valid (warnings allowed), 1 invalid, 2 cannot run (no descriptor, bad arguments).

examples:
  python -m validate                         the package in this folder
  python -m validate path/to/package --format json | jq '.problems[] | .rule'
  python -m validate --rules                 list every rule id with its message and fix
""".format(layers=", ".join(LAYERS))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="civharm-validate", description=__doc__, epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", nargs="?", default=".", help="package folder or its datapackage.json (default: .)")
    parser.add_argument("--format", choices=("human", "json"), default="human", help="report format (default: human)")
    parser.add_argument("--rules", action="store_true", help="list the rules and exit")
    args = parser.parse_args(argv)

    if args.rules:
        if args.format == "json":
            print(json.dumps([r.__dict__ for r in RULES.values()], indent=2))
        else:
            for r in RULES.values():
                print(f"{r.id:28} {r.layer:11} {r.meaning}")
        return 0
    try:
        report = validate(args.path)
    except CannotRun as e:
        rule = RULES["descriptor-not-found"]
        message = rule.message.format(detail=e.path)
        if args.format == "json":
            print(json.dumps({"valid": False, "exit_code": 2, "rule": rule.id, "error": message, "hint": rule.hint}))
        print(f"civharm-validate: cannot run: {message} {rule.hint}", file=sys.stderr)
        return 2
    except Exception as e:  # a bug of ours: say so plainly; the traceback only on request
        if os.environ.get("CIVHARM_DEBUG"):
            raise
        message = (f"internal error ({type(e).__name__}: {e}). Please report it with the input; "
                   "set CIVHARM_DEBUG=1 for the traceback.")
        if args.format == "json":
            print(json.dumps({"valid": False, "exit_code": 2, "error": message}))
        print(f"civharm-validate: {message}", file=sys.stderr)
        return 2
    if args.format == "json":
        print(report.to_json())
    else:
        sys.stdout.write(report.to_text(color=sys.stdout.isatty() and not os.environ.get("NO_COLOR")))
    return report.exit_code


if __name__ == "__main__":
    sys.exit(main())
