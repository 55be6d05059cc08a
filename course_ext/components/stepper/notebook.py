"""The stepper in a Colab notebook: its picture (as the built site holds it) and a link to the
page, where it steps."""

from __future__ import annotations

from .model import body_hash, data_names, expression_text, parse_body
from .words import WORDS


def notebook_form(block, site) -> list[str]:
    data = data_names(block.options.get("data", ""))
    expression = expression_text(parse_body(block.body)[1])
    picture = f"{site.base_url}_images/agb-{body_hash(block.body, data)}.svg"
    title = site.title_of(site.docname)
    words = WORDS["notebook"].format(
        expression=expression, title=title, url=site.page_url(site.docname)
    )
    return [f"![{WORDS['figure'].format(expression=expression)}]({picture})", "", words]
