"""The form that sets up a calibration session: conversations picked from a searchable, paged list.

The search box and the page buttons post the whole form back (``action=search`` or ``page=N``), so the
conversations already ticked stay ticked while the lead searches for more; nothing is validated until
"Create". Participants must be able to review the session's seller: its owners, managers and reviewers, or
platform QA staff (the only people a platform-wide session takes).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.access import is_user, organization_ids, scoped
from accounts.models import MANAGE_ROLES
from qa_scoring.models import Conversation, RubricVersion
from qa_scoring.selectors import REVIEW_ROLES, can_review_org, is_qa_staff

from .forms import manageable_orgs
from .models import Baseline

User = get_user_model()
PICKER_PAGE_SIZE = 10


def conversation_label(conversation: Conversation) -> str:
    freelancer = conversation.freelancer.user if conversation.freelancer_id else None
    who = (freelancer.full_name or freelancer.email) if freelancer else "—"
    return f"{conversation.subject or _('(no subject)')} · {who} · #{conversation.external_id}"


def _ids(values: list[str]) -> list[int]:
    return sorted({int(v) for v in values if str(v).isdigit()})


class CalibrationSessionForm(forms.Form):
    title = forms.CharField(max_length=160, label=_("Title"))
    organization = forms.ModelChoiceField(
        queryset=None, required=False, label=_("Seller"), help_text=_("Empty: a platform-wide session (QA staff)")
    )
    rubric_version = forms.ModelChoiceField(queryset=None, label=_("Rubric version"))
    q = forms.CharField(
        required=False,
        max_length=100,
        label=_("Search conversations"),
        help_text=_("Title, freelancer or external id; ticked conversations stay ticked while you search"),
    )
    conversations = forms.ModelMultipleChoiceField(
        queryset=None, widget=forms.CheckboxSelectMultiple, label=_("Conversations")
    )
    participants = forms.ModelMultipleChoiceField(
        queryset=None,
        label=_("Participants"),
        help_text=_("The seller's owners, managers and reviewers, or platform QA staff"),
    )
    baseline = forms.ChoiceField(choices=Baseline.choices, initial=Baseline.CONSENSUS, label=_("Baseline"))
    expert = forms.ModelChoiceField(queryset=None, required=False, label=_("Expert (for an expert baseline)"))
    deadline = forms.DateTimeField(
        label=_("Deadline (UTC)"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )

    MULTI = ("conversations", "participants")

    def __init__(self, *args, actor=None, page: int | str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        # The deadline is read in the viewer's zone (active for the request), so the label names it.
        self.fields["deadline"].label = _("Deadline (%(zone)s)") % {"zone": timezone.get_current_timezone_name()}
        self.fields["organization"].queryset = manageable_orgs(actor)
        self.fields["rubric_version"].queryset = scoped(RubricVersion, actor).filter(
            status="published", rubric__kind="production"
        )
        if is_qa_staff(actor):
            people = User.objects.filter(Q(groups__name__in=("qa", "ops")) | Q(memberships__role__in=REVIEW_ROLES))
        elif is_user(actor):
            people = User.objects.filter(
                memberships__organization_id__in=organization_ids(actor, MANAGE_ROLES),
                memberships__role__in=REVIEW_ROLES,
            )
        else:
            people = User.objects.none()
        people = people.distinct().order_by("email")
        self.fields["participants"].queryset = people
        self.fields["expert"].queryset = people
        visible = scoped(Conversation, actor).select_related("freelancer__user")
        self.fields["conversations"].queryset = visible
        self.picker = self._picker(visible, page)

    def _value(self, name: str) -> Any:
        if self.is_bound:
            return self.data.getlist(name) if name in self.MULTI else self.data.get(name)
        return self.initial.get(name)

    def _picker(self, visible, page) -> Any:
        """The page of search results, and the field's choices: the ticked conversations, then that page."""
        query = (self._value("q") or "").strip()[:100]
        results = visible
        org = self._value("organization")
        if org and str(org).isdigit():
            results = results.filter(organization_id=int(org))
        if query:
            results = results.filter(
                Q(subject__icontains=query)
                | Q(external_id__icontains=query)
                | Q(freelancer__user__full_name__icontains=query)
                | Q(freelancer__user__email__icontains=query)
            )
        found = Paginator(results.order_by("-started_at", "-id"), PICKER_PAGE_SIZE).get_page(page)
        ticked = _ids(self._value("conversations") or [])
        chosen = list(visible.filter(pk__in=ticked).order_by("-started_at", "-id")) if ticked else []
        shown = chosen + [c for c in found.object_list if c.pk not in set(ticked)]
        self.fields["conversations"].widget.choices = [(c.pk, conversation_label(c)) for c in shown]
        return found

    @classmethod
    def kept(cls, post, **kwargs) -> CalibrationSessionForm:
        """An unbound form showing what was posted: a search or a page turn keeps the entries, with no errors."""
        names = [name for name in cls.base_fields if name != "q"] + ["q"]
        initial = {name: post.getlist(name) if name in cls.MULTI else post.get(name, "") for name in names}
        return cls(initial=initial, **kwargs)

    def clean_deadline(self):
        value = self.cleaned_data["deadline"]
        if timezone.is_naive(value):
            value = timezone.make_aware(value, dt.UTC)
        return value

    def clean(self):
        data = super().clean()
        people = data.get("participants")
        if people is None or "organization" not in data:
            return data
        org = data["organization"]
        refused = [p.email for p in people if not can_review_org(p, org.pk if org else None)]
        if refused:
            if org is None:
                message = _("A platform-wide session takes platform QA staff only, not: %(people)s.")
            else:
                message = _(
                    "Only %(seller)s's owners, managers and reviewers, or platform QA staff, can take part, "
                    "not: %(people)s."
                )
            self.add_error(
                "participants",
                message % {"seller": org.name if org else "", "people": ", ".join(refused)},
            )
        return data
