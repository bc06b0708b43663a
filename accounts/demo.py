"""Demo people and organizations. Idempotent: running it twice changes nothing."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import transaction

from .models import Membership, Organization, Role, User

DEMO_PASSWORD = "shiftdesk-demo"  # noqa: S105 - printed on purpose: demo data only
# A fixed TOTP secret for the demo staff accounts so they can log in (add it to any authenticator app).
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105

SELLERS = [
    ("Northwind Goods", "northwind-goods", "America/New_York", "owner@northwind.example", "Nora Whitfield"),
    ("Lumen Home", "lumen-home", "Europe/Berlin", "owner@lumenhome.example", "Lukas Brandt"),
]
# (e-mail, name, groups, superuser, what the login is for)
STAFF = [
    ("ops@shiftdesk.example", "Olivia Ops", ["ops"], True, "platform ops staff"),
    ("vetting@shiftdesk.example", "Victor Vetting", ["vetting"], False, "platform vetting staff"),
    ("qa@shiftdesk.example", "Quinn Reviewer", ["qa"], False, "platform QA reviewer (reviews, disputes)"),
    # A second reviewer, so every dispute can be resolved by someone other than the review's grader.
    ("qa-lead@shiftdesk.example", "Lena Lindqvist", ["qa"], False, "platform QA lead (second reviewer)"),
]


def _user(email: str, name: str, tz: str = "UTC", **extra) -> User:
    user, created = User.objects.get_or_create(email=email, defaults={"full_name": name, "timezone": tz, **extra})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        from allauth.account.models import EmailAddress

        EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


def _enable_totp(user: User) -> None:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, DEMO_TOTP_SECRET)


@transaction.atomic
def seed(out) -> list[tuple[str, str]]:
    logins: list[tuple[str, str]] = []
    for name, slug, tz, email, person in SELLERS:
        owner = _user(email, person, tz)
        org, _ = Organization.objects.get_or_create(slug=slug, defaults={"name": name, "timezone": tz})
        Membership.objects.get_or_create(user=owner, organization=org, defaults={"role": Role.OWNER})
        logins.append((f"seller owner ({name})", email))
    manager = _user("manager@northwind.example", "Mateo Manager", "America/Chicago")
    Membership.objects.get_or_create(
        user=manager,
        organization=Organization.objects.get(slug="northwind-goods"),
        defaults={"role": Role.MANAGER},
    )
    logins.append(("seller manager (Northwind Goods)", manager.email))
    for email, person, groups, superuser, role in STAFF:
        staff = _user(email, person, is_staff=True, is_superuser=superuser)
        for group in groups:
            staff.groups.add(Group.objects.get_or_create(name=group)[0])
        _enable_totp(staff)
        logins.append((role, email))
    out.write(f"  accounts: {Organization.objects.count()} organizations, {User.objects.count()} users")
    return logins
