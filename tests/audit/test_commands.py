"""`huiliu audit_verify`: an intact chain passes; a row changed or removed in the database is named."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from huiliu.audit.actions import record_event
from huiliu.audit.chain import chained_fields, row_digest
from huiliu.audit.models import AuditEvent


@pytest.fixture
def chain(db):
    """Five rows; the middle one names a user and carries a detail."""
    rows = [record_event(actor=None, event="login_failed", outcome=AuditEvent.Outcome.FAILED, username=f"user{n}",
                         detail={"n": n}) for n in range(5)]
    return [row.id for row in rows]


def named_ids(message: str) -> set[int]:
    return {int(n) for n in re.findall(r"\d+", message)}


def verify() -> str:
    out = StringIO()
    call_command("audit_verify", stdout=out)
    return out.getvalue()


def raw_sql(statement: str, params) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        assert cursor.rowcount == 1


def test_an_intact_chain_passes_and_counts_its_rows(chain):
    assert named_ids(verify()) == {5}


def test_an_empty_chain_passes(db):
    assert named_ids(verify()) == {0}


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("username", "someone-else"),
        ("detail", '{"n": 99}'),
        ("outcome", "success"),
        ("event", "login"),
        ("client_address", "10.0.0.1"),
        ("office", 370114000000),
    ],
)
def test_a_middle_row_altered_in_the_database_is_named(chain, column, value):
    middle = chain[2]
    raw_sql(f"UPDATE audit_auditevent SET {column} = %s WHERE id = %s", [value, middle])

    with pytest.raises(CommandError) as broken:
        verify()
    assert middle in named_ids(str(broken.value))


def test_a_row_altered_with_its_hash_recomputed_under_a_guessed_key_is_still_named(chain):
    middle = AuditEvent.objects.get(id=chain[2])
    middle.detail = {"n": 99}
    with override_settings(HUILIU_AUDIT_KEY="a guess at the key"):
        forged = row_digest(middle.prev_hash, chained_fields(middle))
    raw_sql("UPDATE audit_auditevent SET detail = %s, hash = %s WHERE id = %s", ['{"n": 99}', forged, middle.id])

    with pytest.raises(CommandError) as broken:
        verify()
    assert middle.id in named_ids(str(broken.value))


def test_the_same_rewrite_with_the_real_key_would_pass_so_the_key_is_what_protects_the_chain(chain):
    # The counterpart of the test above: the check is only as strong as the key's secrecy.
    rows = list(AuditEvent.objects.order_by("id"))
    rows[-1].detail = {"n": 99}
    rewritten = row_digest(rows[-1].prev_hash, chained_fields(rows[-1]))
    raw_sql("UPDATE audit_auditevent SET detail = %s, hash = %s WHERE id = %s", ['{"n": 99}', rewritten, rows[-1].id])

    assert named_ids(verify()) == {5}


def test_a_deleted_middle_row_breaks_the_chain_at_the_row_after_it(chain):
    raw_sql("DELETE FROM audit_auditevent WHERE id = %s", [chain[2]])

    with pytest.raises(CommandError) as broken:
        verify()
    assert chain[3] in named_ids(str(broken.value))


def test_a_row_put_in_place_of_a_removed_one_without_the_key_is_named(chain):
    original = AuditEvent.objects.get(id=chain[2])
    raw_sql("DELETE FROM audit_auditevent WHERE id = %s", [original.id])
    replacement = AuditEvent.objects.get(id=chain[1])
    replacement.id, replacement.prev_hash, replacement.hash = original.id, original.prev_hash, "f" * 64
    replacement.save(force_insert=True)

    with pytest.raises(CommandError) as broken:
        verify()
    assert original.id in named_ids(str(broken.value))


def test_rows_appended_after_a_check_keep_the_chain_intact(chain):
    verify()
    record_event(actor=None, event="later")

    assert named_ids(verify()) == {6}


def test_moving_a_row_to_another_persons_place_in_the_database_is_named(db):
    rows = [record_event(actor=None, event="view", object_type="person", object_id=str(n),
                         subject_codes=(370114001001, 440306001001)) for n in range(3)]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET subject_residence = %s WHERE id = %s", [330106001001, rows[1].id])

    with pytest.raises(CommandError, match=rf"\b{rows[1].id}\b"):
        call_command("audit_verify", stdout=StringIO())
