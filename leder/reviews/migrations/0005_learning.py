"""Grading of care (the six-level scale DOMAIN.md gives, loaded as version 1), learning items
and the learning themes taxonomy, seeded with a starting set that administrators maintain."""

from datetime import date

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# DOMAIN.md, "Grading of care": the six levels, worded exactly as the programme words them.
GRADING_SCALE_1 = {
    "version": "1",
    "effective_from": date(2015, 6, 1),
    "description": "The six-level grading of care used by LeDeR reviews.",
    "levels": [
        (1, "Excellent care", "excellent care, beyond expected good practice"),
        (2, "Good care", "good care, meeting expected good practice"),
        (
            3,
            "Satisfactory care",
            "satisfactory care, short of good practice in some respects without significant "
            "impact on wellbeing",
        ),
        (
            4,
            "Care short of good practice",
            "care short of good practice that affected wellbeing but did not contribute to the "
            "cause of death",
        ),
        (
            5,
            "Care significantly short of good practice",
            "care short of good practice that significantly affected wellbeing and/or had the "
            "potential to contribute to the cause of death",
        ),
        (
            6,
            "Care far short of good practice",
            "care far short of good practice that contributed to the cause of death",
        ),
    ],
}

THEMES = [
    ("Annual health checks", "Whether the person had an annual health check and a health action plan that was acted on."),
    ("Reasonable adjustments", "Adjustments made (or not) so that services worked for the person, including the reasonable adjustment flag."),
    ("Diagnostic overshadowing", "Symptoms put down to the person's learning disability or autism rather than investigated."),
    ("Communication", "How professionals communicated with the person, their family and each other."),
    ("Mental Capacity Act", "Capacity assessments and best-interest decisions, and Deprivation of Liberty Safeguards."),
    ("DNACPR", "Do not attempt cardiopulmonary resuscitation decisions: appropriate, discussed, and never made because of learning disability."),
    ("Constipation", "Recognising, preventing and treating constipation."),
    ("Dysphagia and aspiration", "Swallowing difficulties, eating and drinking plans, aspiration pneumonia."),
    ("Epilepsy", "Seizure management, epilepsy reviews and sudden unexpected death in epilepsy (SUDEP) risk."),
    ("Sepsis", "Recognising and responding to the deteriorating person and sepsis."),
    ("Transitions", "Moves between children's and adult services, between placements, or between hospital and home."),
    ("Family involvement", "Listening to and involving the family and people who knew the person well."),
    ("Care coordination", "How well services worked together and who led the person's care."),
    ("Medication and STOMP", "Medication reviews, polypharmacy, and over-medication with psychotropic drugs (STOMP)."),
    ("Access to screening", "Cancer and other screening programmes offered and made accessible."),
    ("Delays in diagnosis or treatment", "Delays in recognising illness, referral, diagnosis or treatment."),
]  # fmt: skip


def load_grading_scale(apps, schema_editor):
    GradingScale = apps.get_model("reviews", "GradingScale")
    GradingLevel = apps.get_model("reviews", "GradingLevel")
    data = GRADING_SCALE_1
    scale, _ = GradingScale.objects.get_or_create(
        version=data["version"],
        defaults={"effective_from": data["effective_from"], "description": data["description"]},
    )
    for level, title, description in data["levels"]:
        GradingLevel.objects.get_or_create(
            scale=scale, level=level, defaults={"title": title, "description": description}
        )


def load_themes(apps, schema_editor):
    LearningTheme = apps.get_model("reviews", "LearningTheme")
    for name, description in THEMES:
        LearningTheme.objects.get_or_create(name=name, defaults={"description": description})


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0003_contacts"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='GradingScale',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('version', models.CharField(max_length=20, unique=True)),
                ('effective_from', models.DateField(unique=True)),
                ('description', models.TextField(blank=True)),
            ],
            options={
                'ordering': ['effective_from'],
            },
        ),
        migrations.CreateModel(
            name='LearningTheme',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100, unique=True)),
                ('description', models.TextField(blank=True)),
                ('active', models.BooleanField(default=True, help_text='Only active themes are offered to reviewers.')),
                ('parent', models.ForeignKey(blank=True, help_text='A broader theme this one belongs to, if any.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='children', to='reviews.learningtheme')),
            ],
            options={
                'ordering': ['name'],
            },
        ),
        migrations.CreateModel(
            name='LearningItem',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('good_practice', 'Good practice'), ('improvement', 'Area for improvement'), ('concern', 'Concern')], max_length=20)),
                ('text', models.TextField()),
                ('created_at', models.DateTimeField()),
                ('updated_at', models.DateTimeField()),
                ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('review', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='learning_items', to='reviews.review')),
                ('themes', models.ManyToManyField(related_name='+', to='reviews.learningtheme')),
            ],
            options={
                'ordering': ['created_at', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='GradingLevel',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('level', models.PositiveSmallIntegerField()),
                ('title', models.CharField(max_length=100)),
                ('description', models.TextField()),
                ('scale', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='levels', to='reviews.gradingscale')),
            ],
            options={
                'ordering': ['scale', 'level'],
                'constraints': [models.UniqueConstraint(fields=('scale', 'level'), name='one_grading_level_each'), models.CheckConstraint(condition=models.Q(('level__gte', 1), ('level__lte', 6)), name='grading_level_1_to_6')],
            },
        ),
        migrations.RunPython(load_grading_scale, migrations.RunPython.noop),
        migrations.RunPython(load_themes, migrations.RunPython.noop),
    ]
