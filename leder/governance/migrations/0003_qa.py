"""The quality assurance part of governance: the default QA checklist, version "2026-1".

The items are what a senior reviewer checks before a review is approved. Each names the review
section it is about (`section_key`, as the review parts register them), so a "No" can point the
reviewer at the section to amend. Administrators make new versions in the admin; rounds keep the
version they were assessed with, so this one is never edited once used.
"""

import datetime

from django.db import migrations

VERSION = "2026-1"

# (key, section_key, text, hint)
ITEMS = [
    (
        "family_view",
        "family",
        "The family, or someone close to the person, was contacted and their view is recorded",
        "If no conversation was possible, the reason is recorded and is a good one",
    ),
    (
        "pen_portrait",
        "pen_portrait",
        "The pen portrait gives a real sense of who the person was and what mattered to them",
        "It describes a person, not a list of diagnoses",
    ),
    (
        "timeline_whole_life",
        "timeline",
        "The timeline covers key episodes of the person's whole life, not only the last admission",
        "",
    ),
    (
        "gp_and_professional",
        "contacts",
        "The GP record was reviewed or the GP spoken to, and another professional involved in the "
        "person's care was spoken to",
        "",
    ),
    (
        "cause_of_death_coded",
        "cause_of_death",
        "The cause of death is coded in ICD-10 and is consistent with the medical certificate",
        "Learning disability, Down's syndrome or cerebral palsy is not given as a cause of death",
    ),
    (
        "questions_evidenced",
        "questions",
        "The structured questions are answered, each with the evidence for the answer",
        "",
    ),
    (
        "grading_justified",
        "grading",
        "The grading of care is justified by the evidence in the review",
        "",
    ),
    (
        "learning_clear",
        "learning",
        "Learning is tagged with themes, and any concerns are clear enough for the panel to act on",
        "",
    ),
    (
        "focused_triggers",
        "focused_decision",
        "The triggers for a focused review were correctly considered",
        "Ethnic background, autism without a learning disability, the family's request, concerns "
        "or significant learning",
    ),
    (
        "plain_words",
        "",
        "Free text is free of unnecessary identifiers and of unexplained jargon or abbreviations",
        "No names of staff or other people, addresses or record numbers that the learning does "
        "not need",
    ),
]


def load_checklist(apps, schema_editor):
    QAChecklist = apps.get_model("governance", "QAChecklist")
    QAChecklistItem = apps.get_model("governance", "QAChecklistItem")
    checklist, created = QAChecklist.objects.get_or_create(
        version=VERSION,
        defaults={
            "title": "Quality assurance checklist for initial reviews",
            "effective_from": datetime.date(2026, 1, 1),
            "active": True,
        },
    )
    if not created:
        return
    QAChecklistItem.objects.bulk_create(
        QAChecklistItem(
            checklist=checklist,
            order=order,
            key=key,
            section_key=section_key,
            text=text,
            hint=hint,
        )
        for order, (key, section_key, text, hint) in enumerate(ITEMS, start=1)
    )


def remove_checklist(apps, schema_editor):
    QAChecklist = apps.get_model("governance", "QAChecklist")
    QARound = apps.get_model("governance", "QARound")
    # A checklist that rounds were assessed with is history: leave it.
    if not QARound.objects.filter(checklist__version=VERSION).exists():
        QAChecklist.objects.filter(version=VERSION).delete()


class Migration(migrations.Migration):
    dependencies = [("governance", "0002_signoff_lock_triggers")]
    operations = [migrations.RunPython(load_checklist, remove_checklist)]
