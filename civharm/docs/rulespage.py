"""The validation-rules page, generated from the rule registry (validate/rules.py).

Every rule `make validate` can report, by layer, with its id (the page anchor the report's rule
id leads to), severity, message, meaning, fix hint and a failing example.
"""

from __future__ import annotations

import re

from civharm.validate.rules import LAYERS, RULES

from .build import PageContext
from .html import anchor, block, code, table, text

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _template(message: str) -> str:
    """A message template with its placeholders shown as ‹value›, ‹column›, ..."""
    shown = _PLACEHOLDER.sub(lambda m: f"‹{m.group(1)}›", message).replace("{{", "{").replace("}}", "}")
    return text(shown)


def rule_index(ctx: PageContext) -> str:
    rows = [[f'<a href="#{anchor(r.id)}">{code(r.id)}</a>', text(r.layer), text(r.severity), text(r.meaning)]
            for layer in LAYERS for r in RULES.values() if r.layer == layer]
    notices = sum(r.severity != "error" for r in RULES.values())
    lead = (f"<p>{len(RULES)} rules in {len(LAYERS)} layers: {len(RULES) - notices} errors, which make the "
            f"package invalid, and {notices} notices, which only report.</p>")
    return block('<div class="civharm-rules">' + lead + table(["Rule", "Layer", "Severity", "Meaning"], rows) + "</div>")


def rules_by_layer(ctx: PageContext) -> str:
    out = []
    for layer in LAYERS:
        rules = [r for r in RULES.values() if r.layer == layer]
        if not rules:
            continue
        out.append(f"## {text(layer.capitalize())} {{#layer-{anchor(layer)}}}\n")
        for r in rules:
            rows = [["Severity", text(r.severity) + ("" if r.severity == "error" else
                                                     " (reported, never makes the package invalid)")],
                    ["Message", _template(r.message)],
                    ["Meaning", text(r.meaning)],
                    ["How to fix", _template(r.hint)],
                    ["Failing example", code(r.example)]]
            body = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
            out.append(f"### {text(r.id)} {{#{anchor(r.id)}}}\n"
                       + block(f'<div class="civharm-rule"><table><tbody>{body}</tbody></table></div>'))
    return "\n".join(out)

