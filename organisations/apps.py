from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    """What spans clinics and gyms: partnerships, who the caller is, the trainer directory and the
    organisation admins' staff page."""

    name = "organisations"
    verbose_name = "Organisations"
