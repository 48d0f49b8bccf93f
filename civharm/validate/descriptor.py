"""Layer 1, descriptor: datapackage.json and every Table Schema, before any data is read.

frictionless checks both against the Data Package v2 profiles; civharm's own requirements of
datapackage.json (properties a citable package needs, its resources) are the JSON Schema
schemas/civharm-dp-profile.json, checked with jsonschema; those of the Table Schemas (documented
fields and enum values, keys that point at real fields, well-formed civharm:atMost/atLeast) are
checked here because no profile states them.
"""

from __future__ import annotations

import dataclasses
import json
from functools import lru_cache
from pathlib import Path, PurePosixPath

from civharm.metadata.confine import JSONTooDeep, TooLarge, UnsafePath, limit, package_file, parse_json, read_file
from civharm.metadata.package import Resource, profile_resource_names
from .report import Problem
from .row_rules import BOUND_RULES, BOUNDS
from .rules import raises
from . import schema_guard, strict_json, verdicts, versioned

MAX_RESOURCES = "CIVHARM_MAX_RESOURCES"
MAX_JSON = "CIVHARM_MAX_JSON_BYTES"

_PROBLEM_FIELDS = {f.name for f in dataclasses.fields(Problem)}
_PROFILE_RULES = ("descriptor-required", "descriptor-resource-set", "descriptor-profile")


@lru_cache(maxsize=4)
def _profile_validator(profile_json: str):
    """civharm's profile as a jsonschema validator (its own schema checked by tests/test_rules.py).
    Imported and built here, on a miss of the verdict cache only: jsonschema's import was 0.1 s of
    CPU of make validate's 0.75 s on the real package once frictionless was cached."""
    from jsonschema import Draft202012Validator

    return Draft202012Validator(json.loads(profile_json))


def read_json(root: Path, rel: str, problems: list[Problem], prop: str | None = None) -> dict | None:
    """Parse one JSON file of the package (confined, size-limited), reporting where it breaks.
    prop: the descriptor property that names the file (the descriptor itself: None)."""
    try:
        raw = read_file(package_file(root, rel, prop or rel), limit(MAX_JSON), rel, MAX_JSON)
        data = parse_json(raw)
        loose = strict_json.problems(raw.decode("utf-8"))
    except UnsafePath as e:
        problems.append(Problem("path-outside-package", rel, column=e.prop, value=str(e.value), detail=e.reason))
        return None
    except TooLarge as e:
        problems.append(Problem("file-too-large", rel, value=f"{e.size:,}", expected=f"{e.limit:,}", detail=e.setting))
        return None
    except JSONTooDeep as e:
        problems.append(Problem("descriptor-not-json", rel, detail=str(e)))
        return None
    except json.JSONDecodeError as e:
        problems.append(Problem("descriptor-not-json", rel, line=e.lineno,
                                detail=f"{e.msg} at line {e.lineno}, column {e.colno}"))
        return None
    except UnicodeDecodeError as e:
        problems.append(Problem("descriptor-not-json", rel, detail=f"not UTF-8 ({e.reason} at byte {e.start})"))
        return None
    except ValueError as e:  # Python's own limits on a JSON value (an integer of over 4,300 digits)
        problems.append(Problem("descriptor-not-json", rel, detail=str(e).split(";")[0]))
        return None
    except OSError as e:
        problems.append(Problem("descriptor-not-json", rel, detail=f"cannot be read ({e.strerror})"))
        return None
    if loose:  # parsed by Python, but not strict JSON: not used
        problems.extend(Problem("descriptor-not-json", rel, column=path, detail=note) for path, note in loose)
        return None
    if not isinstance(data, dict):
        problems.append(Problem("descriptor-profile", rel, detail="the top level must be a JSON object"))
        return None
    return data


@raises("path-outside-package", "file-too-large", "descriptor-not-json", "descriptor-profile", "descriptor-required",
        "descriptor-resource-set", "resource-file-missing", "schema-invalid", "schema-key-field",
        "schema-field-undocumented", "schema-enum-undocumented", "release-rules", "schema-field-name",
        "schema-pattern-unsupported", "schema-too-many-fields", "descriptor-too-many-resources")
