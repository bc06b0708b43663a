"""Ship the platform "Vetting" rubric (kind vetting, shared, published version 1) that grades assessments.

The data is frozen here (not imported from app code) so it never changes under a database. It matches
``vetting.grading.VETTING_CRITERIA``; ``grading.vetting_rubric_version`` finds it (and would create it on a
database built without migrations).
"""

from django.db import migrations
from django.utils import timezone

NAME = "Vetting"

# (section, key, label, guidance, kind, min, max, weight, critical)
CRITERIA = [
    (
        "Resolution",
        "understands_issue",
        "Understands the real problem",
        "Restates the issue; reads the context.",
        "scale",
        1,
        5,
        25,
        False,
    ),
    (
        "Resolution",
        "correct_resolution",
        "Offers a correct, policy-safe resolution",
        "Follows the stated policy; refunds or replacements only where allowed.",
        "scale",
        1,
        5,
        30,
        True,
    ),
    (
        "Tone",
        "empathy",
        "Empathy and ownership",
        "Acknowledges the customer's situation; apologises where due.",
        "scale",
        1,
        5,
        15,
        False,
    ),
    ("Tone", "clarity", "Clear, correct English", "Short sentences, no errors, no jargon.", "scale", 1, 5, 20, False),
    (
        "Compliance",
        "marketplace_rules",
        "Keeps marketplace rules",
        "No external links, e-mail addresses or phone numbers; no review requests.",
        "binary",
        0,
        1,
        10,
        True,
    ),
]


def forward(apps, schema_editor):
    Rubric = apps.get_model("qa_scoring", "Rubric")
    RubricVersion = apps.get_model("qa_scoring", "RubricVersion")
    Section = apps.get_model("qa_scoring", "Section")
    Criterion = apps.get_model("qa_scoring", "Criterion")
    if RubricVersion.objects.filter(
        rubric__organization__isnull=True, rubric__kind="vetting", rubric__name=NAME, status="published"
    ).exists():
        return
    rubric, _ = Rubric.objects.get_or_create(
        organization=None,
        kind="vetting",
        name=NAME,
        defaults={"description": "Grades the written assessment of vetting candidates.", "pass_mark": 80},
    )
    version, _ = RubricVersion.objects.get_or_create(rubric=rubric, number=1, defaults={"status": "draft"})
    sections = {}
    for position, (section, key, label, guidance, kind, lo, hi, weight, critical) in enumerate(CRITERIA):
        if section not in sections:
            sections[section], _ = Section.objects.get_or_create(
                version=version, title=section, defaults={"position": len(sections)}
            )
        Criterion.objects.get_or_create(
            version=version,
            key=key,
            defaults={
                "section": sections[section],
                "label": label,
                "guidance": guidance,
                "kind": kind,
                "scale_min": lo,
                "scale_max": hi,
                "weight": weight,
                "critical": critical,
                "position": position,
            },
        )
    RubricVersion.objects.filter(pk=version.pk).update(status="published", published_at=timezone.now())


class Migration(migrations.Migration):
    dependencies = [
        ("vetting", "0001_vetting_pipeline"),
        ("qa_scoring", "0003_import_job_total_records"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
