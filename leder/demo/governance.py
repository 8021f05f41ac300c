"""Demo reviews and governance: written reviews, quality assurance, a panel that meets, the
actions it agreed, an action plan, learning briefings and two feedback surveys.

Everything goes through the real services, in the order real people would act: the reviewer
writes and submits each review (`leder.demo.reviews`), the senior reviewer assesses it against
the checklist, the panel chair schedules meetings, records attendance and decisions, the panel
agrees SMART actions, and the LAC publishes a briefing. So the demo shows the real rules (a
reviewer never signs off their own review, a signed-off review is locked).
"""

import random
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.utils import timezone

from leder.accounts.models import User
from leder.casework.models import Case, CaseState
from leder.core.time import today
from leder.demo.reviews import ReviewContent, write_focused_review, write_initial_review
from leder.governance.models import (
    ActionStatus,
    AnswerType,
    PanelDecision,
    QAChecklistItem,
    Survey,
    SurveyAudience,
    SurveyQuestion,
    SurveyStatus,
)
from leder.governance.services import actions, briefings, panels, qa, surveys
from leder.organisations.models import Organisation, OrganisationKind
from leder.reviews.models import LearningTheme, Review, ReviewKind

# (underlying cause, ICD-10, other causes above it) in roughly the proportions LeDeR reports:
# respiratory first, then circulatory and cancer, with epilepsy and others.
CAUSES = [
    (("Dysphagia", "R13"), (("Aspiration pneumonia", "J69.0"),)),
    (("Bronchopneumonia", "J18.0"), ()),
    (("Pneumonia, unspecified", "J18.9"), ()),
    (("Ischaemic heart disease", "I25.9"), (("Heart failure", "I50.9"),)),
    (("Malignant neoplasm of bronchus or lung", "C34.9"), ()),
    (("Epilepsy, unspecified", "G40.9"), ()),
    (("Sepsis, unspecified", "A41.9"), ()),
    (("Dementia in Alzheimer's disease", "G30.9"), ()),
]
PLACES = ["hospital"] * 6 + ["home", "care_home", "care_home", "hospice"]
GRADES = [1, 2, 2, 2, 3, 3, 4, 5]
LEARNING = [
    (
        "good_practice",
        "The learning disability liaison nurse met {given_name} on the day of admission and "
        "made sure the hospital passport was used on the ward.",
        ("Reasonable adjustments",),
    ),
    (
        "improvement",
        "{given_name} had not had an annual health check for two years; the practice register "
        "did not flag the learning disability.",
        ("Annual health checks",),
    ),
    (
        "concern",
        "Signs of swallowing difficulty were recorded three times before the admission but no "
        "speech and language therapy referral was made.",
        ("Dysphagia and aspiration", "Delays in diagnosis or treatment"),
    ),
    (
        "improvement",
        "The family were not involved in the decision not to attempt resuscitation.",
        ("DNACPR", "Family involvement"),
    ),
]
QA_SUMMARY = "A thorough review: the pen portrait and timeline give a real sense of the person."
QA_RETURN = "Please add the GP's view of the missed health checks before I approve this."
ACTIONS = [
    (
        "Add a reasonable adjustment flag to every GP record of a person with a learning "
        "disability in the ICB",
        "Share of GP records of people on the learning disability register with a flag, "
        "reported quarterly; target 90%.",
        ("Reasonable adjustments",),
        180,
    ),
    (
        "Train ward staff in recognising swallowing difficulty and referring to speech and "
        "language therapy",
        "Number of ward staff trained in the two acute trusts, and referrals made within 48 "
        "hours, audited after six months.",
        ("Dysphagia and aspiration",),
        120,
    ),
]


@dataclass
class GovernanceArea:
    """One demo ICB's people for governance."""

    icb: Organisation
    lac: User
    senior: User
    panel: User
    chair: User
    lead: User
    signed_off: list[Review] = field(default_factory=list)
    to_sign_off: list[Review] = field(default_factory=list)
    upcoming: list[Review] = field(default_factory=list)


def content_for(case: Case, rng: random.Random, *, focused: bool) -> ReviewContent:
    (underlying, above) = rng.choice(CAUSES)
    learning = tuple(rng.sample(LEARNING, k=rng.randint(1, 3)))
    grade = rng.choice(GRADES)
    if focused and grade < 3:
        grade = rng.choice([3, 4, 5])
    return ReviewContent(
        grading=grade,
        underlying_cause=underlying,
        other_causes=above,
        place_of_death=rng.choice(PLACES),
        ld_severity=rng.choice(["mild", "mild", "moderate", "moderate", "severe", "pmld"]),
        learning=learning,
        focused_reasons=("significant_learning",) if focused else (),
    )


