"""Learning briefings and the learning library.

- The library, a briefing's page and its easy read version: staff of every ICB, regional
  coordinators and national analysts (anyone else: 403). Drafts and withdrawn briefings are the
  authoring ICB's writers' only (404 to everyone else); source reviews are listed to the
  authoring ICB's staff only.
- Writing, publishing and withdrawing: the ICB's LAC, panel chair, executive lead or a senior
  reviewer (`services.briefings.can_write_briefings`); other roles get a 403, another ICB's
  briefing is a 404. Writes go through `services.briefings`, whose `ValidationError`s are shown
  on the form.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from leder.accounts.decorators import verified_staff_required
from leder.casework.selectors import cases_visible_to
from leder.core.form_page import fields, form_page, posted
from leder.governance.forms.briefings import (
    BriefingForm,
    LibrarySearchForm,
    WithdrawForm,
    parse_search,
)
from leder.governance.models import BriefingStatus
from leder.governance.presenters.briefings import (
    BriefingPresenter,
    results_caption,
    source_review_rows,
)
from leder.governance.selectors import briefings as selectors
from leder.governance.services import briefings as services


def _readers_only(request: HttpRequest) -> None:
    if not selectors.can_read_library(request.user):
        raise PermissionDenied(
            "The learning library is for staff of the ICBs, regional coordinators and national "
            "analysts."
        )


def _writers_only(request: HttpRequest) -> list:
    icbs = list(selectors.authored_icbs(request.user).order_by("name"))
    if not icbs:
        raise PermissionDenied(
            "Learning briefings are written by an ICB's local area contact, panel chair, "
            "executive lead or senior reviewers."
        )
    return icbs


def _briefing_to_change(request: HttpRequest, pk: int):
    """The briefing, if the user may open it (404 otherwise) and write it (403)."""
    _readers_only(request)
    briefing = selectors.briefing_for(user=request.user, pk=pk)
    if not services.can_write_briefings(request.user, icb=briefing.icb):
        raise PermissionDenied("Only this ICB's briefing writers can change its briefings.")
    return briefing


@require_GET
@verified_staff_required
def library(request: HttpRequest) -> HttpResponse:
    _readers_only(request)
    themes = list(selectors.library_themes())
    chosen, text = parse_search(request.GET, themes=themes)
    form = LibrarySearchForm(
        themes=themes, initial={"q": text, "theme": [str(t.pk) for t in chosen]}
    )
    rows = [BriefingPresenter(b) for b in selectors.library_search(themes=chosen, text=text)]
    return render(
        request,
        "governance/briefings/library.jinja",
        {
            "form": form,
            "rows": rows,
            "caption": results_caption(len(rows)),
            "searched": bool(chosen or text),
            "can_write": selectors.authored_icbs(request.user).exists(),
        },
    )


@require_GET
@verified_staff_required
def briefing(request: HttpRequest, pk: int) -> HttpResponse:
    _readers_only(request)
    found = selectors.briefing_for(user=request.user, pk=pk)
    sources = None
    if selectors.shows_source_reviews(request.user, found):
        reviews = selectors.source_reviews(found)
        visible = set(
            cases_visible_to(request.user)
            .filter(pk__in=[r.case_id for r in reviews])
            .values_list("pk", flat=True)
        )
        sources = source_review_rows(reviews, visible_case_ids=visible)
    return render(
        request,
        "governance/briefings/detail.jinja",
        {
            "b": BriefingPresenter(found),
            "sources": sources,
            "can_write": services.can_write_briefings(request.user, icb=found.icb),
        },
    )


@require_GET
@verified_staff_required
def easy_read(request: HttpRequest, pk: int) -> HttpResponse:
    _readers_only(request)
    found = selectors.briefing_for(user=request.user, pk=pk)
    if not found.easy_read:
        raise Http404("This briefing has no easy read version")
    return render(request, "governance/briefings/easy_read.jinja", {"b": BriefingPresenter(found)})


@require_GET
@verified_staff_required
def manage(request: HttpRequest) -> HttpResponse:
    icbs = _writers_only(request)
    rows = [BriefingPresenter(b) for b in selectors.briefings_of_authored_icbs(request.user)]
    return render(
        request,
        "governance/briefings/manage.jinja",
        {"rows": rows, "show_icb": len(icbs) > 1},
    )


def _briefing_form(request: HttpRequest, icbs: list, **kwargs) -> BriefingForm:
    return BriefingForm(
        posted(request),
        reviews=selectors.signed_off_reviews(icbs),
        themes=selectors.briefing_themes(),
        show_icb=len(icbs) > 1,
        **kwargs,
    )


BRIEFING_ANSWERS = ("title", "summary", "learning", "easy_read", "themes", "source_reviews")


@verified_staff_required
def create(request: HttpRequest) -> HttpResponse:
    icbs = _writers_only(request)
    form = _briefing_form(request, icbs)

    def write(data):
        chosen_icbs = {r.case.notification.icb for r in data["source_reviews"]}
        if len(chosen_icbs) > 1:
            raise ValidationError(
                {"source_reviews": "Choose reviews of one ICB: a briefing is one ICB's"}
            )
        return services.briefing_create(
            actor=request.user, icb=chosen_icbs.pop(), **fields(data, *BRIEFING_ANSWERS)
        )

    return form_page(
        request,
        form=form,
        template="governance/briefings/form.jinja",
        save=write,
        success=lambda created: redirect("governance:briefing", pk=created.pk),
        message="Briefing saved as a draft",
        context={
            "heading": "Write a learning briefing",
            "has_reviews": bool(form.fields["source_reviews"].choices),
        },
    )


@verified_staff_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    found = _briefing_to_change(request, pk)
    # The briefing's own reviews stay listed even if one has been reopened since, so that the
    # author sees it and the service's refusal can say why.
    reviews = selectors.signed_off_reviews([found.icb])
    listed = {r.pk for r in reviews}
    reviews += [r for r in selectors.source_reviews(found) if r.pk not in listed]
    form = BriefingForm(
        posted(request),
        reviews=reviews,
        themes=list(selectors.briefing_themes()) + [t for t in found.themes.all() if not t.active],
        initial={
            "title": found.title,
            "summary": found.summary,
            "learning": found.learning,
            "easy_read": found.easy_read,
            "themes": [str(pk) for pk in found.themes.values_list("pk", flat=True)],
            "source_reviews": [str(pk) for pk in found.source_reviews.values_list("pk", flat=True)],
        },
    )
    return form_page(
        request,
        form=form,
        template="governance/briefings/form.jinja",
        save=lambda data: services.briefing_update(
            actor=request.user, briefing=found, **fields(data, *BRIEFING_ANSWERS)
        ),
        success=lambda _: redirect("governance:briefing", pk=found.pk),
        message=lambda changed: "Changes saved" if changed else "Nothing was changed",
        context={
            "b": BriefingPresenter(found),
            "heading": "Change the briefing",
            "has_reviews": True,
        },
    )


@verified_staff_required
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    found = _briefing_to_change(request, pk)
    if found.status == BriefingStatus.PUBLISHED:
        messages.success(request, "This briefing is already published")
        return redirect("governance:briefing", pk=found.pk)
    problems: list[str] = []
    if request.method == "POST":
        try:
            services.briefing_publish(actor=request.user, briefing=found)
        except ValidationError as error:
            problems = error.messages
        else:
            messages.success(request, "Briefing published to the learning library")
            return redirect("governance:briefing", pk=found.pk)
    return render(
        request,
        "governance/briefings/publish.jinja",
        {
            "b": BriefingPresenter(found),
            "problems": problems,
            "has_errors": bool(problems),
        },
    )


@verified_staff_required
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    found = _briefing_to_change(request, pk)
    return form_page(
        request,
        form=WithdrawForm(posted(request)),
        template="governance/briefings/withdraw.jinja",
        save=lambda data: services.briefing_withdraw(
            actor=request.user, briefing=found, reason=data["reason"]
        ),
        success=lambda _: redirect("governance:briefing", pk=found.pk),
        message="Briefing withdrawn from the learning library",
        context={"b": BriefingPresenter(found)},
    )
