"""The access log is append-only, in the model and in the database."""

import pytest
from django.db import DatabaseError, connection, transaction

from audit.models import AccessLog, AppendOnlyError

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
