"""Feedback surveys: answering them (staff signed in; the public at /feedback/<slug> with no
account) and their results per ICB.

- Staff surveys: anyone holding an ICB role answers, for an ICB where they hold it (they choose
  when they have several). Other users: 403. A draft, a public survey or an unknown slug: 404.
- Public surveys: anyone, choosing their area; POSTs are rate limited per address like the
  notification form. A staff survey's slug is a 404 here.
- Results: the ICB's executive lead and local area contact for their ICBs; national analysts
  and administrators for every ICB; anyone else 403. Another ICB's results: 404. Free text is
  shown to administrators only.
"""

from functools import wraps

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from leder.accounts.decorators import verified_staff_required
from leder.core import audit
from leder.core.audit import client_ip
from leder.core.form_page import form_page, posted
from leder.governance.forms.surveys import SurveyAnswerForm
from leder.governance.models import SurveyAudience, SurveyStatus
from leder.governance.presenters.surveys import ResultsPresenter, SurveyPresenter
from leder.governance.selectors import surveys as selectors
from leder.governance.services import surveys as services
from leder.notifications import ratelimit
from leder.organisations.selectors import icbs_open

DEFAULT_FEEDBACK_PER_HOUR = 20


def feedback_limit() -> ratelimit.Limit:
    per_hour = getattr(settings, "LEDER_FEEDBACK_RATE_LIMIT_PER_HOUR", DEFAULT_FEEDBACK_PER_HOUR)
    return ratelimit.Limit("feedback-submit", per_hour, ratelimit.HOUR)


def limit_feedback_posts(view):
    """Count each POST of a public survey against `feedback_limit()` per client address (the
    notification form's limiter); over it, a 429 page and nothing stored."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method == "POST":
            limit = feedback_limit()
            if not ratelimit.hit(limit, ident=client_ip(request) or "unknown"):
                response = render(
                    request,
                    "governance/surveys/rate_limited.jinja",
                    {"retry_minutes": max(1, limit.period_seconds // ratelimit.MINUTE)},
                    status=429,
                )
                response["Retry-After"] = str(limit.period_seconds)
                return response
        return view(request, *args, **kwargs)

    return wrapped


def _respondents_only(request: HttpRequest) -> list:
    icbs = list(services.respondent_icbs(request.user))
    if not icbs:
        raise PermissionDenied("Staff surveys are answered by staff of the ICBs.")
    return icbs


# -- Staff --------------------------------------------------------------------------------------


@require_GET
@verified_staff_required
def staff_surveys(request: HttpRequest) -> HttpResponse:
    _respondents_only(request)
    surveys = list(selectors.staff_surveys_open().order_by("title"))
    answered = selectors.answered_by(request.user, surveys)
    rows = [SurveyPresenter(s, answered=s.pk in answered) for s in surveys]
    return render(
        request,
        "governance/surveys/staff_list.jinja",
        {"rows": rows, "can_see_results": selectors.can_see_results(request.user)},
    )


@verified_staff_required
def staff_answer(request: HttpRequest, slug: str) -> HttpResponse:
    icbs = _respondents_only(request)
    survey = selectors.survey_to_answer(slug=slug, audience=SurveyAudience.STAFF)
    presenter = SurveyPresenter(survey)
    if survey.status != SurveyStatus.OPEN:
        return render(request, "governance/surveys/closed.jinja", {"s": presenter})
    if not survey.anonymous and selectors.answered_by(request.user, [survey]):
        return render(request, "governance/surveys/already.jinja", {"s": presenter})
    several = len(icbs) > 1
    form = SurveyAnswerForm(
        posted(request),
        questions=selectors.questions_of(survey),
        icbs=services.respondent_icbs(request.user) if several else None,
        icb_label="Which ICB are you answering for?",
        icb_hint="You hold roles at more than one ICB. Results are summarised by ICB.",
    )
    return form_page(
        request,
        form=form,
        template="governance/surveys/answer.jinja",
        save=lambda data: services.survey_response_submit(
            survey=survey,
            icb=data["icb"] if several else icbs[0],
            answers=form.answers(),
            respondent=request.user,
        ),
        success="governance:surveys",
        message=f"Thank you. Your answers to “{survey.title}” were sent",
        context={"s": presenter, "back_href": "governance:surveys"},
    )


# -- Public -------------------------------------------------------------------------------------


@limit_feedback_posts
def public_answer(request: HttpRequest, slug: str) -> HttpResponse:
    survey = selectors.survey_to_answer(slug=slug, audience=SurveyAudience.PUBLIC)
    presenter = SurveyPresenter(survey)
    if survey.status != SurveyStatus.OPEN:
        return render(request, "governance/surveys/closed.jinja", {"s": presenter})
    form = SurveyAnswerForm(
        posted(request),
        questions=selectors.questions_of(survey),
        icbs=icbs_open(),
        icb_label="Where do you live?",
        icb_hint="Choose the integrated care board (ICB) for your area. We use it only to "
        "group answers by area.",
        icb_as_select=True,
    )
    return form_page(
        request,
        form=form,
        template="governance/surveys/answer.jinja",
        save=lambda data: services.survey_response_submit(
            survey=survey, icb=data["icb"], answers=form.answers()
        ),
        success=lambda _: redirect("feedback:thanks", slug=survey.slug),
        context={"s": presenter, "public": True},
    )


@require_GET
def public_thanks(request: HttpRequest, slug: str) -> HttpResponse:
    survey = selectors.survey_to_answer(slug=slug, audience=SurveyAudience.PUBLIC)
    return render(request, "governance/surveys/thanks.jinja", {"s": SurveyPresenter(survey)})


# -- Results ------------------------------------------------------------------------------------


def _results_readers_only(request: HttpRequest) -> None:
    if not selectors.can_see_results(request.user):
        raise PermissionDenied(
            "Survey results are for the ICB's executive lead and local area contact, national "
            "analysts and administrators."
        )


@require_GET
@verified_staff_required
def results_list(request: HttpRequest) -> HttpResponse:
    _results_readers_only(request)
    rows = [SurveyPresenter(s) for s in selectors.surveys_with_results()]
    return render(request, "governance/surveys/results_list.jinja", {"rows": rows})


@require_GET
@verified_staff_required
def results(request: HttpRequest, slug: str) -> HttpResponse:
    _results_readers_only(request)
    survey = selectors.survey_for_results(slug=slug)
    icbs = list(selectors.results_icbs(request.user))
    raw = request.GET.get("icb", "")
    chosen = None
    if raw:
        chosen = next((i for i in icbs if str(i.pk) == raw), None)
        if chosen is None:
            raise Http404("No results for that ICB")
    elif len(icbs) == 1:
        chosen = icbs[0]
    shown = None
    if chosen is not None:
        results = selectors.survey_results(
            survey=survey, icb=chosen, with_free_text=selectors.sees_free_text(request.user)
        )
        texts = sum(len(q.texts or []) for q in results.questions)
        if texts:
            # Free text may still say who a family is about: reading it is a view, audited.
            audit.record_view(
                actor=request.user,
                obj=survey,
                summary=f"Read {texts} redacted free-text answer(s) to {survey.title} "
                f"({chosen.name})",
                details={"icb": chosen.pk, "answers": texts},
                request=request,
            )
        shown = ResultsPresenter(results)
    return render(
        request,
        "governance/surveys/results.jinja",
        {
            "s": SurveyPresenter(survey),
            "icbs": icbs,
            "chosen": chosen,
            "r": shown,
            "free_text": selectors.sees_free_text(request.user),
        },
    )