def check(root: Path, rel: str) -> tuple[dict | None, list[Resource], list[Problem]]:
    """Returns the descriptor, the resources whose schema and file are usable, and problems."""
    problems: list[Problem] = []
    descriptor = read_json(root, rel, problems)
    if descriptor is None:
        return None, [], problems

    resources_in = descriptor.get("resources")
    if not isinstance(resources_in, list):
        resources_in = []
    cap = limit(MAX_RESOURCES)
    if len(resources_in) > cap:  # bounded before any library or file is given them
        problems.append(Problem("descriptor-too-many-resources", rel, column="resources",
                                value=f"{len(resources_in):,}", expected=f"{cap:,}", detail=MAX_RESOURCES))
        return descriptor, [], problems
    rules = versioned.rules_for(root, descriptor)  # a release's own version's, else today's
    problems.extend(_profile(descriptor, resources_in, rel, rules.profile))
    problems.extend(versioned.notice(rules, rel))
    known = profile_resource_names(rules.profile)

    # Schemas: parse each file, validate it with frictionless, then civharm's documentation rules.
    schemas: dict[int, dict] = {}
    for i, res in enumerate(resources_in):
        if not isinstance(res, dict) or res.get("name") not in known:
            continue  # a resource outside civharm's set (reported by the profile) is not read
        schema = res.get("schema")
        where = rel
        if isinstance(schema, str):
            try:
                exists = package_file(root, schema, f"resources/{i}/schema").is_file()
            except UnsafePath as e:
                problems.append(Problem("path-outside-package", rel, column=e.prop, value=schema, detail=e.reason))
                continue
            if not exists:
                problems.append(Problem("schema-invalid", rel, column=f"resources/{i}/schema",
                                        detail=f"the schema file '{schema}' does not exist in the package"))
                continue
            where = schema
            schema = read_json(root, schema, problems, f"resources/{i}/schema")
            if schema is None:
                continue
        if not isinstance(schema, dict):
            problems.append(Problem("schema-invalid", rel, column=f"resources/{i}/schema",
                                    detail="a tabular resource needs a Table Schema"))
            continue
        guarded = schema_guard.check(schema, where)
        if guarded:  # before frictionless or any later layer is given it
            problems.extend(guarded)
            continue
        notes = _frictionless_notes("Schema", schema) + _bad_bounds(schema)
        if notes:
            problems.extend(Problem("schema-invalid", where, detail=note) for note in notes)
            continue
        problems.extend(_documented(schema, where))
        schemas[i] = schema

    # The package against the Data Package v2 profile, with valid schemas inlined so that
    # frictionless does not read (and report on) the schema files a second time.
    # A profile frictionless does not know by name it would read (from the current folder) or
    # fetch (a URL): reported here, and left out of what frictionless is given.
    outside, problems_out = _outside_profiles(descriptor, resources_in, rel)
    problems.extend(problems_out)
    inlined = {k: v for k, v in descriptor.items() if k not in outside.get(None, ())}
    inlined["resources"] = [
        {**{k: v for k, v in res.items() if k not in outside.get(i, ())}, "schema": schemas.get(i, {"fields": []})}
        if isinstance(res, dict) else res
        for i, res in enumerate(resources_in)
    ] if "resources" in descriptor else descriptor.get("resources")
    for note in _frictionless_notes("Package", inlined, basepath=str(root)):
        problems.append(Problem("descriptor-profile", rel, detail=note))

    # Resources: each with a file that exists (the set civharm expects is in the profile).
    usable: list[Resource] = []
    for i, res in enumerate(resources_in):
        if not isinstance(res, dict) or i not in schemas or not isinstance(res.get("name"), str):
            continue
        path = res.get("path")
        try:
            file = package_file(root, path, f"resources/{i}/path")
        except UnsafePath as e:
            problems.append(Problem("path-outside-package", rel, column=e.prop, value=str(path), detail=e.reason))
            continue
        if not file.is_file():
            problems.append(Problem("resource-file-missing", path, value=path))
            continue
        usable.append(Resource(res["name"], path, schemas[i], res.get("schema") if isinstance(res.get("schema"), str) else None, res))

    problems.extend(_keys(usable, schemas, resources_in))
    return descriptor, usable, problems


