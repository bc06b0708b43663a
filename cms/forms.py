from __future__ import annotations

from django import forms

from .models import PlaybookPage


class SearchForm(forms.Form):
    q = forms.CharField(label="Search playbooks", max_length=200, required=False)


class CopyTemplateForm(forms.Form):
    template = forms.ModelChoiceField(queryset=PlaybookPage.objects.none(), label="Shared template")
    title = forms.CharField(
        max_length=255, required=False, help_text="Leave empty for “<your store>: <template title>”."
    )

    def __init__(self, *args, templates=None, **kwargs):
        super().__init__(*args, **kwargs)
        if templates is not None:
            self.fields["template"].queryset = templates
