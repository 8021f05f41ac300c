"""Registers the person's profile (`leder.reviews.profile`) as a simple section of the initial
review (order 35, after the pen portrait), edited on the generic section page."""

from leder.reviews import profile, sections
from leder.reviews.forms.profile import ProfileForm
from leder.reviews.models import Review, ReviewKind


def profile_missing(review: Review) -> list[str]:
    """Every field answered (by the set the profile was answered with), and marked complete."""
    row = sections.stored(review, profile.SECTION_KEY)
    if row is None:
        return ["Not started"]
    problems = profile.missing(row.data, version=profile.version_for(review, row.data))
    if not row.is_complete:
        problems.append("Not marked as complete")
    return problems


def _page_context(review: Review) -> dict:
    from leder.reviews.presenters.profile import ProfilePresenter

    return {"profile": ProfilePresenter.for_review(review)}


sections.register(
    sections.Section(
        key=profile.SECTION_KEY,
        title="The person's profile",
        kinds=frozenset({ReviewKind.INITIAL.value}),
        order=35,
        url_name="reviews:section",
        missing=profile_missing,
        snapshot=sections.simple_snapshot(profile.SECTION_KEY),
        form_class=ProfileForm,
        hint="Down's syndrome, cerebral palsy, epilepsy and long-term conditions; mobility, "
        "communication, sight and hearing; where and how the person lived",
        extra={"family_copy": True, "page_context": _page_context},
    )
)