def _profile(descriptor: dict, resources_in: list, rel: str, profile: dict) -> list[Problem]:
    """The descriptor against civharm's profile (schemas/civharm-dp-profile.json), each jsonschema
    error as the rule that names it. A `resources` that is not a list is checked as an empty one
    (frictionless reports its type), so every missing resource is still named."""
    instance = {**descriptor, "resources": resources_in} if "resources" in descriptor else descriptor
    # jsonschema's verdict depends on the instance, the profile and the file name only: kept
    # between runs like frictionless's (validate/verdicts.py)
    kept = verdicts.kept(
        verdicts.PROFILE_FOLDER,
        lambda: verdicts.key(rel, {"profile": profile, "instance": instance}, judge="jsonschema"),
        lambda: [dataclasses.asdict(p) for p in _profile_problems(instance, rel, profile)],
        lambda found: all(_a_profile_problem(p) for p in found))
    return [Problem(**p) for p in kept]


def _a_profile_problem(p) -> bool:
    """Whether a kept entry is a problem _profile_problems could make (else it is computed again)."""
    return (isinstance(p, dict) and set(p) == _PROBLEM_FIELDS and p["rule"] in _PROFILE_RULES
            and all(v is None or isinstance(v, str) for k, v in p.items() if k != "line") and p["line"] is None)


def _profile_problems(instance: dict, rel: str, profile: dict) -> list[Problem]:
    """jsonschema's errors on the descriptor against civharm's profile, computed."""
    out = []
    for e in _profile_validator(json.dumps(profile, sort_keys=True)).iter_errors(instance):
        where = list(e.absolute_path)
        if e.validator == "required" and not where:
            out.extend(Problem("descriptor-required", rel, column=p)
                       for p in e.validator_value if p not in e.instance)
        elif e.validator == "contains" and where == ["resources"]:
            missing = e.validator_value["properties"]["name"]["const"]
            out.append(Problem("descriptor-resource-set", rel, column="resources",
                               detail=f"The package has no resource named '{missing}'."))
        elif where[:1] == ["resources"] and e.validator in ("enum", "required"):
            extra = e.instance if e.validator == "enum" else None  # a resource without a name
            out.append(Problem("descriptor-resource-set", rel, column="resources",
                               detail=f"The resource '{extra}' is not one of civharm's: {', '.join(profile_resource_names(profile))}."))
        else:  # a requirement added to the profile that no rule names yet
            out.append(Problem("descriptor-profile", rel, column="/".join(map(str, where)) or None,
                               detail=f"civharm's profile: {e.message}"))
    # jsonschema gives one `required` error per missing property, each naming the whole list
    # (whose missing members are read from the instance): keep one problem per property
    return list({(p.rule, p.column, p.detail): p for p in out}.values())


# The profiles frictionless knows by name; any other `profile` (or v1 `profiles`) it reads as a path
# from the current folder or fetches as a URL (frictionless/package/package.py, resource.py).
_BUILT_IN_PROFILES = {None: ("data-package", "tabular-data-package"),
                      "resource": ("data-resource", "tabular-data-resource")}


def _outside_profiles(descriptor: dict, resources_in: list, rel: str) -> tuple[dict, list[Problem]]:
    """The package's and resources' `profile`/`profiles` values that frictionless would read from
    outside the package (as {None or resource index: keys}), each reported: validation reads
    nothing outside the package, and a verdict must not change with a file or page elsewhere."""
    found: dict = {}
    out = []
    places = [(None, descriptor)] + [(i, r) for i, r in enumerate(resources_in) if isinstance(r, dict)]
    for where, obj in places:
        known = _BUILT_IN_PROFILES[None if where is None else "resource"]
        for k in ("profile", "profiles"):
            if k not in obj:
                continue
            v = obj[k]
            values = v if isinstance(v, list) else [v]
            if all(isinstance(x, str) and x in known for x in values):
                continue
            found.setdefault(where, set()).add(k)
            prop = k if where is None else f"resources/{where}/{k}"
            out.append(Problem("descriptor-profile", rel, column=prop, value=json.dumps(v)[:200],
                               detail=f"{prop} names a profile that would be read from outside the package "
                                      f"(a file or a URL), and validation reads nothing outside it: use "
                                      f"{' or '.join(repr(x) for x in known)}, or leave it out"))
    return found, out


