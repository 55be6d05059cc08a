"""The course offline, on the landing page: every notebook in one zip, and the PDF when
`make pdf` made one from these chapters (course_ext/downloads.py)."""

from __future__ import annotations

import zipfile

import pytest
from support.course import LESSONS
from support.site import SITE, built_page

from course_ext.downloads import (
    NOTEBOOKS_ZIP,
    PDF_NAME,
    fresh_pdf,
    human_size,
    sources_digest,
    write_notebooks_zip,
)


def listed(key: str):
    return built_page(SITE, "book/intro.html").select_one(f'li[data-agc-download="{key}"]')


def test_the_landing_page_offers_every_notebook_in_one_zip_with_its_size(site):
    archive = site / NOTEBOOKS_ZIP
    with zipfile.ZipFile(archive) as opened:
        names = opened.namelist()
        for lesson in LESSONS:
            name = f"book/{lesson}.ipynb"
            assert name in names, name
            assert opened.read(name) == (site / "_sources" / name).read_bytes(), name
    line = listed("notebooks")
    assert line.a["href"] == f"../{NOTEBOOKS_ZIP}"
    assert line.select_one(".agc-size").get_text() == human_size(archive.stat().st_size)


def test_the_zip_is_the_same_bytes_when_made_again(site, tmp_path):
    (tmp_path / "_sources").symlink_to(site / "_sources", target_is_directory=True)
    assert write_notebooks_zip(tmp_path).read_bytes() == (site / NOTEBOOKS_ZIP).read_bytes()


def test_the_pdf_is_listed_exactly_when_the_site_has_it(site):
    published = site / PDF_NAME
    line = listed("pdf")
    if published.exists():
        assert not line.has_attr("hidden")
        assert line.a["href"] == f"../{PDF_NAME}"
        assert line.select_one(".agc-size").get_text() == human_size(published.stat().st_size)
    else:
        assert line.has_attr("hidden") and not line.a.has_attr("href"), (
            "the landing page links a PDF the site does not have"
        )


@pytest.mark.parametrize("state", ["none", "fresh", "stale"])
def test_only_a_pdf_made_from_these_sources_is_published(tmp_path, state):
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "intro.md").write_text("# A course\n", encoding="utf-8")
    pdf = tmp_path / "_build" / "pdf" / PDF_NAME
    if state != "none":
        pdf.parent.mkdir(parents=True)
        pdf.write_bytes(b"%PDF-1.7")
        pdf.with_suffix(".sources").write_text(sources_digest(tmp_path), encoding="utf-8")
    if state == "stale":
        (tmp_path / "book" / "intro.md").write_text("# A course, edited\n", encoding="utf-8")
    assert (fresh_pdf(tmp_path) == pdf) is (state == "fresh")
