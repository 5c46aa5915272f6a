"""PostgreSQL: refuse, at commit, any journal entry whose debits differ from its credits.

A deferred constraint trigger on journal lines re-checks every entry touched by the transaction when
it commits (after all lines are in). SQLite has no deferred triggers; there the service
(``fund.rules.validate_lines``) and the ledger-wide scan in the tests are the guard.
"""

from django.db import migrations

CREATE = [
    """
CREATE OR REPLACE FUNCTION fund_check_entry_balanced() RETURNS trigger AS $$
DECLARE
    gap numeric;
BEGIN
    SELECT COALESCE(SUM(debit), 0) - COALESCE(SUM(credit), 0) INTO gap
      FROM fund_journalline WHERE entry_id = NEW.entry_id;
    IF gap <> 0 THEN
        RAISE EXCEPTION 'journal entry % is unbalanced (debits - credits = %)', NEW.entry_id, gap
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql""",
    """CREATE CONSTRAINT TRIGGER fund_journalline_balanced
    AFTER INSERT OR UPDATE ON fund_journalline
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION fund_check_entry_balanced()""",
    """CREATE OR REPLACE FUNCTION fund_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the fund ledger is append-only: post a reversal instead'
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql""",
    """CREATE TRIGGER fund_journalline_append_only BEFORE UPDATE OR DELETE ON fund_journalline
    FOR EACH ROW EXECUTE FUNCTION fund_refuse_change()""",
]

DROP = [
    "DROP TRIGGER IF EXISTS fund_journalline_append_only ON fund_journalline",
    "DROP TRIGGER IF EXISTS fund_journalline_balanced ON fund_journalline",
    "DROP FUNCTION IF EXISTS fund_refuse_change()",
    "DROP FUNCTION IF EXISTS fund_check_entry_balanced()",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in CREATE:
            schema_editor.execute(sql, None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in DROP:
            schema_editor.execute(sql, None)


class Migration(migrations.Migration):
    dependencies = [("fund", "0002_chart_of_accounts")]
    operations = [migrations.RunPython(forwards, backwards)]