def progress(area: GovernanceArea, case: Case, stage: str, rng: random.Random) -> None:
    """Take an accepted case to its demo stage by writing its review and acting on it."""
    if stage in ("initial_review", "offered"):
        return
    focused = stage in ("completed_panel", "panel", "focused_review")
    write_initial_review(case=case, content=content_for(case, rng, focused=focused))
    case.refresh_from_db()
    if case.state == CaseState.QUALITY_ASSURANCE:
        review = case.reviews.get(kind=ReviewKind.INITIAL)
        if stage == "completed_qa":
            _assess(area, review, approve=True)
            area.signed_off.append(review)
        return
    # A focused review: asked for, or required by the person's ethnic background.
    if case.state != CaseState.FOCUSED_REVIEW or stage == "focused_review":
        return
    focused_review = write_focused_review(case=case, content=content_for(case, rng, focused=True))
    if stage == "panel":
        area.upcoming.append(focused_review)
    else:
        area.to_sign_off.append(focused_review)


def _assess(area: GovernanceArea, review: Review, *, approve: bool) -> None:
    round = qa.pending_round(review)
    items = QAChecklistItem.objects.filter(checklist=round.checklist)
    qa.qa_checklist_save(
        actor=area.senior,
        round=round,
        answers={item.key: {"met": "yes", "note": ""} for item in items},
    )
    if approve:
        qa.qa_approve(actor=area.senior, review=review, summary=QA_SUMMARY)


def return_one_for_amendment(area: GovernanceArea) -> None:
    """The senior reviewer returns one review in QA with a comment on a section, so the demo
    reviewer has a returned review with comments to answer."""
    waiting = (
        Review.objects.filter(
            case__notification__icb=area.icb,
            case__state=CaseState.QUALITY_ASSURANCE,
            kind=ReviewKind.INITIAL,
        )
        .order_by("case__notified_on")
        .first()
    )
    if waiting is None:
        return
    round = qa.pending_round(waiting)
    qa.qa_comment_add(actor=area.senior, round=round, section_key="contacts", text=QA_RETURN)
    qa.qa_return(actor=area.senior, review=waiting, summary=QA_RETURN)


def panel_business(area: GovernanceArea, rng: random.Random) -> None:
    """A panel, a meeting held last month that signed off the focused reviews ready and agreed
    two actions, and the next meeting with the rest on its agenda; the 3-year action plan."""
    panel = panels.panel_save(
        actor=area.chair,
        icb=area.icb,
        name=f"{area.icb.short_name or area.icb.name} LeDeR governance panel",
        quorum=2,
        terms_of_reference=(
            "Signs off focused reviews, agrees SMART actions and oversees their completion. "
            "Quorate with two members including the chair."
        ),
    )
    held = panels.panel_meeting_schedule(
        actor=area.chair,
        panel=panel,
        starts_at=_at(today() - timedelta(days=30), 14),
        location="Conference room 2 and Microsoft Teams",
    )
    agreed = []
    if area.to_sign_off:
        items = [
            panels.agenda_item_add(actor=area.chair, meeting=held, review=review)
            for review in area.to_sign_off
        ]
        panels.meeting_attendance_record(
            actor=area.chair,
            meeting=held,
            attendees=[area.chair, area.panel],
            other_attendees="Family advocate (for item 1)",
        )
        for item in items:
            panels.panel_decision_record(
                actor=area.chair, item=item, decision=PanelDecision.SIGNED_OFF
            )
            area.signed_off.append(item.review)
        agreed = _agree_actions(area, items[0])
        panels.meeting_minutes_save(
            actor=area.chair,
            meeting=held,
            minutes=(
                "The panel discussed each focused review with the reviewer. All were signed off. "
                "Two actions were agreed on reasonable adjustments and dysphagia."
            ),
        )
    upcoming = panels.panel_meeting_schedule(
        actor=area.chair,
        panel=panel,
        starts_at=_at(today() + timedelta(days=14), 14),
        location="Microsoft Teams",
    )
    for review in area.upcoming:
        panels.agenda_item_add(actor=area.chair, meeting=upcoming, review=review)
    _action_plan(area, agreed)


def _agree_actions(area: GovernanceArea, item) -> list:
    owner = (
        Organisation.objects.filter(icb=area.icb, kind=OrganisationKind.TRUST).first() or area.icb
    )
    made = []
    for title, measure, theme_names, days in ACTIONS:
        made.append(
            actions.action_create(
                actor=area.chair,
                icb=area.icb,
                title=title,
                description="Agreed by the panel from the learning of the focused review.",
                owner_organisation=owner,
                owner_name="Director of Nursing",
                owner_email=f"nursing.{area.icb.ods_code.lower()}@demo.leder.invalid",
                due_on=today() + timedelta(days=days),
                measure=measure,
                reviews=[item.review],
                themes=LearningTheme.objects.filter(name__in=theme_names),
                agenda_item=item,
            )
        )
    actions.action_update(
        actor=area.lac,
        action=made[0],
        note="Practices have started adding the flag; 40% done.",
        to_status=ActionStatus.IN_PROGRESS,
    )
    actions.action_update(
        actor=area.lac,
        action=made[1],
        note="Training delivered to all four wards.",
        to_status=ActionStatus.COMPLETED,
        evidence="Attendance registers: 86 of 92 ward staff trained; referral audit attached.",
    )
    return made


