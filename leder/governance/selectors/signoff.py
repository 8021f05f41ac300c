"""Reads about a case's sign-offs and quality assurance, for pages outside governance (the case
page's links)."""

from leder.governance.models import QARound, SignOff


def has_qa_rounds(case) -> bool:
    """Whether any review of `case` has been to quality assurance."""
    return QARound.objects.filter(review__case=case).exists()


def signed_off_kinds(case) -> list[str]:
    """The kinds of review of `case` that have ever been signed off ("initial", "focused"), each
    once however many times it was signed off."""
    return list(
        SignOff.objects.filter(review__case=case)
        .order_by("review__kind")
        .values_list("review__kind", flat=True)
        .distinct()
    )
