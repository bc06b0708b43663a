from django.db import migrations, models
from django.db.models import Sum


def fill_committed(apps, schema_editor):
    """Existing rows: Σ weekly caps of each freelancer's active contracts, as the index refresh computes it."""
    Contract = apps.get_model("marketplace", "Contract")
    MatchIndex = apps.get_model("marketplace", "MatchIndex")
    totals = (
        Contract.objects.filter(status="active")
        .values("freelancer_id")
        .annotate(total=Sum("weekly_hour_cap"))
        .values_list("freelancer_id", "total")
    )
    for profile_id, total in totals:
        MatchIndex.objects.filter(profile_id=profile_id).update(committed=total)


class Migration(migrations.Migration):
    dependencies = [
        ("marketplace", "0005_match_index_availability_bitstring"),
    ]

    operations = [
        migrations.AddField(
            model_name="matchindex",
            name="committed",
            field=models.PositiveIntegerField(default=0, help_text="Σ weekly hour caps of the active contracts"),
        ),
        migrations.RunPython(fill_committed, migrations.RunPython.noop),
    ]
