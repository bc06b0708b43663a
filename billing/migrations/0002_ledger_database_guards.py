"""On PostgreSQL the database itself keeps the ledger honest: postings of an entry must sum to zero per
currency at commit (a deferred constraint trigger), and postings and entries cannot be updated or deleted."""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION billing_posting_balanced() RETURNS trigger AS $$
DECLARE off numeric;
BEGIN
    SELECT SUM(amount) INTO off FROM (
        SELECT SUM(amount) AS amount FROM billing_posting WHERE entry_id = NEW.entry_id GROUP BY currency
        HAVING SUM(amount) <> 0
    ) AS unbalanced;
    IF off IS NOT NULL THEN
        RAISE EXCEPTION 'journal entry % does not balance', NEW.entry_id;
    END IF;
    RETURN NULL;
END $$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER billing_posting_balanced
    AFTER INSERT ON billing_posting DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION billing_posting_balanced();

CREATE OR REPLACE FUNCTION billing_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the ledger is append-only: % on % refused', TG_OP, TG_TABLE_NAME;
END $$ LANGUAGE plpgsql;

CREATE TRIGGER billing_posting_append_only BEFORE UPDATE OR DELETE ON billing_posting
    FOR EACH ROW EXECUTE FUNCTION billing_append_only();
CREATE TRIGGER billing_journalentry_append_only BEFORE UPDATE OR DELETE ON billing_journalentry
    FOR EACH ROW EXECUTE FUNCTION billing_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS billing_journalentry_append_only ON billing_journalentry;
DROP TRIGGER IF EXISTS billing_posting_append_only ON billing_posting;
DROP FUNCTION IF EXISTS billing_append_only();
DROP TRIGGER IF EXISTS billing_posting_balanced ON billing_posting;
DROP FUNCTION IF EXISTS billing_posting_balanced();
"""


def _run(schema_editor, sql: str) -> None:
    # A plain cursor without parameters: the PL/pgSQL bodies use % placeholders of their own.
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(sql)


def forward(apps, schema_editor):
    _run(schema_editor, FORWARD)


def backward(apps, schema_editor):
    _run(schema_editor, BACKWARD)


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_ledger_invoices_payouts_bonuses")]

    operations = [migrations.RunPython(forward, backward)]
