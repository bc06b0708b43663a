"""SOP playbooks: Playbooks index → Playbook (shared template or one seller's) → SOP page.

Who may read a page is decided in ``cms/selectors.py`` and enforced in ``serve``; who may edit it in the Wagtail
admin is decided by Wagtail page permissions, which ``cms/services.py`` keeps in step with organizations.
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from django.utils import timezone
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from accounts.models import Organization

from .blocks import SOPStreamBlock


class Channel(models.TextChoices):
    AMAZON = "amazon", "Amazon"
    SHOPIFY = "shopify", "Shopify"
    EBAY = "ebay", "eBay"
    WALMART = "walmart", "Walmart"
    ETSY = "etsy", "Etsy"
    EMAIL = "email", "E-mail"
    CHAT = "chat", "Live chat"
    PHONE = "phone", "Phone"


# First path segments under /playbooks/ used by the playbooks area's own views (cms/urls.py).
RESERVED_SLUGS = frozenset({"search", "copy", "pages", "coaching"})


class ScopedServeMixin:
    """Serve a page only to actors whose scope contains it: anonymous → login, others' pages → 404."""

    def serve(self, request, *args, **kwargs):
        from accounts.access import scoped

        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not scoped(type(self), request.user).filter(pk=self.pk).exists():
            raise Http404("No playbook page matches the given query.")
        return super().serve(request, *args, **kwargs)


class PlaybookIndexPage(ScopedServeMixin, Page):
    intro = models.TextField(blank=True)

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["cms.PlaybookPage"]
    max_count = 1
    content_panels = [*Page.content_panels, FieldPanel("intro")]
    template = "cms/playbook_index_page.html"

    def get_context(self, request, *args, **kwargs):
        from . import selectors

        context = super().get_context(request, *args, **kwargs)
        context["playbooks"] = selectors.playbook_list(actor=request.user)
        return context


class PlaybookPageForm(WagtailAdminPageForm):
    """Channels are a list stored as JSON, edited as check boxes."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channels"] = forms.MultipleChoiceField(
            choices=Channel.choices, widget=forms.CheckboxSelectMultiple, required=False
        )


def validate_channels(value) -> None:
    if not isinstance(value, list) or any(v not in Channel.values for v in value):
        raise ValidationError(f"Channels must be a list of: {', '.join(Channel.values)}.")


class PlaybookPage(ScopedServeMixin, Page):
    """A shared template (no owner organization) or one seller's playbook."""

    owner_organization = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="playbooks",
        editable=False,
        help_text="Empty = a shared template every seller and approved freelancer can read.",
    )
    description = models.TextField(blank=True)
    channels = models.JSONField(default=list, blank=True, validators=[validate_channels])

    parent_page_types = ["cms.PlaybookIndexPage"]
    subpage_types = ["cms.SOPPage"]
    base_form_class = PlaybookPageForm
    content_panels = [*Page.content_panels, FieldPanel("description"), FieldPanel("channels")]
    search_fields = [*Page.search_fields, index.SearchField("description"), index.FilterField("owner_organization")]
    template = "cms/playbook_page.html"

    def clean(self):
        super().clean()
        if self.slug in RESERVED_SLUGS:
            raise ValidationError({"slug": f"“{self.slug}” is reserved for the playbooks area; choose another."})

    @property
    def is_shared(self) -> bool:
        return self.owner_organization_id is None

    def channel_labels(self) -> list[str]:
        labels = dict(Channel.choices)
        return [labels.get(c, c) for c in self.channels or []]

    def with_content_json(self, content):
        # Ownership is decided by services, never by an old revision being published again.
        obj = super().with_content_json(content)
        obj.owner_organization_id = self.owner_organization_id
        return obj

    def get_context(self, request, *args, **kwargs):
        from . import selectors

        context = super().get_context(request, *args, **kwargs)
        context["sop_pages"] = selectors.sop_page_list(actor=request.user, playbook=self)
        return context


class SOPPageTag(TaggedItemBase):
    content_object = ParentalKey("cms.SOPPage", related_name="tagged_items", on_delete=models.CASCADE)


