import datetime

import factory
from django.utils import timezone

from accounts.tests.factories import UserFactory
from gyms.models import Certification, Gym, GymMembership


class GymFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Gym

    name = factory.Sequence(lambda n: f"Gym {n} Strength")
    time_zone = "America/New_York"


class TrainerMembershipFactory(factory.django.DjangoModelFactory):
    """A trainer holding one certification valid for a year."""

    class Meta:
        model = GymMembership
        skip_postgeneration_save = True

    gym = factory.SubFactory(GymFactory)
    user = factory.SubFactory(UserFactory)
    role = GymMembership.Role.TRAINER
    specialties = factory.LazyFunction(lambda: ["post_rehab", "strength"])
    capacity = 5
    certification = factory.RelatedFactory(
        "gyms.tests.factories.CertificationFactory", factory_related_name="trainer"
    )


class GymAdminFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GymMembership

    gym = factory.SubFactory(GymFactory)
    user = factory.SubFactory(UserFactory)
    role = GymMembership.Role.ADMIN
    is_admin = True
    capacity = 0


class CertificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Certification

    trainer = factory.SubFactory(TrainerMembershipFactory, certification=None)
    body = Certification.Body.NSCA_CPT
    number = factory.Sequence(lambda n: f"C-{50000 + n}")
    expires_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=365))
