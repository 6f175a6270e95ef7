"""User.two_factor_stamp: a copy of the stamp of the user's confirmed second factors, filled in
for users who already have some, so that tokens issued before keep working."""

from collections import defaultdict

from django.db import migrations, models


def fill_stamps(apps, schema_editor):
    from accounts.otp import stamp_of_devices

    User = apps.get_model("accounts", "User")
    ids = defaultdict(list)
    for label, model in (
        ("otp_totp.totpdevice", apps.get_model("otp_totp", "TOTPDevice")),
        ("otp_static.staticdevice", apps.get_model("otp_static", "StaticDevice")),
    ):
        for device_id, user_id in model.objects.filter(confirmed=True).values_list("id", "user_id"):
            ids[user_id].append(f"{label}/{device_id}")  # django-otp's persistent_id
    for user_id, persistent_ids in ids.items():
        User.objects.filter(pk=user_id).update(two_factor_stamp=stamp_of_devices(persistent_ids))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_token_stamps"),
        ("otp_totp", "0003_add_timestamps"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="two_factor_stamp",
            field=models.CharField(blank=True, default="", editable=False, max_length=32),
        ),
        migrations.RunPython(fill_stamps, migrations.RunPython.noop),
    ]
