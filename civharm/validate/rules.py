"""The rule registry: every check `make validate` runs, once, with its id, message and fix hint.

Rule ids are stable: reports, tests and the docs' validation-rules page all key on them.
Messages are `str.format` templates; the engine fills in the named fields it knows
(`column`, `value`, `expected`, `detail`, ...).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from civharm.metadata.package import RESOURCE_NAMES


@dataclass(frozen=True)
class Rule:
    id: str
    layer: str  # descriptor | structure | cells | rows | tables | release | hygiene
    message: str
    hint: str
    meaning: str
    example: str  # a failing value or row, for the docs
    severity: str = "error"  # error | notice (a notice reports, never makes the package invalid)


LAYERS = ("descriptor", "structure", "cells", "rows", "tables", "release", "hygiene")

_RULES = [
    # 1. descriptor ---------------------------------------------------------------------------
    Rule("descriptor-not-found", "descriptor", "No descriptor at {detail}.",
         "Run from the package folder or pass the path to datapackage.json.",
         "The datapackage.json to validate does not exist.", "civharm-validate missing/datapackage.json"),
    Rule("descriptor-not-json", "descriptor", "The file is not valid JSON: {detail}.",
         "Fix the JSON syntax at the line shown (a missing comma or quote is the usual cause).",
         "datapackage.json or a schema file cannot be parsed as JSON.", '{"name": "civharm",'),
    Rule("descriptor-profile", "descriptor", "The descriptor breaks the Data Package v2 profile: {detail}.",
         "Compare the property with https://datapackage.org/standard/data-package/.",
         "frictionless reports the descriptor or a resource as invalid against the standard, or a "
         "`profile` names a file or URL, which frictionless would read from outside the package.",
         '"resources": "data/incidents.csv"'),
    Rule("descriptor-required", "descriptor", "The descriptor lacks the required property '{column}'.",
         "Add '{column}' to datapackage.json; civharm requires it so the package can be cited.",
         "A property civharm needs (name, title, version, licenses, ...) is missing.", 'no "version"'),
    Rule("descriptor-resource-set", "descriptor", "{detail}",
         "The package has exactly the resources " + ", ".join(RESOURCE_NAMES[:-1]) + " and " + RESOURCE_NAMES[-1] + ".",
         "A resource is missing from the descriptor, or one is there that civharm does not know.",
         'no resource named "claims"'),
    Rule("release-rules", "descriptor",
         "Checked by the rules of {value}, the released version this package is byte for byte; since {value} "
         "civharm's rules changed ({detail}).",
         "Nothing to fix: a release stays valid by its own version's rules. make diff FROM={value} lists every "
         "change to the data and schemas since.",
         "A package that is exactly a released version (its descriptor, schemas and data hash to the record kept for "
         "it) is checked by that version's profile, not today's; a package that only names an old version is not.",
         "the 0.2.0 zip, before incident_relations", severity="notice"),
    Rule("resource-file-missing", "descriptor", "The resource's data file {value} does not exist.",
         "Create the file with the header row from its schema, or fix the resource's path.",
         "A resource's path points at no file.", '"path": "data/claims.csv" with no such file'),
    Rule("schema-invalid", "descriptor", "The Table Schema is invalid: {detail}.",
         "Compare the schema with https://datapackage.org/standard/table-schema/.",
         "frictionless rejects a Table Schema file.", '"type": "text"'),
    Rule("schema-key-field", "descriptor", "A key names the field '{value}', which {detail}.",
         "Point primaryKey and foreignKeys only at fields that exist in the schemas they name.",
         "A primary or foreign key refers to a field or resource that does not exist.",
         '"primaryKey": ["id"] where the field is incident_id'),
    Rule("schema-field-undocumented", "descriptor", "The field '{column}' has no {detail}.",
         "Give every field a description a researcher can act on and an example value.",
         "A field lacks a description or an example, so the data dictionary would have a gap.",
         'a field with no "description"'),
    Rule("schema-enum-undocumented", "descriptor",
         "The field '{column}' lists enum values without a meaning, or meanings for values not in its enum: {detail}.",
         "Give the field a 'categories' entry {{value, label}} for each value in constraints.enum, and no others.",
         "Each enum value carries its meaning in the schema's categories, so docs can be generated.",
         '"enum": ["airstrike"] with no categories'),
    Rule("schema-field-name", "descriptor", "The field name '{value}' ({column}) is not a plain identifier.",
         "Name fields by a lower-case letter followed by lower-case letters, digits and underscores "
         "(at most 63 characters; not 'rowid'), as civharm's own fields are.",
         "A field name is a plain identifier, so that no field can take the place of a column the validator "
         "keeps beside the data (its line, its broken flag: names starting with '__' or holding '$') or "
         "differ from another only by case; the resource is not read.", '"name": "__broken"'),
    Rule("schema-pattern-unsupported", "descriptor", "The pattern '{value}' ({column}) is outside the pattern dialect: {detail}.",
         "Write patterns with literals, '.', classes [a-z], groups (...), '|', the repeats * + ? {{n,m}} "
         "(counts up to 1,000) and the escapes \\d \\s \\w and escaped punctuation.",
         "A pattern is read alike by the Table Schema's dialect (XML Schema's), DuckDB's RE2 and polars: "
         "back-references, look-arounds, lazy repeats, \\Z and large repeat counts are not; the resource is "
         "not read.", '"pattern": "(a)\\1"'),
    Rule("schema-too-many-fields", "descriptor", "The schema has {value} fields, more than the limit of {expected}.",
         "A civharm table has a few dozen fields; if more truly belong, raise the limit ({detail}=count).",
         "The fields of one schema are bounded before anything is read, so that a schema of thousands of "
         "fields cannot exhaust time or memory; the resource is not read.", "a schema of 5,000 fields"),
    Rule("descriptor-too-many-resources", "descriptor",
         "The descriptor has {value} resources, more than the limit of {expected}.",
         "civharm's package has " + str(len(RESOURCE_NAMES)) + " resources; if more truly belong, raise the "
         "limit ({detail}=count).",
         "The resources of a package are bounded before any is read; past the limit none is.",
         "10,000 resources"),
    Rule("path-outside-package", "descriptor", "{column} names '{value}', which {detail}.",
         "Name files by a relative path inside the package (data/claims.csv), and commit the file itself, not a symlink.",
         "Every file the package names is inside it: no symlink, no '..', no absolute path or URL, so that "
         "checking a contribution never reads a file elsewhere on the machine.", '"path": "../../etc/passwd"'),
    Rule("file-too-large", "descriptor", "The file has {value} bytes, more than the limit of {expected}.",
         "A file this large is not a contribution to review; if it truly belongs, raise the limit ({detail}=bytes).",
         "Every file has a size limit, so that checking a contribution takes bounded time and memory.",
         "a 59 MB datapackage.json"),
    # 2. structure ------------------------------------------------------------------------------
    Rule("encoding-bom", "structure", "The file starts with a UTF-8 byte order mark.",
         "Save the file as UTF-8 without BOM (in Excel: 'CSV UTF-8' adds one; use make fmt to remove it).",
         "A BOM becomes part of the first column's name in many readers.", "\\ufeffincident_id,status,..."),
    Rule("encoding-utf8", "structure", "Bytes that are not valid UTF-8 at byte {detail}.",
         "Re-save the file as UTF-8; the bad bytes are usually Latin-1 or Windows-1252 characters.",
         "Every CSV must be UTF-8.", "caf\\xe9"),
    Rule("header-missing-column", "structure", "The header lacks the column '{column}'.",
         "Add the column, in the position the schema gives it.",
         "The header row must list the schema's fields, all of them, in order.", "incident_id,status,..."),
    Rule("header-extra-column", "structure", "The header has the column '{column}', which the schema does not define.",
         "Remove the column, or add the field to the schema first.",
         "The header row must list the schema's fields and nothing else.", "incident_id,status,colour,..."),
    Rule("header-column-order", "structure", "The column '{column}' is at position {value}; the schema puts it at {expected}.",
         "Reorder the columns as the schema lists them; make fmt does it for you.",
         "Columns are in schema order, so that every reader sees the same layout.", "status,incident_id,..."),
    Rule("row-ragged", "structure", "The row has {value} cells; the header has {expected}.",
         "Look for an unquoted comma in a text cell, or a missing or extra cell; quote text that contains commas.",
         "Every row has as many cells as the header.", "CH-000001,active"),
    Rule("row-blank", "structure", "The line is blank.",
         "Delete the empty line.", "Blank lines are not rows; they break some CSV readers.", "(an empty line)"),
    Rule("csv-unclosed-quote", "structure", "A quoted cell opened here is never closed; the rest of the file was read into it.",
         "Close the quote, or double any quote character inside the quoted text (\"\").",
         "A quote opened in a cell must be closed in the same cell.", '"Airstrike on the old bridge'),
    Rule("csv-parse", "structure", "The CSV cannot be parsed here: {detail}.",
         "Check the quoting on this line: quotes belong only around a whole cell, and a quote inside a quoted cell is doubled (\"\").",
         "The file breaks RFC 4180 in a way the other structure rules do not name.", 'ab"c'),
    Rule("line-too-long", "structure", "The line has {value} bytes, more than the limit of {expected}.",
         "Look for a missing line break or a pasted document; if one cell truly needs it, raise CIVHARM_MAX_LINE_BYTES.",
         "Every line (so every cell) has a size limit, so that reading a file takes bounded memory.",
         "a 10 MB cell"),
    Rule("internal-error", "structure", "The validator failed on this file: {detail}.",
         "This is a bug in civharm's validator, not necessarily in the file: report it with the file.",
         "An unexpected failure is reported with the file it was reading; the other files are still checked.",
         "(a bug)"),
    # 3. cells -----------------------------------------------------------------------------------
    Rule("cell-type", "cells", "'{value}' is not a valid {expected}.",
         "Write integers as digits only (42), numbers with a dot (35.95), dates as YYYY-MM-DD.",
         "Every cell parses as its field's type.", "forty-two"),
    Rule("cell-date-impossible", "cells", "'{value}' is not a date that exists.",
         "Check the day and month: the calendar has no such day.",
         "A date written in the right form names a day that does not exist.", "2017-02-30"),
    Rule("cell-required", "cells", "The required field '{column}' is empty.",
         "Fill in the value; if the source does not give it, see the field's description for what to write.",
         "A field marked required in its schema has a value in every row.", "(empty)"),
    Rule("cell-enum", "cells", "'{value}' is not one of the allowed values: {expected}.",
         "Use one of the listed values; their meanings are in the data dictionary.",
         "A field with an enum holds only its listed values.", "drone"),
    Rule("cell-pattern", "cells", "'{value}' does not match the pattern {expected}.",
         "IDs are a prefix and at least six digits, zero padded (CH-000042); codes follow the field's description.",
         "A field with a pattern holds only matching text.", "CH-42"),
    Rule("cell-minimum", "cells", "{value} is below the minimum {expected}.",
         "Check the sign and the unit; counts are never negative, latitudes are at least -90.", "Below minimum.", "-3"),
    Rule("cell-maximum", "cells", "{value} is above the maximum {expected}.",
         "Check for swapped latitude and longitude, or a typo.", "Above maximum.", "95.2"),
    Rule("cell-unique", "cells", "'{value}' appears more than once in '{column}', which must be unique.",
         "Give each row its own value.", "A field marked unique holds no value twice.", "the same name twice"),
    # 4. rows --------------------------------------------------------------------------------------
    Rule("range-min-gt-max", "rows", "{column} is {value}, more than its maximum {expected}.",
         "Swap the two figures, or correct the one that is wrong.",
         "A minimum never exceeds its maximum.", "civilians_killed_min=30, civilians_killed_max=11"),
    Rule("children-exceed-civilians", "rows", "At least {value} children killed, but at most {expected} civilians killed.",
         "Children are counted among civilians: the children's figure cannot exceed the civilians'.",
         "children_killed_min never exceeds civilians_killed_max.", "children_killed_min=20, civilians_killed_max=8"),
    Rule("women-exceed-civilians", "rows", "At least {value} women killed, but at most {expected} civilians killed.",
         "Women are counted among civilians: the women's figure cannot exceed the civilians'.",
         "women_killed_min never exceeds civilians_killed_max.", "women_killed_min=9, civilians_killed_max=3"),
    Rule("men-exceed-civilians", "rows", "At least {value} men killed, but at most {expected} civilians killed.",
         "Men are counted among civilians: the men's figure cannot exceed the civilians'.",
         "men_killed_min never exceeds civilians_killed_max.", "men_killed_min=6, civilians_killed_max=4"),
    Rule("parts-exceed-civilians", "rows",
         "At most {value} civilians killed, fewer than the children, women and men stated together.",
         "Children, women and men never overlap (girls and boys are children): check which figure is wrong.",
         "children_killed_min + women_killed_min + men_killed_min (a blank one counts as none) never exceeds "
         "civilians_killed_max.", "children_killed_min=7, women_killed_min=1, men_killed_min=1, civilians_killed_max=8"),
    Rule("assessment-missing", "rows", "The {value} has no belligerent_assessment.",
         "Give the belligerent's own label for its assessment (credible, non_credible, duplicate, ...), as its "
         "statement gives it. See the methodology's belligerent assessments.",
         "An admission or denial carries the belligerent's own label for its assessment.",
         "claim_type=denial, belligerent_assessment="),
    Rule("statement-undated", "rows", "The {value} has no stated_on.",
         "Give the date the belligerent made the statement; when the source gives only its month, the first of "
         "that month with stated_on_precision=month.",
         "An admission or denial says when the belligerent made it, so that its position has a date. A notice, "
         "not an error: several sources report a verdict without the report that gave it, and the verdict stays.",
         "claim_type=admission, stated_on=", severity="notice"),
    Rule("stated-on-precision-mismatch", "rows",
         "stated_on_precision is {value}, but stated_on is blank or not the first of a month: '{expected}'.",
         "Set stated_on_precision only with stated_on; with 'month', stated_on is the first day of the month.",
         "stated_on_precision qualifies a stated_on: never set without one, and 'month' only on a first of the month.",
         "stated_on=2017-04-20, stated_on_precision=month"),
    Rule("date-end-before-start", "rows", "The end date {value} is before the start date {expected}.",
         "Swap the dates, or correct the one that is wrong.",
         "A period ends on or after the day it starts.", "date_start=2017-08-21, date_end=2017-08-20"),
    Rule("merge-target-missing", "rows", "The incident is merged but merged_into is empty.",
         "Set merged_into to the active incident that absorbed it.",
         "A merged tombstone names the incident it was merged into.", "status=merged, merged_into="),
    Rule("merge-target-unexpected", "rows", "merged_into is set to {value} but the status is {expected}.",
         "Either set status to merged, or clear merged_into.",
         "Only merged tombstones point at another incident.", "status=active, merged_into=CH-000002"),
    Rule("status-reason-missing", "rows", "The incident is {value} but status_reason is empty.",
         "Say in one sentence why it was merged or retracted, so that readers of old citations understand.",
         "Every tombstone says why it is one.", "status=retracted, status_reason="),
    Rule("summary-missing", "rows", "The active incident has no summary.",
         "Write one or two sentences, in your own words, on what happened.",
         "Every active incident is summarised.", "status=active, summary="),
    Rule("coordinates-incomplete", "rows", "{expected} is set but {column} is empty.",
         "Give both latitude and longitude, or neither.",
         "Coordinates come in pairs.", "latitude=35.95, longitude="),
    # 5. tables ------------------------------------------------------------------------------------
    Rule("pk-duplicate", "tables", "The primary key {value} is already used on line {expected}.",
         "Give the new row the next free ID; never reuse or renumber a published ID.",
         "Each primary key value identifies one row.", "CH-000001 twice"),
    Rule("fk-dangling", "tables", "{value} is not a {expected}.",
         "Point the reference at an existing row, or add the row it should point at.",
         "A foreign key points at a row that exists in the referenced resource.",
         "claims.source_id=S-999999 with no such source"),
    Rule("self-reference-dangling", "tables", "{value} is not a {expected} in the same table.",
         "Point the reference at an existing row of this table.",
         "A self reference (merged_into, republished_from, parent_id) points at a row that exists.",
         "merged_into=CH-999999"),
    Rule("self-reference-cycle", "tables", "{column} forms a cycle: {value}.",
         "Break the cycle: a chain of merged_into, republished_from, parent_id or superseded_by must end.",
         "Following a self reference never comes back to where it started.",
         "CH-000003 merged into CH-000004, merged into CH-000003"),
    Rule("merge-target-not-active", "tables", "The merge target {value} has status {expected}, not active.",
         "Point merged_into at the active incident that holds the content now.",
         "A tombstone resolves in one step to an active incident.", "merged_into=CH-000005 (retracted)"),
    Rule("incident-without-claim", "tables", "The active incident {value} has no claim from a source with a URL.",
         "Add at least one claim that says which source reports this incident.",
         "Every active incident is backed by at least one claim whose source has a URL.", "CH-000009 with no claims row"),
    Rule("incident-range-unexplained", "tables", "{column} is {value}, but the incident's claims give {expected}.",
         "Set the figure to what the range rule gives (smallest and largest figure any claim states; "
         "blank when none does), or add the claim it rests on. See the methodology.",
         "An active incident's figures span exactly what its claims state (the methodology's range rule).",
         "civilians_killed_max=60 while the largest claim says 55"),
    Rule("incident-grade-unexplained", "tables", "grade is {value}, but the incident's current claims give {expected}.",
         "Set the grade to what the grade rule gives (run python -m civharm.grades to set it), or add the "
         "claim it rests on. See the methodology's grades.",
         "An active incident's grade is the one its current claims give: fair for two or more independent "
         "originals, single_source for one, weak when no report gives a figure, belligerent_only with no report.",
         "grade=fair on one Airwars claim"),
    Rule("belligerent-position-unexplained", "tables", "{column} is {value}, but the claims give {expected}.",
         "Set it to the latest current admission or denial of the incident's actor or its coalition (run "
         "python -m civharm.grades), or add the claim it rests on.",
         "An active incident's belligerent_position and its date come from the latest current admission or "
         "denial of the actor it is attributed to (or that actor's coalition); blank when there is none.",
         "belligerent_position=denied while the coalition's only statement is an admission"),
    Rule("superseded-by-other-incident", "tables", "superseded_by is {value}, a claim about another incident than {expected}.",
         "Point superseded_by at the later claim about the same incident, or leave it blank.",
         "A claim is superseded only by a later claim about the same incident.",
         "CL-000046 superseded by a claim about CH-000027"),
    Rule("superseded-by-other-publisher", "tables", "superseded_by is {value}, not a claim of {expected}.",
         "Only a publisher's own later claim revises its claim; record another publisher's figure beside it "
         "and leave superseded_by blank.",
         "A claim is superseded only by a claim of the same source or of another source of the same publisher.",
         "an Airwars claim superseded by a Rudaw article's"),
    Rule("source-duplicate-url", "tables", "The URL {value} is already the source {expected}.",
         "Use the existing source row in your claims, and delete this one.",
         "One document is one source row, so one report is never counted twice.", "two rows for the same article"),
    Rule("relay-discrepancy", "tables", "The claim says {value}; the source it cites says {expected}.",
         "Nothing to fix if the data records both faithfully: this report shows where a figure changed on its way.",
         "A claim names its source (cited_source_id), but that source's own claim gives other figures.",
         "Antiwar.com 55, citing the Observatory's 42", severity="notice"),
    Rule("tally-coverage", "tables", "The tally says {value}; {expected}.",
         "Nothing to fix: tallies are never added to incidents; this shows how much of a tally incidents explain.",
         "Each tally beside the active incidents of the same campaign, area and actor scope in its period "
         "(raw and deduplicated), or why it cannot be compared.",
         "167; in its scope (locality Raqqa, US-led coalition and those within it) from 2017-08-14 to "
         "2017-08-22, 2 active incident(s) sum to 69-82 deduplicated (69-82 raw)", severity="notice"),
    Rule("relation-self", "tables", "The incident {value} is related to itself.",
         "Relate it to the other incident you meant, or delete the row.",
         "A relation joins two different incidents.", "R-000001: CH-000054 contains CH-000054"),
    Rule("relation-pair-repeated", "tables", "The pair {value} already has a relation: {expected}.",
         "Keep one row per pair of incidents, whatever the kind and in either order: the one "
         "that says best how their deaths relate. Delete this row (withdraw it in "
         "releases/ids.csv if it was released).",
         "Each unordered pair of incidents has one relation, so that totals apply one reading of "
         "their shared deaths.",
         "CH-000054 contains CH-000006, and CH-000006 possible_duplicate CH-000054"),
    Rule("relation-contains-cycle", "tables", "'contains' comes back to where it started: {value}.",
         "Break the cycle: one of these incidents does not hold all the deaths of the next. Make "
         "that relation 'overlaps' or 'possible_duplicate'.",
         "Following 'contains' never returns to the incident it started from, at any length.",
         "CH-000054 contains CH-000006 contains CH-000054"),
    Rule("relation-incident-not-active", "tables", "The incident {value} is {expected}, not active.",
         "Point the relation at the active incident: a merged incident's relations move to its "
         "merged_into target; a retracted incident's relations are withdrawn (releases/ids.csv).",
         "Both ends of a relation are active incidents: totals count only those, and a "
         "tombstone's content lives in its merge target.",
         "CH-000054 contains CH-000009, where CH-000009 is merged"),
    Rule("relation-campaign-mismatch", "tables", "The related incident {value} is not in {expected}.",
         "Check the incident IDs: incidents that share deaths belong to the same campaign.",
         "Both incidents of a relation belong to the same campaign.",
         "CH-000054 (raqqa-2017) possible_duplicate CH-000029 (mosul-2016-2017)"),
    Rule("relation-dates-disjoint", "tables", "The related incident {value} shares no day with {expected}.",
         "Check the incident IDs or the dates; if the sources date the same deaths on different "
         "days, widen the dates they allow, or record the pair as a possible_duplicate.",
         "Two incidents said to share deaths (contains, overlaps, companion_entry) share at least one day.",
         "CH-000054 (9-10 June) contains CH-000014 (7-8 August)"),
    Rule("relation-contained-dates-outside", "tables", "The contained incident {value} reaches outside {expected}.",
         "Nothing to fix if a source dates the deaths more loosely than the container does; "
         "otherwise correct the relation or the dates.",
         "A contained incident's dates lie within its container's, or the difference is shown.",
         "CH-000054 (9-10 June) contains CH-000006 (8-9 June)", severity="notice"),
    Rule("relation-contained-exceeds-container", "tables", "'contains' cannot hold: {value}, more than its container's {expected}.",
         "A container holds all the deaths of what it contains; when its largest figure is "
         "smaller, the two share only part of the deaths: make the relation 'overlaps'.",
         "A container's largest civilian toll is not below the smallest toll of an incident it contains.",
         "CH-000205 (16 killed) contains CH-000014 (29 killed)"),
    Rule("external-id-unrelated", "tables", "The source record {value} is {expected}.",
         "Record how the two incidents share their deaths in data/incident_relations.csv "
         "(contains, overlaps, possible_duplicate or companion_entry), or merge the incidents.",
         "Claims of two active incidents carry the same external_id (the same Airwars code or UCDP "
         "GED event) only when a relation between the incidents says how they share deaths, so "
         "that totals do not count those deaths twice.",
         "CS1380 on claims of CH-000012 and CH-000040, with no relation between them"),
    Rule("place-spelling-ambiguous", "tables", "The spelling '{value}' is already a name of {expected}.",
         "One spelling, one place: if both rows are the same place, merge them (keep one place_id and point "
         "incidents and claims at it); if not, drop the spelling from the place it does not name.",
         "Every spelling in the gazetteer (a place's name and its spellings, without case) belongs to one place, "
         "so that a name in the data resolves to one place.", "Al-Badu a spelling of PL-000003 and of PL-000009"),
    Rule("place-name-mismatch", "tables", "place_id is {value}, whose names ({expected}) are not in the incident's locality or neighbourhood.",
         "Point place_id at the place the incident's locality or neighbourhood names, or add that spelling to "
         "the place (python -m civharm.gazetteer sets both from the data).",
         "An incident's gazetteer entry is a place its own locality or neighbourhood text names.",
         "place_id=PL-000001 (Mosul) on an incident in Raqqa"),
    Rule("victims-exceed-counts", "tables", "{column} is {value}, but {expected}.",
         "The incident's figure holds every person a claim lists: raise the figure the claim states, or check "
         "the victims' claim_id, outcome, sex and age_group.",
         "An active incident's counts by age and sex (civilians, children, women, men killed) are not below the "
         "victims one of its claims lists as killed, where the incident states a maximum.",
         "children_killed_max=2 with 3 children listed in victims for CL-000001"),
    # 6. release -----------------------------------------------------------------------------------
    Rule("version-format", "release", "The version '{value}' is not MAJOR.MINOR.PATCH.",
         "Use semantic versioning, for example 0.2.0.", "The package version is a semantic version.", "v0.2"),
    Rule("version-mismatch", "release", "{detail}",
         "Set the version everywhere at once with make bump VERSION=X.Y.Z FROM=<previous release>; "
         "by hand: datapackage.json, CITATION.cff (version, preferred-citation version) and CHANGELOG.md's top entry.",
         "The version agrees everywhere it is written: datapackage.json, CITATION.cff and the top entry of CHANGELOG.md.",
         "datapackage.json 0.2.0, CITATION.cff 0.1.0"),
    Rule("release-date-mismatch", "release", "{detail}",
         "Give every file the same release date (make bump sets them together): the date of datapackage.json's "
         "created, CITATION.cff's date-released (also in preferred-citation) and CHANGELOG.md's '## X.Y.Z — YYYY-MM-DD'.",
         "The release date agrees everywhere it is written.",
         "created 2026-12-01T00:00:00Z, date-released 2026-11-24"),
    Rule("updated-after-release", "release", "updated_on is {value}, after the package's release date {expected}.",
         "Never set updated_on by hand: make bump sets it, to the release date, on the rows make diff finds changed.",
         "A row's updated_on, the release date of its last change, is never later than the package's release "
         "date (datapackage.json's created).", "updated_on=2026-12-15 in a package released 2026-12-01"),
    Rule("citation-unreadable", "release", "{detail}.",
         "Fix the YAML syntax (indentation, quotes around text with ': '), then run make cff-check.",
         "CITATION.cff, when present, is readable YAML, so that its version and date can be checked.",
         "title: civharm: incidents (unquoted ': ')"),
    Rule("zenodo-stale", "release", ".zenodo.json is not what CITATION.cff and datapackage.json generate: {detail}.",
         "Run make zenodo and commit the result; never edit .zenodo.json by hand.",
         ".zenodo.json is generated from CITATION.cff and the package version, and kept current.",
         '"version": "0.1.0" after the package moved to 0.2.0'),
    Rule("resource-bytes-mismatch", "release", "The file has {value} bytes; the descriptor says {expected}.",
         "Rebuild the release descriptor (make release), or restore the file.",
         "A resource's declared size matches its file.", '"bytes": 1200 for a 1201-byte file'),
    Rule("resource-hash-mismatch", "release", "The file's hash is {value}; the descriptor says {expected}.",
         "Rebuild the release descriptor (make release), or restore the file.",
         "A resource's declared hash matches its file.", '"hash": "sha256:00..." for other content'),
    Rule("id-ledger-invalid", "release", "The ID ledger is inconsistent: {detail}.",
         "Fix the row of releases/ids.csv; make bump writes it (columns id, resource, released_in, withdrawn_in, "
         "resolves_to, reason), and only withdrawals are written by hand.",
         "releases/ids.csv, the record of every released ID, is well formed: one row per ID, known resources, "
         "withdrawals only for kinds without tombstones, each with a reason.",
         "CH-000004,incidents,0.1.0,0.2.0,,duplicate"),
    Rule("id-removed", "release", "The ID {value}, released in {expected} ({detail}), is no longer in the data.",
         "Put the row back. To retire an incident, keep its row as a tombstone (status merged with merged_into, "
         "or retracted, and a status_reason); to retire a source, claim, tally or actor, record its withdrawal "
         "in releases/ids.csv (withdrawn_in, resolves_to, reason).",
         "An ID once released never disappears: citations of it must keep resolving.",
         "CH-000002 released in 0.1.0, deleted from incidents.csv"),
    Rule("id-kind-changed", "release", "The ID {value} was released as a row of {expected}, not of this table.",
         "Move the row back to {expected}, and give this row a new ID of this table's kind.",
         "An ID never changes kind: it stays in the resource it was released in.",
         "S-000007 released as a source, now a row of claims"),
    Rule("id-tombstone-unresolved", "release", "The withdrawn ID resolves to {value}, which is not a row of {expected} ({detail}).",
         "Point resolves_to at the row of the same table that holds the withdrawn row's content now, or leave it blank.",
         "A withdrawn ID resolves to where its content went, and that row exists.",
         "S-000007 withdrawn, resolves_to S-999999"),
    Rule("version-ledger-invalid", "release", "The version ledger is malformed: {detail}.",
         "Fix the row of releases/versions.csv (columns version, released_on, commit, zip_sha256, built_by, notes); "
         "make release writes it, in version order, and a released row is never edited (the one exception: a version "
         "released without a zip may get one once, its blank zip_sha256 filled together with built_by).",
         "releases/versions.csv, the record of every released version, is well formed: one row per "
         "MAJOR.MINOR.PATCH version in version order, a full 40-digit commit, a blank or 64-digit sha256, "
         "built_by blank or the 40-digit commit that packed a recorded zip, "
         "and the release date CHANGELOG.md gives that version.",
         "0.2.0,2026-11-24,4234917,,,"),
    Rule("version-unrecorded", "release", "The released version {value} ({detail}) has no row in releases/versions.csv.",
         "Restore the version's row from the ledger's history (git log -p releases/versions.csv): a released "
         "version's commit and zip hash never change, and its row is never deleted.",
         "Every version CHANGELOG.md or releases/ids.csv calls released, other than the package's current "
         "version (which make release records), is recorded in releases/versions.csv, so that it stays "
         "resolvable and verifiable.",
         "## 0.1.0 — 2026-11-24 in CHANGELOG.md, no 0.1.0 row"),
    # 7. hygiene -----------------------------------------------------------------------------------
    Rule("text-not-nfc", "hygiene", "The text is not in Unicode NFC form.",
         "Run make fmt, which normalises text to NFC.",
         "Text is stored composed (NFC), so that equal words compare equal.", "e + combining acute accent"),
    Rule("text-control-character", "hygiene", "The text holds the control character {value}.",
         "Delete the character; tabs and line breaks inside a cell are usually pasted by accident.",
         "Text holds no control characters (tab, carriage return, NUL, ...); a line break inside a quoted cell is allowed.",
         "a\\tb"),
    Rule("text-invisible-character", "hygiene", "The text holds the invisible character {value}.",
         "Remove it: bidi controls, zero-width characters and line or paragraph separators have no place in an "
         "ID, a code, a name or a URL.",
         "A character that is not seen but changes what text shows or how it compares (a bidi override, a "
         "zero-width space, U+2028): two IDs that look the same would differ, or text would read reversed.",
         "CH-000001\\u200b"),
    Rule("text-invisible-notice", "hygiene", "The free text holds the invisible character {value}.",
         "Keep it only where the script needs it (a zero-width non-joiner in Persian, a right-to-left mark); "
         "remove bidi overrides and isolates, zero-width spaces and line or paragraph separators.",
         "Free text (notes, summaries, statements, titles) with a character that is not seen but changes what "
         "it shows: reported, as some scripts use a few of them.", "a note with U+202E", "notice"),
    Rule("text-formula", "hygiene", "The text starts with '{value}', which spreadsheets run as a formula.",
         "Reword the cell so it does not start with =, +, - or @ (for example put the words first).",
         "No text cell starts with a character that Excel or LibreOffice would execute.", "=HYPERLINK(...)"),
    Rule("url-scheme", "hygiene", "'{value}' is not an http(s) URL.",
         "Write the full address, starting with https:// or http://.",
         "URLs are web addresses a reader can open; no javascript:, file: or bare domains.", "javascript:alert(1)"),
]

RULES: dict[str, Rule] = {r.id: r for r in _RULES}
assert len(RULES) == len(_RULES), "duplicate rule id"

# Each check declares, once, the rules it raises (as a frictionless-py check declares its
# errors): `@raises(...)` on the function ties every one of its rules to it here, so that the
# rules a run ran are derived from the checks it called, and a rule no check raises is found
# by a test (tests/test_rules.py) instead of reading as "not run".
# Rules about a file itself, not its content: each check that opens a file of the package (the
# descriptor, a data file, the release metadata) raises them for its own files. Every other rule
# has exactly one check.
FILE_RULES = frozenset({"path-outside-package", "file-too-large"})
CHECK_OF: dict[str, str] = {}  # rule id -> the checks that raise it (module.function, comma-separated)


class UndeclaredRule(Exception):
    """A check reported a rule it does not declare: a bug of ours, never a problem of the data."""


def raises(*ids: str):
    """Declare the rules the decorated check raises. The check is then called as before; its
    problems (a list, or the last item of the tuple it returns) may only carry these rules."""
    unknown = [i for i in ids if i not in RULES]
    if unknown:
        raise LookupError(f"@raises names rules that are not in the registry (validate/rules.py): {unknown}")

    def mark(check):
        name = f"{check.__module__}.{check.__qualname__}"
        taken = {i: CHECK_OF[i] for i in ids
                 if i not in FILE_RULES and CHECK_OF.get(i, name) != name}
        if taken:
            raise ValueError(f"{name} declares rules another check already raises: {taken}")
        for i in ids:  # a file rule lists every check that raises it
            names = CHECK_OF[i].split(", ") if i in CHECK_OF else []
            CHECK_OF[i] = ", ".join(sorted(set(names) | {name}))  # sorted: the same in every process
        declared = frozenset(ids)

        @functools.wraps(check)
        def run(*args, **kwargs):
            result = check(*args, **kwargs)
            problems = result[-1] if isinstance(result, tuple) else result
            if isinstance(problems, list):
                stray = {p.rule for p in problems} - declared
                if stray:
                    raise UndeclaredRule(f"{name} reported {sorted(stray)}, which it does not declare in @raises")
            return result

        run.rules = declared
        return run

    return mark
