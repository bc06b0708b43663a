import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.contrib.contenttypes.models import ContentType
from django.core import signing
from django.db import models
from django.db.models.functions import Lower
from django.utils.text import slugify
from django.utils.timezone import now


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person. Logs in with an e-mail address; what they may do comes from memberships, groups and profiles."""

    username = None
    last_name = None
    email = models.EmailField("e-mail address", unique=True)
    full_name = models.CharField(max_length=150, blank=True)
    timezone = models.CharField(max_length=64, default="UTC", help_text="IANA name, e.g. Asia/Manila")

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []
    objects = UserManager()

    class Meta:
        ordering = ["email"]
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        """What the Wagtail admin (and Django's) shows for this person: the name, else the e-mail address."""
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.display_name

    # One full name instead of first and last names. Read-only stand-in for code that greets people by their
    # first name (the Wagtail admin's sidebar); values written to it (allauth's signup offers none) are ignored.
    @property
    def first_name(self) -> str:
        return self.display_name

    @first_name.setter
    def first_name(self, value) -> None:
        pass

    @property
    def display_name(self) -> str:
        return self.full_name or self.email.split("@")[0]


class Organization(models.Model):
    """A seller company: the tenant boundary."""

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=140, unique=True)
    timezone = models.CharField(max_length=64, default="UTC")
    currency = models.CharField(max_length=3, default="USD")
    created_at = models.DateTimeField(default=now, editable=False)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def slug_base(name: str) -> str:
        return slugify(name)[:120] or "organization"


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    MANAGER = "manager", "Manager"
    REVIEWER = "reviewer", "Reviewer"
    VIEWER = "viewer", "Viewer"


# Roles that may change the organization's people, keys and settings.
ADMIN_ROLES = (Role.OWNER,)
# Roles that may run day-to-day seller work (jobs, offers, approvals, billing).
MANAGE_ROLES = (Role.OWNER, Role.MANAGER)


class Membership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.VIEWER)
    created_at = models.DateTimeField(default=now, editable=False)

    class Meta:
        ordering = ["organization__name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="membership_unique_user_org"),
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="membership_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.organization} ({self.role})"


def _token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


INVITATION_SALT = "shiftdesk.invitation"


def _new_nonce() -> str:
    return secrets.token_hex(16)


class InvitationStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    ACCEPTED = "accepted", "Accepted"
    REVOKED = "revoked", "Revoked"
    EXPIRED = "expired", "Expired"


class Invitation(models.Model):
    """An owner's invitation for an e-mail address to join the organization with a role.

    The link carries a token signed with SECRET_KEY over the invitation id and a random nonce, so no secret
    is stored or queued, and revoking or accepting the invitation kills the link.
    """

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=16, choices=Role.choices)
    nonce = models.CharField(max_length=32, default=_new_nonce, editable=False)
    status = models.CharField(max_length=16, choices=InvitationStatus.choices, default=InvitationStatus.PENDING)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=now, editable=False)
    expires_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                "organization",
                condition=models.Q(status="pending"),
                name="invitation_one_pending_per_email",
            ),
            models.CheckConstraint(condition=models.Q(role__in=Role.values), name="invitation_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.organization} ({self.status})"

    @property
    def token(self) -> str:
        # No timestamp in the signature: the same invitation always has the same link; expiry is expires_at.
        return signing.Signer(salt=INVITATION_SALT).sign_object({"i": self.pk, "n": self.nonce}, compress=True)

    @classmethod
    def id_from_token(cls, token: str) -> tuple[int, str] | None:
        """(id, nonce) from a link's token, or None when it was not signed by us."""
        try:
            payload = signing.Signer(salt=INVITATION_SALT).unsign_object(token)
            return int(payload["i"]), str(payload["n"])
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            return None

    @property
    def is_open(self) -> bool:
        return self.status == InvitationStatus.PENDING and self.expires_at > now()


class ApiKey(models.Model):
    """An organization's key for integrations. Shown once; only a hash is kept; acts only inside its org."""

    PREFIX = "sdk"

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=80)
    key_id = models.CharField(max_length=16, unique=True, help_text="Public part, shown in listings")
    key_hash = models.CharField(max_length=64)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(default=now, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.PREFIX}_{self.key_id}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @classmethod
    def generate(cls) -> tuple[str, str, str]:
        """Return (full key, key id, hash)."""
        key_id = secrets.token_hex(6)
        secret = secrets.token_urlsafe(32)
        full = f"{cls.PREFIX}_{key_id}_{secret}"
        return full, key_id, _token_hash(full)

    @staticmethod
    def hash_key(full: str) -> str:
        return _token_hash(full)


class AuditEvent(models.Model):
    """Append-only history: who did what to which object, when."""

    created_at = models.DateTimeField(default=now, editable=False, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(max_length=160, help_text="Who acted, kept even if the user is deleted")
    organization = models.ForeignKey(
        Organization, on_delete=models.SET_NULL, null=True, blank=True, related_name="audit_events"
    )
    action = models.CharField(max_length=80, db_index=True)
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    target_label = models.CharField(max_length=200, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id", "created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.target_label}"
