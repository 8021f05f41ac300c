"""The Jinja environment: NHS.UK macros need ChainableUndefined; presenters are exposed as
filters so that templates display and never format."""

from django.contrib.messages import get_messages
from django.templatetags.static import static
from django.urls import reverse
from jinja2 import ChainableUndefined, Environment

from leder.core import presenters
from leder.core.forms_rendering import error_summary_items, field_params


def url(name: str, *args, **kwargs) -> str:
    return reverse(name, args=args or None, kwargs=kwargs or None)


def environment(**options) -> Environment:
    # Django pre-sets `undefined`; the NHS.UK macros need ChainableUndefined, so override it.
    options["undefined"] = ChainableUndefined
    # Plain-text e-mail templates (.txt) must not be HTML-escaped: "O'Brien" stays "O'Brien".
    # (Django's backend always passes autoescape=True, so this must replace it, not default it.)
    options["autoescape"] = lambda name: not (name or "").endswith(".txt")
    options.setdefault("extensions", ["jinja2.ext.do"])
    env = Environment(**options)
    env.globals.update(
        {
            "url": url,
            "static": static,
            "get_messages": get_messages,
            "field_params": field_params,
            "error_summary_items": error_summary_items,
        }
    )
    env.filters.update(
        {
            "date_long": presenters.date_long,
            "date_short": presenters.date_short,
            "datetime_long": presenters.datetime_long,
            "count": presenters.count,
            "nhs_number": presenters.nhs_number,
            "yes_no": presenters.yes_no,
        }
    )
    return env
