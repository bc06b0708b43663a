from django.db import migrations, models

COVERING = (
    "CREATE INDEX criterion_block_rollup_cover ON qa_scoring_criterionblockrollup (weeks, start) "
    "INCLUDE (organization_id, freelancer_id, rubric_version_id, criterion_id, scores, value_sum)"
)


def covering_index(apps, schema_editor):
    """PostgreSQL: the heat map reads a period's blocks from this index alone (SQLite has no INCLUDE)."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(COVERING)


def drop_covering_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS criterion_block_rollup_cover")


def fill_blocks(apps, schema_editor):
    """The weekly criterion roll-ups already hold every sum; add them up into the new blocks."""
    from qa_scoring.rollups import build_blocks

    build_blocks(apps.get_model("qa_scoring", "CriterionRollup"), apps.get_model("qa_scoring", "CriterionBlockRollup"))


class Migration(migrations.Migration):
    dependencies = [
        ("qa_scoring", "0004_qa_rollups"),
    ]

    operations = [
        migrations.CreateModel(
            name="CriterionBlockRollup",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("weeks", models.PositiveSmallIntegerField(help_text="block length in ISO weeks: 4 or 16")),
                ("start", models.DateField(help_text="Monday of the block's first week")),
                ("organization_id", models.BigIntegerField(help_text="0: no seller")),
                ("freelancer_id", models.BigIntegerField(help_text="0: no freelancer")),
                ("rubric_version_id", models.BigIntegerField()),
                ("criterion_id", models.BigIntegerField()),
                ("scores", models.IntegerField(default=0)),
                ("value_sum", models.IntegerField(default=0)),
            ],
            options={
                "indexes": [
                    models.Index(fields=["organization_id", "weeks", "start"], name="criterion_block_org_start")
                ],
                "constraints": [
                    models.UniqueConstraint(
                        fields=(
                            "weeks",
                            "start",
                            "organization_id",
                            "freelancer_id",
                            "rubric_version_id",
                            "criterion_id",
                        ),
                        name="criterion_block_rollup_unique_key",
                    )
                ],
            },
        ),
        migrations.RunPython(covering_index, drop_covering_index),
        migrations.RunPython(fill_blocks, migrations.RunPython.noop),
    ]