def default_review_by() -> dt.date:
    return timezone.now().date() + dt.timedelta(days=settings.SOP_REVIEW_INTERVAL_DAYS)


class SOPPage(ScopedServeMixin, Page):
    """One procedure. The page's Wagtail ``owner`` is the person responsible for keeping it right."""

    summary = models.TextField(blank=True, help_text="One or two sentences: when to use this procedure.")
    body = StreamField(SOPStreamBlock(), blank=True)
    tags = ClusterTaggableManager(through=SOPPageTag, blank=True)
    review_by = models.DateField(default=default_review_by, help_text="Re-check this procedure by this date.")
    reviewed_at = models.DateTimeField(null=True, blank=True, editable=False)

    parent_page_types = ["cms.PlaybookPage"]
    subpage_types: list[str] = []
    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                FieldPanel("tags"),
                # A native date input: Wagtail's date chooser starts from an inline script, which our CSP blocks.
                FieldPanel("review_by", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")),
            ],
            heading="Upkeep",
        ),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.RelatedFields("tags", [index.SearchField("name")]),
        index.FilterField("review_by"),
    ]
    template = "cms/sop_page.html"

    def with_content_json(self, content):
        obj = super().with_content_json(content)
        obj.reviewed_at = self.reviewed_at
        return obj

    def get_context(self, request, *args, **kwargs):
        from .services import can_maintain

        context = super().get_context(request, *args, **kwargs)
        context["can_maintain"] = can_maintain(request.user, self)
        context["review_interval"] = settings.SOP_REVIEW_INTERVAL_DAYS
        return context

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return self.review_by < (today or timezone.now().date())

    def numbered_blocks(self) -> list[tuple[object, int | None]]:
        """(block, step number or None); a run of consecutive steps counts 1, 2, 3…"""
        out, n = [], 0
        for block in self.body:
            if block.block_type == "step":
                n += 1
                out.append((block, n))
            else:
                if block.block_type == "section":
                    n = 0
                out.append((block, None))
        return out

    def anchors(self) -> list[str]:
        return [b.value["anchor"] for b in self.body if b.block_type == "section" and b.value.get("anchor")]


class PageCopyLink(models.Model):
    """A seller's copy of a shared template page and where it came from (kept out of page revisions).

    The link of a copied playbook names the seller, so one seller holds at most one copy of each template:
    a second click (or a double submit racing the first) finds the first copy instead of making another.
    """

    page = models.OneToOneField(Page, on_delete=models.CASCADE, related_name="copy_link")
    origin = models.ForeignKey(Page, null=True, on_delete=models.SET_NULL, related_name="copies")
    organization = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="template_copies",
        help_text="Set on the copied playbook's own link (not its pages'): the seller that copied the template.",
    )
    synced_at = models.DateTimeField(help_text="When the copy last matched its origin.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["origin", "organization"], name="cms_one_copy_per_template_and_seller")
        ]

    def __str__(self) -> str:
        return f"{self.page_id} ← {self.origin_id}"

    def origin_changed(self) -> bool:
        """True once the origin was published again after the copy was taken (or last acknowledged)."""
        published = self.origin.last_published_at if self.origin_id else None
        return bool(published and published > self.synced_at)


class PlaybookSpace(models.Model):
    """A seller's editing space: its Wagtail group (owners and managers) and default playbook."""

    organization = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="playbook_space")
    group = models.OneToOneField(Group, on_delete=models.PROTECT, related_name="playbook_space")
    playbook = models.ForeignKey(PlaybookPage, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Playbook space of {self.organization}"


class ReviewReminder(models.Model):
    """One reminder per SOP page per period (the Monday of the week it was sent). The unique row is the claim."""

    page = models.ForeignKey(SOPPage, on_delete=models.CASCADE, related_name="review_reminders")
    period = models.DateField()
    review_by = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-period"]
        constraints = [models.UniqueConstraint(fields=["page", "period"], name="cms_one_reminder_per_page_period")]

    def __str__(self) -> str:
        return f"{self.page_id} @ {self.period}"
