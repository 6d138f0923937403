"""The application never updates or deletes an audit row (shared/SECURITY.md 16)."""

import re
from pathlib import Path

import huiliu

SOURCE = Path(huiliu.__file__).parent

# An ORM write on the audit model, or raw SQL that changes its table.
ORM_WRITE = re.compile(r"AuditEvent\b[^\n;]*\.(?:update|delete|bulk_update|update_or_create)\(")
SQL_WRITE = re.compile(r"\b(?:UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?)\s+[\"'`]?audit_auditevent", re.IGNORECASE)


def audit_writes_in(text: str) -> list[str]:
    return ORM_WRITE.findall(text) + SQL_WRITE.findall(text)


def test_the_scan_recognises_the_ways_to_change_an_audit_row():
    assert audit_writes_in("AuditEvent.objects.filter(id=1).update(username='x')")
    assert audit_writes_in("AuditEvent.objects.all().delete()")
    assert audit_writes_in('cursor.execute("DELETE FROM audit_auditevent WHERE id = %s")')
    assert audit_writes_in("cursor.execute('update \"audit_auditevent\" set detail = 1')")
    assert not audit_writes_in("AuditEvent.objects.filter(event='view').count()")


def test_no_module_of_the_application_updates_or_deletes_audit_rows():
    offenders = {
        str(path.relative_to(SOURCE)): hits
        for path in SOURCE.rglob("*.py")
        if "migrations" not in path.parts and (hits := audit_writes_in(path.read_text(encoding="utf-8")))
    }

    assert offenders == {}


def test_rows_are_only_ever_inserted_by_the_one_append_function():
    creators = [
        str(path.relative_to(SOURCE))
        for path in SOURCE.rglob("*.py")
        if re.search(r"AuditEvent\b[^\n]*\.(?:create|bulk_create|get_or_create)\(|(?<!class )AuditEvent\(", path.read_text(encoding="utf-8"))
    ]

    assert creators == ["audit/actions.py"]

