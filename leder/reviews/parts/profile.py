"""Registers the person's profile (`leder.reviews.profile`) as a simple section of the initial
review (order 35, after the pen portrait), edited on the generic section page."""

from leder.reviews import profile, sections
from leder.reviews.forms.profile import ProfileForm
from leder.reviews.models import Review, ReviewSection


def _profile_problems(review: Review, row: ReviewSection) -> list[str]:
    # Every field answered, by the set the profile was answered with.
    return profile.missing(row.data, version=profile.version_for(review, row.data))


def _page_context(review: Review) -> dict:
    from leder.reviews.presenters.profile import ProfilePresenter

    return {"profile": ProfilePresenter.for_review(review)}


sections.register_simple(
    profile.SECTION_KEY,
    title="The person's profile",
    kinds=sections.INITIAL,
    order=35,
    check=_profile_problems,
    form_class=ProfileForm,
    hint="Down's syndrome, cerebral palsy, epilepsy and long-term conditions; mobility, "
    "communication, sight and hearing; where and how the person lived",
    extra={"family_copy": True, "page_context": _page_context},
)
