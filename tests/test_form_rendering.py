"""Every form field renders through templates/includes/field.html: label, help and errors inline and linked."""

from __future__ import annotations

import json
import re
from html import unescape

import pytest
from django import forms
from django.template.loader import render_to_string


class SampleForm(forms.Form):
    name = forms.CharField(help_text="As on your ID.")
    kind = forms.ChoiceField(choices=[("a", "Seller"), ("b", "Freelancer")], widget=forms.RadioSelect, help_text="Pick")
    skills = forms.MultipleChoiceField(
        choices=[("chat", "Live chat"), ("mail", "E-mail")], widget=forms.CheckboxSelectMultiple, required=False
    )
    agree = forms.BooleanField(label="I agree")


def render(form, name: str) -> str:
    return re.sub(r"\s+", " ", render_to_string("includes/field.html", {"field": form[name]}))


def invalid_form() -> SampleForm:
    form = SampleForm(data={"skills": ["chat"]})
    assert not form.is_valid()
    form.add_error("name", "Use letters only.")
    return form


def test_a_text_input_points_at_its_help_and_its_errors():
    html = render(invalid_form(), "name")
    assert 'aria-invalid="true"' in html and 'aria-describedby="id_name_helptext id_name_error"' in html
    assert '<small id="id_name_helptext">As on your ID.</small>' in html
    # Two errors, one element: the id the input points at exists exactly once.
    assert '<small class="error" id="id_name_error">This field is required. Use letters only.</small>' in html
    assert html.count('id="id_name_error"') == 1
    assert '<label for="id_name">Name <span aria-hidden="true">*</span></label>' in html


def test_radio_buttons_are_a_fieldset_named_by_its_legend_with_errors_linked():
    html = render(invalid_form(), "kind")
    fieldset = re.search(r"<fieldset [^>]*>", html).group(0)
    assert fieldset == '<fieldset id="id_kind" aria-invalid="true" aria-describedby="id_kind_helptext id_kind_error">'
    assert '<legend>Kind <span aria-hidden="true">*</span></legend>' in html
    assert (
        '<label for="id_kind_0"><input type="radio" name="kind" value="a" id="id_kind_0" required aria-invalid="true">'
        " Seller</label>"
    ) in html
    assert '<small class="error" id="id_kind_error">This field is required.</small>' in html


def test_checkbox_groups_are_fieldsets_too_and_keep_their_choices():
    html = render(invalid_form(), "skills")
    assert '<fieldset id="id_skills">' in html and "<legend>Skills</legend>" in html
    assert 'id="id_skills_0" checked> Live chat</label>' in html
    assert 'id="id_skills_1"> E-mail</label>' in html
    assert "aria-describedby" not in html  # no help, no error: nothing to point at
    assert '<label for="">' not in html  # a group has no single input to label


def test_a_single_checkbox_is_labelled_by_its_text():
    html = render(invalid_form(), "agree")
    assert re.search(
        r'<label for="id_agree"><input type="checkbox" name="agree" [^>]*id="id_agree"[^>]*> I agree</label>', html
    )
    assert 'aria-describedby="id_agree_error"' in html


@pytest.mark.django_db
def test_htmx_swaps_successes_and_leaves_errors_alone(client):
    """A refused HTMX form reaches htmx as 200 with X-Form-Refused (config/refused_forms.py, tested in
    tests/test_refused_forms.py), so htmx needs no rule for 400: every 4xx/5xx is an error, never swapped."""
    page = client.get("/accounts/login/").content.decode()
    config = json.loads(unescape(re.search(r'<meta name="htmx-config" content=\'([^\']+)\'>', page).group(1)))
    rules = config["responseHandling"]

    def rule_for(status: int) -> dict:
        return next(r for r in rules if re.search(r["code"], str(status)))

    assert [(code, rule_for(code)["swap"]) for code in (200, 204, 400, 422, 403, 404, 500)] == [
        (200, True),
        (204, False),
        (400, False),
        (422, False),
        (403, False),
        (404, False),
        (500, False),
    ]
    assert all(rule_for(code)["error"] is True for code in (400, 403, 404, 500))
