"""Take back the rubric row shipped by 0002 while it is still unused.

Shipped as a shared template it showed up in every seller's QA rubric list (the QA rubric scope lists all
shared templates). ``vetting.grading.vetting_rubric_version`` creates it on first use instead, until the QA
scope keeps vetting rubrics to staff. Rubrics already used by a review are kept.
"""

from django.db import migrations


def forward(apps, schema_editor):
    Rubric = apps.get_model("qa_scoring", "Rubric")
    Review = apps.get_model("qa_scoring", "Review")
    for rubric in Rubric.objects.filter(organization__isnull=True, kind="vetting", name="Vetting"):
        if not Review.objects.filter(rubric_version__rubric=rubric).exists():
            rubric.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("vetting", "0002_vetting_rubric"),
        ("qa_scoring", "0003_import_job_total_records"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
