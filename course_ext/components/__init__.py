"""The course's components, each declared by records (base.Component), registered here.

To add one: a package (or module) here whose `RECORDS` holds its `Component` record(s), and
its name in COMPONENTS. Nothing registers itself when imported; the lists other parts of the
build need are read from the records: our stylesheets (PurgeCSS leaves them whole), the hosts
a page's components may reach (its Content-Security-Policy), the forms of the Colab notebook.
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path

from sphinx.application import Sphinx

from ..notebook_export import NotebookForms, standard_forms
from .base import Component, setup_component


def records_of(*names: str) -> tuple[Component, ...]:
    """The records the modules `names` of this package declare, in that order."""
    return tuple(record for name in names for record in import_module(f".{name}", __name__).RECORDS)


# The components, by module: in this order their hooks connect and a page lists their assets.
COMPONENTS = records_of("quiz", "colab", "video", "stepper")


def setup_components(app: Sphinx) -> None:
    for component in COMPONENTS:
        setup_component(app, component)


STATIC = Path(__file__).parent.parent / "static"  # the site's assets and most components'


def our_stylesheets() -> set[str]:
    """The file names of our stylesheets: the components' and the site's."""
    ours = {name for component in COMPONENTS for name in component.stylesheets}
    return ours | {path.name for path in STATIC.glob("*.css")}


def origins_on(page_html: str) -> list[tuple[str, str]]:
    """(CSP directive, origin) for each outside host the components on a page may reach."""
    return [
        origin
        for component in COMPONENTS
        if component.marker and f'class="{component.marker}"' in page_html
        for origin in component.origins
    ]


def notebook_forms() -> NotebookForms:
    """The standard forms of the Colab notebook, and every component's."""
    forms = standard_forms()
    for component in COMPONENTS:
        forms.directives.update(component.notebook_forms)
        forms.roles.update(component.role_forms)
        forms.helpers.update(component.helpers)
    return forms
