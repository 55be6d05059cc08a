"""The course offline: every notebook in one zip, and the whole book as one PDF, listed on
the landing page with their sizes by the `{downloads}` directive.

- The zip is written by every HTML build, from the notebooks the Colab export wrote into
  `_sources/` (each one runs alone: its checks are inlined), with sorted names and fixed
  dates, so that two builds give the same bytes.
- The PDF is made by `make pdf` (tools/book_pdf.py) into `_build/pdf/`, with a digest of
  the sources it was made from. A build publishes it only when that digest is the one of
  the sources being built; otherwise the PDF's line is hidden on the page (a local
  `make book` with no `make pdf`), and the deploy workflow, which runs `make pdf` first,
  checks that it is there.

A file's size is known only once it is written, at the end of the build: the directive
writes each line with its link and size left out, and `publish` puts them in, or hides the
line (`hidden`, with no link to a file the site does not have).
"""

from __future__ import annotations

import hashlib
import re
import shutil
import zipfile
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from .components.base import add_plain_form

logger = logging.getLogger(__name__)

PDF_NAME = "autograd-executed.pdf"
NOTEBOOKS_ZIP = "autograd-executed-notebooks.zip"
# The files whose change changes the PDF (tools/book_pdf.py reads the same list).
PDF_SOURCES = [
    "_config.yml",
    "_toc.yml",
    "book/**/*",
    "course_ext/**/*",
    "tools/book_pdf.py",
    "tools/templates/print.css",
]
ITEMS = {  # what each line of the list offers, and the file it links
    "pdf": (
        PDF_NAME,
        "The whole course as one PDF",
        "every chapter with its outputs and "
        "figures, the quizzes with their answers at the end of each chapter",
    ),
    "notebooks": (
        NOTEBOOKS_ZIP,
        "Every notebook in one zip",
        "each chapter as a notebook "
        "that runs alone in Jupyter, VS Code or Colab, its checks included",
    ),
}


def sources_digest(root: Path) -> str:
    """A digest of the files the PDF is made from."""
    digest = hashlib.sha256()
    files = {p for pattern in PDF_SOURCES for p in root.glob(pattern) if p.is_file()}
    for path in sorted(files):
        if "__pycache__" in path.parts:
            continue
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def human_size(size: int) -> str:
    return f"{size / 1e6:.1f} MB" if size >= 1e6 else f"{max(1, round(size / 1e3))} kB"


class downloads(nodes.General, nodes.Element):  # noqa: N801 (docutils names nodes so)
    pass


class DownloadsDirective(SphinxDirective):
    has_content = False

    def run(self) -> list[nodes.Node]:
        node = downloads()
        self.set_source_info(node)
        return [node]


def visit_downloads(self, node: downloads) -> None:
    up = "../" * self.builder.current_docname.count("/")
    self.body.append('<ul class="agc-downloads">\n')
    for key, (name, label, what) in ITEMS.items():
        self.body.append(
            f'<li data-agc-download="{key}"><a data-agc-href="{up}{name}" download>{label}</a> '
            f'(<span class="agc-size" data-agc-download="{key}"></span>): {what}.</li>\n'
        )
    self.body.append("</ul>\n")
    raise nodes.SkipNode


def as_plain_nodes(node: downloads) -> list[nodes.Node]:
    """For builders other than HTML: the two files, named, as a plain list."""
    listing = nodes.bullet_list()
    for name, label, what in ITEMS.values():
        text = f"{label} ({name}): {what}."
        listing += nodes.list_item("", nodes.paragraph(text, text))
    return [listing]


def write_notebooks_zip(site: Path) -> Path:
    notebooks = sorted((site / "_sources").rglob("*.ipynb"))
    target = site / NOTEBOOKS_ZIP
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for notebook in notebooks:
            name = notebook.relative_to(site / "_sources").as_posix()
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, notebook.read_bytes())
    return target


def fresh_pdf(root: Path) -> Path | None:
    """`make pdf`'s PDF, if it was made from the sources being built."""
    pdf = root / "_build" / "pdf" / PDF_NAME
    note = pdf.with_suffix(".sources")
    if not (pdf.is_file() and note.is_file()):
        return None
    if note.read_text(encoding="utf-8").strip() != sources_digest(root):
        logger.info("course_ext.downloads: %s is older than the chapters: left out", PDF_NAME)
        return None
    return pdf


def publish(app: Sphinx, exception: Exception | None) -> None:
    """Write the zip, copy a fresh PDF, and fill in (or leave out) each line's size."""
    if exception or app.builder.name != "html":
        return
    site = Path(app.outdir)
    files = {"notebooks": write_notebooks_zip(site)}
    pdf = fresh_pdf(Path(app.srcdir))
    if pdf is not None:
        files["pdf"] = Path(shutil.copyfile(pdf, site / PDF_NAME))
    else:  # nor the copy an earlier build published
        (site / PDF_NAME).unlink(missing_ok=True)
    for docname in sorted(getattr(app.env, "course_download_pages", set())):
        # In place, and the same whatever an earlier build wrote: a page that did not change
        # is not written again by Sphinx, and the files may have.
        page = site / f"{docname}.html"
        text = page.read_text(encoding="utf-8")
        for key in ITEMS:
            size = human_size(files[key].stat().st_size) if key in files else ""
            hidden = "" if key in files else " hidden"
            link = 'href="\\g<1>" ' if key in files else ""  # none to a file not there
            text = re.sub(
                rf'<li data-agc-download="{key}"[^>]*><a (?:href="[^"]*" )?data-agc-href="([^"]*)"',
                rf'<li data-agc-download="{key}"{hidden}><a {link}data-agc-href="\g<1>"',
                text,
            )
            text = re.sub(
                rf'(<span class="agc-size" data-agc-download="{key}">)[^<]*(</span>)',
                rf"\g<1>{size}\g<2>",
                text,
            )
        page.write_text(text, encoding="utf-8")
    logger.info(
        "course_ext.downloads: %s",
        ", ".join(f"{path.name} {human_size(path.stat().st_size)}" for path in files.values()),
    )


def _note_page(app: Sphinx, doctree: nodes.document) -> None:
    if any(doctree.findall(downloads)):
        app.env.course_download_pages = getattr(app.env, "course_download_pages", set())
        app.env.course_download_pages.add(app.env.docname)


def _forget(app: Sphinx, env, docname: str) -> None:
    getattr(env, "course_download_pages", set()).discard(docname)


def _merge(app: Sphinx, env, docnames, other) -> None:
    env.course_download_pages = getattr(env, "course_download_pages", set()) | getattr(
        other, "course_download_pages", set()
    )


def setup_downloads(app: Sphinx) -> None:
    app.add_node(downloads, html=(visit_downloads, None))
    add_plain_form(app, downloads, as_plain_nodes)
    app.add_directive("downloads", DownloadsDirective)
    app.connect("doctree-read", _note_page)
    app.connect("env-purge-doc", _forget)
    app.connect("env-merge-info", _merge)
    # Before finish/ (900): its steps read the finished pages.
    app.connect("build-finished", publish, priority=800)
