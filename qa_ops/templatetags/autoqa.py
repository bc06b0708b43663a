"""``{% autoqa_suggestions conversation review.rubric_version_id %}``: AutoQA suggestions beside a scorecard.

Templates compose apps; qa_scoring's Python never imports qa_ops. ``static/js/autoqa_prefill.js`` pre-fills the
scorecard's empty criteria from the rendered suggestions and marks them, so the reviewer accepts or overrides.
"""

from django import template

from qa_ops.selectors import suggestions_for

register = template.Library()


@register.inclusion_tag("qa_ops/includes/suggestions.html")
def autoqa_suggestions(conversation, rubric_version_id=None):
    return {"suggestions": suggestions_for(conversation, rubric_version_id=rubric_version_id)}


@register.simple_tag
def autoqa_by_criterion(conversation, rubric_version_id=None):
    """``{% autoqa_by_criterion conversation version_id as autoqa %}``: {criterion key: [suggestions]}, so each
    suggestion and its evidence sit beside the criterion it supports on the scorecard."""
    grouped: dict[str, list] = {}
    for suggestion in suggestions_for(conversation, rubric_version_id=rubric_version_id):
        grouped.setdefault(suggestion.criterion_key, []).append(suggestion)
    return grouped
