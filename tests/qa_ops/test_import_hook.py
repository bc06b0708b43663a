"""AutoQA runs in the background as soon as an uploaded import finishes."""

import io

import pytest
from django.urls import reverse

from qa_ops.models import AutoQASuggestion
from qa_scoring.models import Conversation

pytestmark = pytest.mark.django_db


def test_finished_import_enqueues_autoqa_for_its_conversations(
    client_for, seller_member, org, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    upload = io.BytesIO(
        b"conversation_id,sent_at,sender_type,sender_name,text\n"
        b"A-1,2026-11-02T09:00:00Z,customer,Jane Doe,My parcel says delivered but it is not here\n"
        b"A-1,2026-11-03T15:00:00Z,agent,Dana,Please write to me at dana.help@gmail.com\n"
    )
    upload.name = "amazon.csv"

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client_for(seller_member).post(reverse("qa_scoring:import"), {"organization": org.pk, "file": upload})

    conversation = Conversation.objects.get(external_id="A-1")
    checks = set(AutoQASuggestion.objects.filter(conversation=conversation).values_list("check_key", flat=True))
    assert "personal_data" in checks and "response_time" in checks
    assert len(callbacks) >= 2  # the import job, then AutoQA for what it stored
