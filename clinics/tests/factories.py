import factory

from accounts.tests.factories import UserFactory
from clinics.models import Clinic, ClinicMembership, Patient


class ClinicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Clinic

    name = factory.Sequence(lambda n: f"Clinic {n} Physical Therapy")
    time_zone = "America/New_York"


class ClinicMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClinicMembership

    clinic = factory.SubFactory(ClinicFactory)
    user = factory.SubFactory(UserFactory)
    role = ClinicMembership.Role.THERAPIST
    licence_number = factory.Sequence(lambda n: f"PT-{10000 + n}")
    credential = ClinicMembership.Credential.DPT


class ClinicAdminFactory(ClinicMembershipFactory):
    role = ClinicMembership.Role.ADMIN
    is_admin = True
    licence_number = ""
    credential = ""


class PatientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Patient

    clinic = factory.SubFactory(ClinicFactory)
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.Sequence(lambda n: f"patient{n}@example.test")
    phone = "555-0100"
    date_of_birth = factory.Faker("date_of_birth", minimum_age=18, maximum_age=80)
    emergency_contact = "Sam Doe, 555-0199"
