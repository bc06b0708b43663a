"""On PostgreSQL the database itself refuses overlapping entries of one freelancer (across contracts).

Other databases rely on the service, which serialises each freelancer's writes on their profile row.
"""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE timesheets_timeentry ADD CONSTRAINT timeentry_no_overlap EXCLUDE USING gist (
    freelancer_id WITH =,
    tstzrange(started_at, COALESCE(ended_at, 'infinity'::timestamptz), '[)') WITH &&
);
"""
DROP = "ALTER TABLE timesheets_timeentry DROP CONSTRAINT IF EXISTS timeentry_no_overlap;"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("timesheets", "0001_time_entries_timesheets_shifts")]

    operations = [migrations.RunPython(forwards, backwards)]
