"""WeasyPrint fetches only the project's own static files (issue 12)."""

from pathlib import Path

import pytest
from django.contrib.staticfiles import finders

from leder.core.pdf_fetcher import StaticOnlyFetcher


@pytest.fixture
def fetcher():
    return StaticOnlyFetcher()


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "file:///etc/hostname",
        "http://169.254.169.254/latest/meta-data/",
        "https://example.com/style.css",
        "ftp://example.com/x",
        "file://otherhost/static/nhsuk/nhsuk-frontend.min.css",
    ],
)
def test_anything_but_static_files_is_refused(fetcher, url):
    with pytest.raises(ValueError, match="own static files"):
        fetcher.fetch(url)


def test_a_path_escaping_the_static_folder_is_refused(fetcher):
    css = Path(finders.find("reviews/family_copy_pdf.css"))
    escape = css.parent.as_uri() + "/../../../../../../etc/passwd"
    with pytest.raises(ValueError, match="own static files"):
        fetcher.fetch(escape)


def test_the_projects_static_files_and_data_urls_are_fetched(fetcher):
    css = Path(finders.find("reviews/family_copy_pdf.css"))
    response = fetcher.fetch(css.as_uri())
    assert response.read() == css.read_bytes()
    response = fetcher.fetch("file:///static/reviews/family_copy_pdf.css")
    assert response.read() == css.read_bytes()
    assert fetcher.fetch("data:text/plain,hello").read() == b"hello"


def test_a_pdf_with_a_local_file_in_it_leaves_the_file_out():
    from weasyprint import HTML

    secret = "root:x:0:0"
    calls = []

    class Spy(StaticOnlyFetcher):
        def fetch(self, url, headers=None):
            calls.append(url)
            return super().fetch(url, headers)

    pdf = HTML(
        string=f'<p>Hello</p><img src="file:///etc/passwd"><object data="file:///etc/passwd">'
        f"</object><!-- {secret} -->",
        base_url="/",
        url_fetcher=Spy(),
    ).write_pdf()
    assert pdf.startswith(b"%PDF") and calls == ["file:///etc/passwd"] * len(calls) and calls
