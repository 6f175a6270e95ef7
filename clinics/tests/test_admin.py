"""The operator's admin pages for clinics, gyms and the exercise library render and search."""

from __future__ import annotations

import pytest

from accounts.tests.factories import UserFactory


@pytest.fixture
def operator_client(client, db):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize(
    "path",
    [
        "/admin/clinics/clinic/?q=river",
        "/admin/clinics/clinicmembership/?q=pt%40riverside",
        "/admin/clinics/patient/?q=morgan",
        "/admin/gyms/gym/?q=iron",
        "/admin/gyms/gymmembership/?role__exact=trainer",
        "/admin/exercises/exercise/?q=squat&impact__exact=low",
        "/admin/organisations/partnership/?status__exact=active",
    ],
)
def test_admin_lists_render_with_search_and_filters(
    operator_client, path, therapist, trainer, patient_record
):
    assert operator_client.get(path).status_code == 200


def test_admin_change_pages_render(operator_client, riverside, trainer, patient_record):
    membership = trainer.gym_membership

    assert operator_client.get(f"/admin/clinics/clinic/{riverside.pk}/change/").status_code == 200
    assert (
        operator_client.get(f"/admin/gyms/gymmembership/{membership.pk}/change/").status_code == 200
    )
    assert (
        operator_client.get(f"/admin/clinics/patient/{patient_record.pk}/change/").status_code
        == 200
    )


def test_exercise_library_is_read_only_in_the_admin(operator_client):
    assert operator_client.get("/admin/exercises/exercise/add/").status_code == 403
