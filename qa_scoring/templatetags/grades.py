from __future__ import annotations

from django import template

from qa_scoring.grades import grade_label

register = template.Library()


@register.filter
def grade(value, criterion) -> str:
    """``{{ item.original_value|grade:item.criterion }}`` → "Yes", "No", "N/A" or "3 of 1–5"."""
    return grade_label(value, criterion)
