"""The UCDP GED importer, by job; `python -m importers.ucdp_ged` (importers/ucdp_ged.py) runs it.

    ged.py     what GED is: the release and its credit, its columns and codes, the Event, and how
               its places and codes map onto the package's fields; the importer's errors
    read.py    reading the GED CSV (selecting events) and the crosswalk
    match.py   the matching rule: which incident each event's claim goes to
    render.py  the rows and prose the importer writes: claims, new incidents, the GED source row
    plan.py    the plan: ids, rows, ranges and grades, and the bytes each changed file would hold
    report.py  what a person reads: the printed plan, the review file, crosswalk lines to paste
    cli.py     the command line (its --help is the rule in full) and the exit status
"""
