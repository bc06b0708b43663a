"""Grades for the default rubric used across the tests."""

from qa_scoring.services import Grade

PERFECT = {
    "greeting": Grade(1),
    "real_need": Grade(5),
    "correct_resolution": Grade(5),
    "first_contact_resolution": Grade(1),
    "explains_next_steps": Grade(5),
    "sets_expectations": Grade(1),
    "empathy_patience": Grade(5),
    "positive_wording": Grade(5),
    "stays_calm": Grade(1),
    "confirmed_closing": Grade(1),
    "response_24h": Grade(1),
    "no_personal_data": Grade(1),
    "marketplace_policy": Grade(1),
    "refund_authority": Grade(1),
}

# Rated weight 84 (two N/A), earned 66.5 → 79.1666… → 79.17
MIXED = {
    **PERFECT,
    "greeting": Grade(0, comment="No name used."),
    "real_need": Grade(4),
    "first_contact_resolution": Grade(None, na=True),
    "explains_next_steps": Grade(3, comment="Did not say when the refund lands."),
    "positive_wording": Grade(4),
    "stays_calm": Grade(None, na=True),
}


def form_data(grades, action="submit", comment=""):
    """The review form's POST body for these grades."""
    data = {"action": action, "comment": comment}
    for key, grade in grades.items():
        data[f"value_{key}"] = "na" if grade.na else ("" if grade.value is None else str(grade.value))
        data[f"comment_{key}"] = grade.comment
    return data
