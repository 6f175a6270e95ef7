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


@pytest.mark.services("postgres")
def test_postgres_refuses_a_delete(entry):
    assert connection.vendor == "postgresql"
    with pytest.raises(DatabaseError), transaction.atomic():
        AccessLog.objects.filter(pk=entry.pk).delete()
    assert AccessLog.objects.filter(pk=entry.pk).exists()
