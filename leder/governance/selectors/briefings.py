"""Reads of learning briefings and the learning library.

- The library (published briefings) is read by staff of every ICB (any ICB role), regional
  coordinators and national analysts; nobody else (administrators run the installation and read
  no review-derived content).
- A draft or withdrawn briefing is seen only by those who write the briefings of its ICB; to
  everyone else it does not exist (404).
- The reviews a briefing was written from are listed only to staff of the authoring ICB.
"""

from django.db.models import Q, QuerySet
from django.http import Http404

from leder.accounts import rules
from leder.accounts.models import ICB_ROLES, Role
from leder.casework.models import CaseState
from leder.governance.models import BriefingStatus, LearningBriefing, SignOff
from leder.governance.services.briefings import BRIEFING_AUTHORS
from leder.reviews.models import LearningTheme, Review


def can_read_library(user) -> bool:
    """Staff of any ICB, regional coordinators and national analysts."""
    return rules.holds_icb_role(user) or rules.has_any_role(
        user, Role.REGIONAL_COORDINATOR, Role.NATIONAL_ANALYST
    )


def authored_icbs(user):
    """The ICBs whose briefings `user` writes."""
    return rules.organisations_where(user, *BRIEFING_AUTHORS)


def library_themes() -> QuerySet[LearningTheme]:
    """The themes offered as search filters: those any published briefing carries, plus every
    active theme (a retired theme still finds the briefings tagged with it)."""
    used = LearningBriefing.objects.filter(status=BriefingStatus.PUBLISHED).values("themes")
    return (
        LearningTheme.objects.filter(Q(active=True) | Q(pk__in=used))
        .select_related("parent")
        .order_by("name")
    )


def briefing_themes() -> QuerySet[LearningTheme]:
    """The themes an author may tag a briefing with (active ones)."""
    return LearningTheme.objects.filter(active=True).select_related("parent").order_by("name")


def library_search(*, themes=(), text: str = "") -> QuerySet[LearningBriefing]:
    """Published briefings, newest first, tagged with ANY of `themes` (when some are given) and
    containing EVERY word of `text` in the title, summary, learning or easy read version. The
    caller has checked `can_read_library`."""
    briefings = LearningBriefing.objects.filter(status=BriefingStatus.PUBLISHED)
    if themes:
        briefings = briefings.filter(themes__in=list(themes))
    for word in (text or "").split()[:20]:
        briefings = briefings.filter(
            Q(title__icontains=word)
            | Q(summary__icontains=word)
            | Q(learning__icontains=word)
            | Q(easy_read__icontains=word)
        )
    return (
        briefings.distinct()
        .select_related("icb")
        .prefetch_related("themes__parent")
        .order_by("-published_at", "-pk")
    )


def briefings_visible_to(user) -> QuerySet[LearningBriefing]:
    """Every briefing `user` may open: published ones for library readers, plus drafts and
    withdrawn ones of the ICBs whose briefings they write."""
    own = Q(icb__in=authored_icbs(user))
    if can_read_library(user):
        return LearningBriefing.objects.filter(Q(status=BriefingStatus.PUBLISHED) | own)
    return LearningBriefing.objects.filter(own)


def briefing_for(*, user, pk: int) -> LearningBriefing:
    """The briefing, if `user` may open it; 404 otherwise (never saying it exists)."""
    briefing = (
        briefings_visible_to(user)
        .select_related("icb", "created_by", "published_by")
        .prefetch_related("themes__parent")
        .filter(pk=pk)
        .first()
    )
    if briefing is None:
        raise Http404("No such briefing")
    return briefing


def briefings_of_authored_icbs(user) -> QuerySet[LearningBriefing]:
    """Every briefing (any status) of the ICBs whose briefings `user` writes, latest first."""
    return (
        LearningBriefing.objects.filter(icb__in=authored_icbs(user))
        .select_related("icb")
        .prefetch_related("themes__parent")
        .order_by("-updated_at", "-pk")
    )


def shows_source_reviews(user, briefing: LearningBriefing) -> bool:
    """The source reviews are listed to staff of the authoring ICB only."""
    return rules.has_any_role(user, *ICB_ROLES, organisation=briefing.icb)


def source_reviews(briefing: LearningBriefing) -> list[Review]:
    """The reviews the briefing was written from, with their case and live sign-off (the caller
    has checked `shows_source_reviews`)."""
    reviews = list(
        briefing.source_reviews.select_related("case__notification").order_by("case_id", "kind")
    )
    signoffs = {
        s.review_id: s for s in SignOff.objects.filter(review__in=reviews, reopened_at__isnull=True)
    }
    for review in reviews:
        review.live_signoff = signoffs.get(review.pk)
    return reviews


def signed_off_reviews(icbs) -> list[Review]:
    """The signed-off reviews of completed cases of `icbs`, each with its live sign-off, latest
    sign-off first: what a briefing may be written from."""
    signoffs = (
        SignOff.objects.filter(
            reopened_at__isnull=True,
            review__case__notification__icb__in=icbs,
            review__case__state=CaseState.COMPLETED,
        )
        .select_related("review__case__notification__icb")
        .order_by("-signed_off_at", "-pk")
    )
    reviews = []
    for signoff in signoffs:
        review = signoff.review
        review.live_signoff = signoff
        reviews.append(review)
    return reviews
