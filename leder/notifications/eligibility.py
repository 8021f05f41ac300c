"""Who LeDeR reviews, decided by the rules in force on the date of death (DOMAIN.md "Eligibility").

`assess` is a pure function of the facts and one `EligibilityRules` version, so it can be tested
exhaustively; `rules_for(date_of_death)` picks the version. The notifier is told the outcome in
plain words (`explanation_for`), and the decision is stored with the version that made it.
"""

from dataclasses import dataclass, fields
from datetime import date

from leder.core.time import age_on
from leder.notifications.models import Answer, EligibilityOutcome, EligibilityRules


class Reason:
    """Why an outcome was reached: stable codes, stored with the decision."""

    LEARNING_DISABILITY_ADULT = "ld_adult"
    LEARNING_DISABILITY_CHILD = "ld_child_4_17"
    AUTISTIC_ADULT = "autistic_adult"
    UNDER_MINIMUM_AGE = "under_4"
    AUTISTIC_CHILD = "autistic_child"
    AUTISM_BEFORE_SCOPE = "autism_before_scope"
    NEITHER = "neither_ld_nor_autism"
    NOT_SURE = "ld_or_autism_not_sure"
    OUTSIDE_ENGLAND = "outside_england"
    ENGLAND_NOT_SURE = "england_not_sure"
    OVERRIDDEN = "overridden"


@dataclass(frozen=True)
class Facts:
    date_of_birth: date
    date_of_death: date
    has_learning_disability: str  # Answer
    is_autistic: str  # Answer
    died_in_england: str = Answer.YES

    @classmethod
    def of(cls, person) -> "Facts":
        """The facts as a notification (or a notification's answers about the person) gives
        them."""
        return cls(**{fact.name: getattr(person, fact.name) for fact in fields(cls)})


@dataclass(frozen=True)
class Assessment:
    outcome: str
    reason: str
    rules_version: str
    age_at_death: int


def rules_for(date_of_death: date) -> EligibilityRules:
    """The version in force on the date of death; deaths before the first version are judged by
    the first version (historic imports)."""
    rules = (
        EligibilityRules.objects.filter(effective_from__lte=date_of_death)
        .order_by("-effective_from")
        .first()
    )
    return rules or EligibilityRules.objects.order_by("effective_from").first()


def assess(facts: Facts, rules: EligibilityRules) -> Assessment:
    age = age_on(born=facts.date_of_birth, on=facts.date_of_death)

    def result(outcome: str, reason: str) -> Assessment:
        return Assessment(
            outcome=outcome, reason=reason, rules_version=rules.version, age_at_death=age
        )

    if facts.died_in_england == Answer.NO:
        return result(EligibilityOutcome.NOT_ELIGIBLE, Reason.OUTSIDE_ENGLAND)
    if age < rules.minimum_age:
        return result(EligibilityOutcome.NOT_ELIGIBLE, Reason.UNDER_MINIMUM_AGE)

    ld = facts.has_learning_disability
    autistic = facts.is_autistic
    is_adult = age >= rules.adult_age

    if ld == Answer.YES:
        if not is_adult:
            return result(EligibilityOutcome.CHILD_DEATH_REVIEW, Reason.LEARNING_DISABILITY_CHILD)
        outcome = EligibilityOutcome.ELIGIBLE
        if facts.died_in_england == Answer.NOT_SURE:
            return result(EligibilityOutcome.TO_CONFIRM, Reason.ENGLAND_NOT_SURE)
        return result(outcome, Reason.LEARNING_DISABILITY_ADULT)

    if autistic == Answer.YES:
        if not is_adult:
            # Autistic children without a learning disability are reviewed by the child death
            # review alone; LeDeR's autism scope is adults.
            if ld == Answer.NOT_SURE:
                return result(EligibilityOutcome.TO_CONFIRM, Reason.NOT_SURE)
            return result(EligibilityOutcome.NOT_ELIGIBLE, Reason.AUTISTIC_CHILD)
        if not rules.autistic_adults_in_scope:
            if ld == Answer.NOT_SURE:
                return result(EligibilityOutcome.TO_CONFIRM, Reason.NOT_SURE)
            return result(EligibilityOutcome.NOT_ELIGIBLE, Reason.AUTISM_BEFORE_SCOPE)
        if facts.died_in_england == Answer.NOT_SURE:
            return result(EligibilityOutcome.TO_CONFIRM, Reason.ENGLAND_NOT_SURE)
        return result(EligibilityOutcome.ELIGIBLE, Reason.AUTISTIC_ADULT)

    if Answer.NOT_SURE in (ld, autistic):
        # The notifier may not know the diagnosis; the local area contact checks the records.
        return result(EligibilityOutcome.TO_CONFIRM, Reason.NOT_SURE)
    return result(EligibilityOutcome.NOT_ELIGIBLE, Reason.NEITHER)


# What the notifier is told, in plain words. Keyed by reason code.
EXPLANATIONS = {
    Reason.LEARNING_DISABILITY_ADULT: (
        "From what you have told us, we will review this death. "
        "A local team will look at the care the person received."
    ),
    Reason.LEARNING_DISABILITY_CHILD: (
        "From what you have told us, this death will be looked at by the child death review. "
        "LeDeR will keep a record and work with the child death review team."
    ),
    Reason.AUTISTIC_ADULT: (
        "From what you have told us, we will review this death. "
        "LeDeR reviews the deaths of autistic adults."
    ),
    Reason.UNDER_MINIMUM_AGE: (
        "LeDeR does not review the deaths of children under 4. "
        "We will pass what you told us to the child death review (CDOP) team for the area."
    ),
    Reason.AUTISTIC_CHILD: (
        "LeDeR reviews the deaths of autistic adults aged 18 or over. "
        "The death of a child is looked at by the child death review (CDOP) team for the area."
    ),
    Reason.AUTISM_BEFORE_SCOPE: (
        "LeDeR reviews the deaths of autistic adults who died on or after the date autistic people "
        "came into the programme. This death was before that date, so we cannot review it."
    ),
    Reason.NEITHER: (
        "LeDeR reviews the deaths of people with a learning disability and autistic adults. "
        "From what you have told us, we cannot review this death. "
        "A local team will still read what you told us."
    ),
    Reason.NOT_SURE: (
        "Thank you. A local team will check whether the person had a learning disability or "
        "autism, and contact you if they need to know more."
    ),
    Reason.OUTSIDE_ENGLAND: (
        "LeDeR reviews deaths in England. Wales, Scotland and Northern Ireland have their own "
        "ways of learning from deaths. A local team will read what you told us."
    ),
    Reason.ENGLAND_NOT_SURE: (
        "Thank you. A local team will check where the person died and contact you if they need "
        "to know more."
    ),
    Reason.OVERRIDDEN: "A local area contact has made a decision about this death.",
}


def explanation_for(reason: str) -> str:
    return EXPLANATIONS[reason]
