"""Purpose-built StreamField blocks for SOP pages. Each renders through its own template in templates/cms/blocks/."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from wagtail import blocks

# Placeholders an agent fills in before sending a canned reply; anything else is a typo the editor must fix.
PLACEHOLDERS = ("customer_name", "order_id", "product_name", "agent_name", "store_name", "tracking_number")
PLACEHOLDER_RE = re.compile(r"\{([^{}]*)\}")


def unknown_placeholders(text: str) -> list[str]:
    return sorted({name for name in PLACEHOLDER_RE.findall(text or "") if name not in PLACEHOLDERS})


class SectionBlock(blocks.StructBlock):
    """A heading that other pages (and QA criteria) can link to with #anchor."""

    heading = blocks.CharBlock(max_length=120)
    anchor = blocks.RegexBlock(
        regex=r"^[a-z0-9][a-z0-9-]*$",
        max_length=60,
        required=False,
        help_text="Lower-case letters, digits and hyphens, e.g. refunds. QA criteria link to it with #anchor.",
        error_messages={"invalid": "Use lower-case letters, digits and hyphens only."},
    )

    class Meta:
        icon = "title"
        template = "cms/blocks/section.html"


class StepBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=160)
    detail = blocks.TextBlock(required=False)

    class Meta:
        icon = "list-ol"
        template = "cms/blocks/step.html"
        help_text = "Consecutive steps are numbered 1, 2, 3…"


class DecisionBlock(blocks.StructBlock):
    condition = blocks.CharBlock(max_length=240, label="If")
    action = blocks.TextBlock(label="Then")
    otherwise = blocks.TextBlock(required=False, label="Otherwise")

    class Meta:
        icon = "help"
        template = "cms/blocks/decision.html"


class CannedReplyBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=120)
    text = blocks.TextBlock(
        help_text="Placeholders in braces are filled in by the agent: " + ", ".join("{" + p + "}" for p in PLACEHOLDERS)
    )

    class Meta:
        icon = "openquote"
        template = "cms/blocks/canned_reply.html"

    def clean(self, value):
        value = super().clean(value)
        unknown = unknown_placeholders(value.get("text"))
        if unknown:
            raise blocks.StructBlockValidationError(
                block_errors={
                    "text": ValidationError(
                        "Unknown placeholder(s): "
                        + ", ".join("{" + u + "}" for u in unknown)
                        + ". Use one of: "
                        + ", ".join("{" + p + "}" for p in PLACEHOLDERS)
                        + "."
                    )
                }
            )
        return value


class DoDontBlock(blocks.StructBlock):
    do = blocks.ListBlock(blocks.CharBlock(max_length=240), label="Do")
    dont = blocks.ListBlock(blocks.CharBlock(max_length=240), label="Don't")

    class Meta:
        icon = "tick"
        template = "cms/blocks/do_dont.html"


class EscalationBlock(blocks.StructBlock):
    when = blocks.CharBlock(max_length=240, label="When")
    to_whom = blocks.CharBlock(max_length=160, label="Escalate to")
    within_hours = blocks.IntegerBlock(min_value=1, max_value=720, label="Within (hours)")
    how = blocks.TextBlock(required=False, label="How / what to include")

    class Meta:
        icon = "warning"
        template = "cms/blocks/escalation.html"


class NoteBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(choices=[("note", "Note"), ("warning", "Warning")], default="note")
    text = blocks.TextBlock()

    class Meta:
        icon = "info-circle"
        template = "cms/blocks/note.html"


class SOPStreamBlock(blocks.StreamBlock):
    section = SectionBlock()
    step = StepBlock()
    decision = DecisionBlock()
    canned_reply = CannedReplyBlock()
    do_dont = DoDontBlock()
    escalation = EscalationBlock()
    note = NoteBlock()
