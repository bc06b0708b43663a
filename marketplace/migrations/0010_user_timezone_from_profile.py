"""Every freelancer's account reads times in their profile's zone: copy the profile's zone to the account."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def copy_profile_zones(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    FreelancerProfile = apps.get_model("marketplace", "FreelancerProfile")
    zone = FreelancerProfile.objects.filter(user=OuterRef("pk")).values("timezone")[:1]
    User.objects.filter(freelancer_profile__isnull=False).update(timezone=Subquery(zone))


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("marketplace", "0009_profile_worked_minutes"),
    ]

    operations = [migrations.RunPython(copy_profile_zones, migrations.RunPython.noop)]
