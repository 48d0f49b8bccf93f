"""`make validate`: check a civharm data package and report every problem in one run."""

from __future__ import annotations

import argparse
import json
import os
import sys

from civharm.metadata.confine import limits
from .annotations import escape_data, write_github
from .engine import CannotRun, validate
from .progress import PROGRESS_DELAY, progress_line
from civharm.metadata.connection import BadSetting
from .report import keep_per_rule
from .rules import CHECK_OF, LAYERS, RULES
from . import interruption, verdicts

MAX_PER_RULE = 20  # problems of one rule in one file that the human report prints

EPILOG = """\
layers, in order: {layers}

exit status: 0 valid (warnings allowed), 1 invalid, 2 cannot run (no descriptor, bad arguments),
130 / 143 interrupted by SIGINT / SIGTERM (nothing validated; temporary files removed).

report: the human report prints at most {cap} problems of one rule in one file, then the
exact count of the rest; the summary line counts every problem. --format json lists them all.
A run longer than {delay:g} s shows a progress line on stderr when stderr is a terminal.

examples:
  python -m civharm.validate                         the package in this folder
  python -m civharm.validate path/to/package --format json | jq '.problems[] | .rule'
  python -m civharm.validate --max-per-rule 5        at most 5 problems of each rule per file
  python -m civharm.validate --all                   every problem (make validate ARGS="--all")
  python -m civharm.validate --format github         annotations on the pull request's diff (GitHub Actions)
  python -m civharm.validate --rules                 list every rule id with its message and fix
""".format(layers=", ".join(LAYERS), cap=MAX_PER_RULE, delay=PROGRESS_DELAY)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="civharm-validate", description=__doc__, epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", nargs="?", default=".", help="package folder or its datapackage.json (default: .)")
    parser.add_argument("--format", choices=("human", "json", "github"), default="human",
                        help="report format (default: human); github: one GitHub Actions annotation per problem")
    parser.add_argument("--max-per-rule", type=_count, default=MAX_PER_RULE, metavar="N",
                        help=f"human report: at most N problems of each rule per file (default: {MAX_PER_RULE})")
    parser.add_argument("--all", action="store_true", help="human report: every problem (no --max-per-rule cap)")
    parser.add_argument("--rules", action="store_true", help="list the rules and exit")
    parser.add_argument("--no-cache", action="store_true",
                        help="ask frictionless and jsonschema again instead of reusing their verdicts on an "
                             f"unchanged descriptor and schemas, kept in $XDG_CACHE_HOME (default ~/.cache)/"
                             f"{verdicts.FOLDER[0]}/ (the same as {verdicts.NO_CACHE}=1)")
    args = parser.parse_args(argv)
    if args.no_cache:  # the environment, so the one switch the cache reads (verdicts.enabled)
        os.environ[verdicts.NO_CACHE] = "1"

    if args.rules:
        if args.format == "json":
            print(json.dumps([{**r.__dict__, "check": CHECK_OF[r.id]} for r in RULES.values()], indent=2))
        else:
            for r in RULES.values():
                print(f"{r.id:28} {r.layer:11} {r.meaning}")
        return 0
    interruption.install()
    try:
        try:
            limits(), keep_per_rule()
        except ValueError as e:
            raise BadSetting(str(e)) from None
        with progress_line(sys.stderr) as progress:
            report = validate(args.path, progress=progress)
        # rendering is inside the error handling too: a failure there is reported, not a traceback
        if args.format == "json":
            report.write_json(sys.stdout)
            sys.stdout.write("\n")
        elif args.format == "github":
            write_github(report, sys.stdout)
        else:
            sys.stdout.write(report.to_text(color=sys.stdout.isatty() and not os.environ.get("NO_COLOR"),
                                            max_per_rule=None if args.all else args.max_per_rule))
        return report.exit_code
    except CannotRun as e:
        rule = RULES["descriptor-not-found"]
        message = rule.message.format(detail=e.path)
        if args.format == "json":
            print(json.dumps({"valid": False, "exit_code": 2, "rule": rule.id, "error": message, "hint": rule.hint}))
        _github_error(args.format, f"{message} {rule.hint}")
        print(f"civharm-validate: cannot run: {message} {rule.hint}", file=sys.stderr)
        return 2
    except BadSetting as e:
        if args.format == "json":
            print(json.dumps({"valid": False, "exit_code": 2, "error": str(e)}))
        _github_error(args.format, str(e))
        print(f"civharm-validate: cannot run: {e}", file=sys.stderr)
        return 2
    except Exception as e:  # a bug of ours: say so plainly; the traceback only on request
        if os.environ.get("CIVHARM_DEBUG"):
            raise
        message = (f"internal error ({type(e).__name__}: {e}). Please report it with the input; "
                   "set CIVHARM_DEBUG=1 for the traceback.")
        if args.format == "json":
            print(json.dumps({"valid": False, "exit_code": 2, "error": message}))
        _github_error(args.format, message)
        print(f"civharm-validate: {message}", file=sys.stderr)
        return 2


def _github_error(form: str, message: str) -> None:
    """With --format github, a run that could not check anything is an annotation too."""
    if form == "github":
        print(f"::error title=civharm-validate cannot run::{escape_data(message)}")


def _count(text: str) -> int:
    n = int(text)
    if n < 0:
        raise argparse.ArgumentTypeError(f"{text} is not a count (0 or more)")
    return n


if __name__ == "__main__":
    sys.exit(main())
