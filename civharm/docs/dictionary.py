"""The data dictionary, generated from datapackage.json and schemas/ at every build.

Every resource and every field, with type, required, constraints, enum values with their
meanings, example, keys and links to the methodology's definitions, comes from the Table Schemas: editing a field's description in
`schemas/<table>.schema.json` changes this page and nothing else needs editing.
"""

from __future__ import annotations

import json

from civharm.validate.row_rules import bounds

from .build import DOWNLOADS, PageContext
from .html import anchor, block, code, table, text

CONSTRAINT_WORDS = {  # Table Schema constraint -> how the page words it
    "unique": "unique",
    "pattern": "pattern",
    "minimum": "minimum",
    "maximum": "maximum",
    "minLength": "at least this many characters",
    "maxLength": "at most this many characters",
    "exclusiveMinimum": "more than",
    "exclusiveMaximum": "less than",
}


def _constraints(f: dict) -> str:
    c = f.get("constraints") or {}
    items = []
    for key, value in c.items():
        if key in ("required", "enum"):
            continue
        word = CONSTRAINT_WORDS.get(key, key)
        items.append(text(word) if value is True else f"{text(word)} {code(value)}")
    if f.get("format") and f.get("format") != "default":
        items.append(f"format {code(f['format'])}")
    for prop, other, rule in bounds(f):  # civharm's own: "civharm:atMost" / "civharm:atLeast"
        word = "at most" if prop == "civharm:atMost" else "at least"
        items.append(f"{word} {code(other)} in the same row (else {code(rule)})")
    return "; ".join(items)


def _enum(f: dict) -> str:
    values = (f.get("constraints") or {}).get("enum")
    if not values:
        return ""
    labels = {c.get("value"): c.get("label", "") for c in f.get("categories", [])}
    items = "".join(f"<dt>{code(v)}</dt><dd>{text(labels.get(v, ''))}</dd>" for v in values)
    return f'<dl class="civharm-enum">{items}</dl>'


def _example(f: dict) -> str:
    if "example" not in f:
        return ""
    ex = f["example"]
    return code(ex if isinstance(ex, str) else json.dumps(ex, ensure_ascii=False))


def _keys(ctx: PageContext, res) -> str:
    def ref(resource: str, fields: list[str]) -> str:
        return ", ".join(
            f'<a href="#{anchor(resource, fld)}">{code(f"{resource}.{fld}")}</a>' for fld in fields)

    out = []
    if res.primary_key:
        out.append(f"<li>Primary key: {ref(res.name, res.primary_key)}</li>")
    for fields, target, rfields in res.foreign_keys():
        kind = "self reference" if target == res.name else "foreign key"
        out.append(f"<li>{text(kind.capitalize())}: {ref(res.name, fields)} → {ref(target, rfields)}</li>")
    missing = res.schema.get("missingValues", [""])
    shown = ", ".join("a blank cell" if m == "" else code(m) for m in missing)
    out.append(f"<li>Missing values: {shown} (never zero)</li>")
    return "<ul>" + "".join(out) + "</ul>"


METHODOLOGY_PAGE = "methodology/"


def _terms(ctx: PageContext, f: dict) -> str:
    """Links to the methodology's definitions that a field names in its schema ("methodology":
    a list of the page's anchors), so that each term is defined once and found from the field."""
    terms = f.get("methodology") or []
    if not terms:
        return ""
    links = ", ".join(f'<a href="{text(ctx.href(METHODOLOGY_PAGE + "#" + t))}">{text(t.replace("-", " "))}</a>'
                      for t in terms)
    return f'<div class="civharm-terms">Defined in the methodology: {links}</div>'


def resource_section(ctx: PageContext, res) -> str:
    d = res.descriptor
    fields = res.fields
    rows = []
    for f in fields:
        required = bool((f.get("constraints") or {}).get("required"))
        name = f'<span id="{anchor(res.name, f["name"])}">{code(f["name"])}</span>'
        constraints = _constraints(f)
        rows.append([name, text(f.get("type", "string")), "yes" if required else "",
                     text(f.get("description", "")) + _enum(f) + _terms(ctx, f)
                     + (f'<div class="civharm-constraints">Constraints: {constraints}</div>' if constraints else ""),
                     _example(f)])
    schema = f' · schema {code(res.schema_path)}' if res.schema_path else ""
    download = ctx.href(f"{DOWNLOADS}/{res.path}")
    intro = (f'<p>{text(d.get("description", ""))}</p>'
             f'<p>File <a href="{text(download)}" download>{code(res.path)}</a>{schema} · '
             f'{len(fields)} fields</p>')
    return (f"## {text(res.name)} {{#{anchor(res.name)}}}\n"
            + block('<div class="civharm-dictionary">' + intro + _keys(ctx, res)
                    + table(["Field", "Type", "Required", "Meaning, allowed values, constraints", "Example"],
                            rows) + "</div>"))


def data_dictionary(ctx: PageContext) -> str:
    """Every resource of the package, in the descriptor's order, with all its fields."""
    b = ctx.build
    summary = table(["Resource", "Title", "Fields", "One row is"],
                    [[f'<a href="#{anchor(r.name)}">{code(r.name)}</a>', text(r.descriptor.get("title", "")),
                      str(len(r.fields)), text(r.descriptor.get("description", ""))] for r in b.resources])
    return block(summary) + "\n".join(resource_section(ctx, r) for r in b.resources)


def enum_values(resource: str, field: str):
    """A generator for one field's allowed values and their meanings, as a table, so that a prose
    page (the methodology) shows the schema's own words instead of a copy of them."""

    def generate(ctx: PageContext) -> str:
        f = ctx.build.schema_field(resource, field)
        if not f:
            return block(f"<p>{text(f'{resource}.{field} is not in this package.')}</p>")
        labels = {c.get("value"): c.get("label", "") for c in f.get("categories", [])}
        rows = [[code(v), text(labels.get(v, ""))] for v in (f.get("constraints") or {}).get("enum", [])]
        return block(table([field, "when"], rows))

    return generate