def _action_plan(area: GovernanceArea, agreed: list) -> None:
    start = today().replace(month=4, day=1)
    if start > today():
        start = start.replace(year=start.year - 1)
    plan = actions.action_plan_create(
        actor=area.lead,
        icb=area.icb,
        title=f"LeDeR action plan {start.year} to {start.year + 3}",
        starts_on=start,
        ends_on=start.replace(year=start.year + 3) - timedelta(days=1),
        summary="Our priorities from what LeDeR reviews have taught us.",
    )
    priorities = [
        actions.action_plan_priority_save(
            actor=area.lead,
            plan=plan,
            title=title,
            themes=LearningTheme.objects.filter(name__in=themes),
        )
        for title, themes in [
            ("Reasonable adjustments in every service", ["Reasonable adjustments"]),
            ("Recognising and acting on swallowing difficulty", ["Dysphagia and aspiration"]),
            ("Annual health checks for everyone on the register", ["Annual health checks"]),
        ]
    ]
    for action, priority in zip(agreed, priorities, strict=False):
        actions.action_priority_change(actor=area.chair, action=action, priority=priority)


def publish_briefing(area: GovernanceArea) -> None:
    if not area.signed_off:
        return
    draft = briefings.briefing_create(
        actor=area.lac,
        icb=area.icb,
        title="Swallowing difficulty was seen but not acted on",
        summary=(
            "A man in his fifties with a moderate learning disability had coughed at meals for "
            "months. Staff recorded it, but nobody referred him for a swallowing assessment. He "
            "died in hospital of aspiration pneumonia."
        ),
        learning=(
            "Coughing or choking at meals is a warning sign. Refer to speech and language "
            "therapy the first time it is recorded, and make the eating and drinking plan part "
            "of the hospital passport."
        ),
        easy_read=(
            "Coughing when eating can be a sign of a problem.\n"
            "Tell a nurse or doctor.\n"
            "Ask for a swallowing check."
        ),
        themes=LearningTheme.objects.filter(name="Dysphagia and aspiration"),
        source_reviews=area.signed_off[:1],
    )
    briefings.briefing_publish(actor=area.lac, briefing=draft)


def feedback_surveys(administrator: User, rng: random.Random) -> None:
    """A staff survey about reviewer support, and an anonymous one for families."""
    _survey(
        administrator,
        slug="reviewer-support-2026",
        title="How well supported do you feel as a LeDeR reviewer?",
        audience=SurveyAudience.STAFF,
        questions=[
            ("How supported do you feel, from 1 (not at all) to 5 (very)?", AnswerType.SCALE, []),
            ("Have you had training in the last year?", AnswerType.YES_NO, []),
            ("What would help you most?", AnswerType.TEXT, []),
        ],
    )
    _survey(
        administrator,
        slug="families-2026",
        title="Tell us about your experience of a LeDeR review",
        audience=SurveyAudience.PUBLIC,
        questions=[
            (
                "Were you told that a review was happening?",
                AnswerType.SINGLE_CHOICE,
                ["Yes", "No", "I do not remember"],
            ),
            (
                "How well were you listened to, from 1 (not at all) to 5 (very well)?",
                AnswerType.SCALE,
                [],
            ),
            ("Is there anything else you want to tell us?", AnswerType.TEXT, []),
        ],
    )


def _survey(administrator: User, *, slug, title, audience, questions) -> Survey:
    survey = surveys.survey_save(
        actor=administrator,
        survey=Survey(
            slug=slug,
            title=title,
            introduction="It takes about three minutes. Your answers help us improve LeDeR.",
            audience=audience,
            anonymous=True,
            status=SurveyStatus.DRAFT,
        ),
    )
    for order, (text, answer_type, options) in enumerate(questions, start=1):
        surveys.survey_question_save(
            actor=administrator,
            question=SurveyQuestion(
                survey=survey,
                order=order,
                text=text,
                answer_type=answer_type,
                options=options,
                required=answer_type != AnswerType.TEXT,
            ),
        )
    survey.status = SurveyStatus.OPEN
    return surveys.survey_save(actor=administrator, survey=survey)


def _at(day, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))
