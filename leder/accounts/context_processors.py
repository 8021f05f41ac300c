from leder.accounts.presenters import navigation


def staff_navigation(request) -> dict:
    """The header navigation for the signed-in user's roles and the page's default breadcrumbs
    (Home, then its section), for `layout.jinja`. Context processors run only when a template
    is rendered, so a redirect or a JSON answer never computes them."""
    items, crumbs = navigation(getattr(request, "user", None), request.path)
    return {"navigation_items": items, "default_breadcrumbs": crumbs}
