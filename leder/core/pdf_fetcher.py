"""WeasyPrint may fetch only the project's own static files (issue 12).

WeasyPrint's default URL fetcher follows any URL in the HTML or CSS it renders, `file://` and
`http://` included, so text that reached a PDF template could make the server read a local file
or call another machine. `StaticOnlyFetcher` allows `data:` URLs and files inside the project's
static folders (each app's `static/`, `STATICFILES_DIRS`, `STATIC_ROOT`; `/static/…` paths are
found through the static files finders); anything else is refused, and WeasyPrint leaves the
resource out.
"""

from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles import finders
from weasyprint.urls import URLFetcher


def static_roots() -> list[Path]:
    roots = [Path(app.path) / "static" for app in apps.get_app_configs()]
    roots += [Path(d if isinstance(d, str) else d[1]) for d in settings.STATICFILES_DIRS]
    if settings.STATIC_ROOT:
        roots.append(Path(settings.STATIC_ROOT))
    return [root.resolve() for root in roots if root.is_dir()]


class StaticOnlyFetcher(URLFetcher):
    def __init__(self, **kwargs):
        super().__init__(allowed_protocols=("file", "data"), allow_redirects=False, **kwargs)
        self._roots = static_roots()

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        if parts.scheme == "data":
            return super().fetch(url, headers)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise ValueError(f"PDFs may only use the service's own static files, not {url}")
        path = Path(unquote(parts.path))
        static_url = settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/static/"
        if parts.path.startswith(static_url) or parts.path.startswith("/static/"):
            found = finders.find(parts.path.split("/static/", 1)[1])
            if found:
                path = Path(found)
        resolved = path.resolve()
        if not any(resolved.is_relative_to(root) for root in self._roots):
            raise ValueError(f"PDFs may only use the service's own static files, not {url}")
        return super().fetch(resolved.as_uri(), headers)


def static_only() -> StaticOnlyFetcher:
    return StaticOnlyFetcher()