def _frictionless_notes(kind: str, descriptor: dict, **options) -> list[str]:
    """frictionless's verdict on a descriptor (kind: "Package" or "Schema"), as notes; kept between
    runs by `verdicts` (its key ignores `basepath`: with every schema inlined, the verdict does not
    depend on it)."""
    return verdicts.notes(kind, descriptor, lambda: _ask_frictionless(kind, descriptor, **options))


def _ask_frictionless(kind: str, descriptor: dict, **options) -> list[str]:
    """frictionless's verdict, computed. Some malformed values ("hash": 5) make it raise instead of
    report: that is a problem with the descriptor too, not a crash of ours."""
    # imported here, not at the top: with a warm verdict cache a run never needs frictionless,
    # whose import was 0.25 s of make validate's 1.4 s on the real package
    import frictionless

    try:
        report = getattr(frictionless, kind).validate_descriptor(descriptor, **options)
    except Exception as e:  # frictionless raises various types on malformed input
        return [f"frictionless cannot read it ({type(e).__name__}: {e})"]
    return [err[0] for err in report.flatten(["note"])]


def _bad_bounds(schema: dict) -> list[str]:
    """civharm:atMost / civharm:atLeast that name no field of the schema, or no comparison rule."""
    out = []
    fields = schema.get("fields")
    fields = [f for f in fields if isinstance(f, dict)] if isinstance(fields, list) else []
    names = {f["name"] for f in fields if isinstance(f.get("name"), str)}
    for f in fields:
        for prop in BOUNDS:
            b = f.get(prop)
            if prop in f and not (isinstance(b, dict) and isinstance(b.get("field"), str)
                                                       and b["field"] in names and b.get("rule") in BOUND_RULES):
                out.append(f"the {prop} of field '{f.get('name')}' must be {{\"field\": <a field of this schema>, "
                           f"\"rule\": one of {', '.join(BOUND_RULES)}}}, not {json.dumps(b)}")
    return out


def _documented(schema: dict, where: str) -> list[Problem]:
    out = []
    for f in schema.get("fields", []):
        name = f.get("name")
        missing = [p for p in ("description", "example") if f.get(p) in (None, "")]
        if missing:
            out.append(Problem("schema-field-undocumented", where, column=name, detail=" or ".join(missing)))
        enum = (f.get("constraints") or {}).get("enum")
        cats = f.get("categories")
        if enum is not None or cats is not None:
            labelled = {c.get("value") for c in cats or [] if isinstance(c, dict) and c.get("label")}
            enum_set = set(enum or [])
            undocumented = sorted(map(str, enum_set - labelled))
            unknown = sorted(map(str, labelled - enum_set))
            if undocumented or unknown:
                detail = "; ".join(filter(None, [
                    undocumented and f"no meaning for {', '.join(undocumented)}",
                    unknown and f"meanings for values not in the enum: {', '.join(unknown)}"]))
                out.append(Problem("schema-enum-undocumented", where, column=name, detail=detail))
    return out


def _keys(usable: list[Resource], schemas: dict[int, dict], resources_in: list) -> list[Problem]:
    """Primary and foreign keys point at fields (and resources) that exist."""
    out = []
    by_name = {r.get("name"): schemas.get(i) for i, r in enumerate(resources_in) if isinstance(r, dict)}
    for res in usable:
        where = res.schema_path or "datapackage.json"
        names = set(res.field_names)
        for key in res.primary_key:
            if key not in names:
                out.append(Problem("schema-key-field", where, column="primaryKey", value=key,
                                   detail=f"is not a field of {res.name}"))
        for fields, ref, rfields in res.foreign_keys():
            for key in fields:
                if key not in names:
                    out.append(Problem("schema-key-field", where, column="foreignKeys", value=key,
                                       detail=f"is not a field of {res.name}"))
            target = by_name.get(ref)
            if ref not in by_name:
                out.append(Problem("schema-key-field", where, column="foreignKeys", value=",".join(rfields),
                                   detail=f"belongs to a resource '{ref}' that the package does not have"))
            elif target is not None:
                tnames = {f["name"] for f in target.get("fields", [])}
                for key in rfields:
                    if key not in tnames:
                        out.append(Problem("schema-key-field", where, column="foreignKeys", value=key,
                                           detail=f"is not a field of {ref}"))
    return out
