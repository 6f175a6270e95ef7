"""The access log: append-only in the model and in the database, and written one row per object."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from audit.models import AccessLog, AppendOnlyError
from audit.services import record_accesses

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(therapist):
    return AccessLog.objects.create(
        actor=therapist, action="read", object_type="handoff", object_id=1
    )


def test_the_model_refuses_to_change_or_delete_an_entry(entry):
    entry.action = "edited"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()


def test_the_database_refuses_an_update(entry):
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLog.objects.filter(pk=entry.pk).update(action="edited")
    entry.refresh_from_db()
    assert entry.action == "read"


def test_the_database_refuses_a_delete_on_any_database(entry):
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLog.objects.filter(pk=entry.pk).delete()
    assert AccessLog.objects.filter(pk=entry.pk).exists()


# serialized_rollback: the test's own flush recreates the content types; the runner's flush after
# it must then leave the database as the next transactional test expects to restore it.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_deliberate_whole_database_flush_still_empties_the_log(therapist):
    """The test runner's flush (and an operator's ``manage.py flush``) is the one way out."""
    from django.core.management import call_command

    AccessLog.objects.create(actor=therapist, action="read", object_type="handoff", object_id=1)

    call_command("flush", interactive=False, verbosity=0)

    assert not AccessLog.objects.exists()
    AccessLog.objects.create(actor=_user(), action="read", object_type="handoff", object_id=1)
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLog.objects.all().delete()  # the trigger is back after the flush


def _user():
    from accounts.tests.factories import UserFactory

    return UserFactory()


@pytest.mark.services("postgres")
def test_postgres_refuses_a_delete(entry):
    assert connection.vendor == "postgresql"
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLog.objects.filter(pk=entry.pk).delete()
    assert AccessLog.objects.filter(pk=entry.pk).exists()


def test_record_accesses_writes_one_row_per_object_with_who_what_when_and_where(therapist, rf):
    request = rf.get("/", REMOTE_ADDR="203.0.113.7")
    request.user = therapist

    written = record_accesses(
        request, action="list", objects={"handoff": [3, 5], "patient": [8], "restriction": []}
    )

    assert written == 3
    rows = list(
        AccessLog.objects.order_by("object_type", "object_id").values_list(
            "actor_id", "action", "object_type", "object_id", "client_address"
        )
    )
    assert rows == [
        (therapist.pk, "list", "handoff", 3, "203.0.113.7"),
        (therapist.pk, "list", "handoff", 5, "203.0.113.7"),
        (therapist.pk, "list", "patient", 8, "203.0.113.7"),
    ]
    assert len({entry.at for entry in AccessLog.objects.all()}) == 1


def test_record_accesses_with_nothing_to_record_writes_nothing(therapist, rf):
    request = rf.get("/")
    request.user = therapist

    with CaptureQueriesContext(connection) as queries:
        assert record_accesses(request, action="list", objects={"handoff": []}) == 0

    assert len(queries) == 0
