import io

import pytest
from django.urls import reverse

from qa_scoring import services
from qa_scoring.models import Conversation, Dispute, ImportJob, Review, ReviewStatus
from tests.qa_scoring.factories import ConversationFactory
from tests.qa_scoring.grades import MIXED, PERFECT, form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(reviewer, conversation, default_version):
    review = services.review_start(actor=reviewer, conversation=conversation)
    return services.review_submit(actor=reviewer, review=review, grades=MIXED)


def test_reviewer_grades_with_htmx_then_submits(client_for, reviewer, conversation, default_version):
    client = client_for(reviewer)
    response = client.post(reverse("qa_scoring:review_start", args=[conversation.pk]))
    review = Review.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("qa_scoring:review_detail", args=[review.pk])
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert b"My parcel says delivered" in page.content and b'id="scorecard"' in page.content
    draft = client.post(
        response["Location"], form_data({"greeting": PERFECT["greeting"]}, action="draft"), HTTP_HX_REQUEST="true"
    )
    assert draft.status_code == 200
    assert b"draft saved" in draft.content
    assert b"<html" not in draft.content  # a partial
    done = client.post(response["Location"], form_data(MIXED), HTTP_HX_REQUEST="true")
    assert done.status_code == 204
    review.refresh_from_db()
    assert (review.status, str(review.score)) == (ReviewStatus.SUBMITTED, "79.17")


def test_incomplete_submit_shows_errors_inline(client_for, reviewer, conversation, default_version):
    review = services.review_start(actor=reviewer, conversation=conversation)
    grades = dict(PERFECT)
    del grades["real_need"]
    response = client_for(reviewer).post(reverse("qa_scoring:review_detail", args=[review.pk]), form_data(grades))
    assert response.status_code == 400
    assert "Grade this criterion." in response.content.decode()
    review.refresh_from_db()
    assert review.status == ReviewStatus.DRAFT


def test_locked_review_refuses_posts(client_for, reviewer, submitted):
    response = client_for(reviewer).post(reverse("qa_scoring:review_detail", args=[submitted.pk]), form_data(PERFECT))
    assert response.status_code == 403
    submitted.refresh_from_db()
    assert str(submitted.score) == "79.17"


def test_freelancer_cannot_review_own_conversation(client_for, freelancer, conversation, default_version):
    from django.contrib.auth.models import Group

    freelancer.groups.add(Group.objects.get_or_create(name="qa")[0])
    from tests.conftest import give_totp

    give_totp(freelancer)
    response = client_for(freelancer).post(reverse("qa_scoring:review_start", args=[conversation.pk]))
    assert response.status_code == 403
    assert Review.objects.count() == 0


@pytest.mark.parametrize("name", ["conversation_detail", "conversation_export", "review_start"])
def test_other_tenants_conversation_is_404(client_for, outsider, freelancer_no_contract, conversation, name):
    for user in (outsider, freelancer_no_contract):
        client = client_for(user)
        method = client.post if name == "review_start" else client.get
        assert method(reverse(f"qa_scoring:{name}", args=[conversation.pk])).status_code == 404
    assert Review.objects.count() == 0


def test_other_tenants_review_and_dispute_are_404(client_for, outsider, submitted, freelancer):
    dispute = services.dispute_open(actor=freelancer, review=submitted, items={"greeting": "x"})
    client = client_for(outsider)
    for url in (
        reverse("qa_scoring:review_detail", args=[submitted.pk]),
        reverse("qa_scoring:dispute_create", args=[submitted.pk]),
        reverse("qa_scoring:dispute_detail", args=[dispute.pk]),
    ):
        assert client.get(url).status_code == 404
        assert client.post(url, {"outcome": "rejected", "comment": "x"}).status_code == 404
    assert Dispute.objects.get().status == "open"


def test_lists_show_only_own_tenant(client_for, seller_member, outsider, conversation, other_conversation):
    mine = client_for(seller_member).get(reverse("qa_scoring:conversation_list")).content.decode()
    theirs = client_for(outsider).get(reverse("qa_scoring:conversation_list")).content.decode()
    assert "Where is my parcel?" in mine and "Globex private" not in mine
    assert "Globex private" in theirs and "Where is my parcel?" not in theirs


def test_freelancer_sees_own_conversations_only(client_for, freelancer, conversation, org):
    ConversationFactory(organization=org, subject="Someone else's chat")
    page = client_for(freelancer).get(reverse("qa_scoring:conversation_list")).content.decode()
    assert "Where is my parcel?" in page
    assert "Someone else&#x27;s chat" not in page


def test_my_reviews_highlights_lost_points(client_for, freelancer, submitted):
    page = client_for(freelancer).get(reverse("qa_scoring:my_reviews")).content.decode()
    assert "79.17" in page
    assert 'class="lost"' in page
    assert "Greets the customer by name" in page
    assert "−9.52" in page  # greeting: 8 of 84 rated weight
    assert "No name used." in page


def test_freelancer_disputes_through_the_form(client_for, freelancer, submitted):
    url = reverse("qa_scoring:dispute_create", args=[submitted.pk])
    empty = client_for(freelancer).post(url, {"pick_greeting": "on", "why_greeting": ""})
    assert empty.status_code == 400
    assert "Say why this grade is wrong." in empty.content.decode()
    assert Dispute.objects.count() == 0
    ok = client_for(freelancer).post(url, {"pick_greeting": "on", "why_greeting": "I greeted her by name."})
    dispute = Dispute.objects.get()
    assert ok.status_code == 302
    assert dispute.items.get().comment == "I greeted her by name."


def test_resolver_page(client_for, freelancer, second_reviewer, reviewer, submitted):
    dispute = services.dispute_open(actor=freelancer, review=submitted, items={"greeting": "x"})
    url = reverse("qa_scoring:dispute_detail", args=[dispute.pk])
    assert client_for(reviewer).post(url, {"outcome": "rejected", "comment": "no"}).status_code == 403
    response = client_for(second_reviewer).post(
        url, {"outcome": "accepted", "comment": "Right.", "value_greeting": "1"}
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert str(submitted.score) == "88.69"
    page = client_for(freelancer).get(reverse("qa_scoring:review_detail", args=[submitted.pk])).content.decode()
    assert "qa.dispute" not in page  # the history reads in plain words, never action codes
    assert f"{second_reviewer.display_name} resolved a QA dispute (accepted): " in page
    assert "The review was rescored after the dispute: 79.17 → 88.69" in page


def test_import_page_queues_a_job_and_reports_progress(
    client_for, seller_member, org, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    csv_bytes = (
        b"conversation_id,sent_at,sender_type,sender_name,text\n"
        b"C-1,2026-11-02T09:00:00Z,customer,Ay\xc5\x9fe,Merhaba\n"
        b"C-1,2026-11-02T09:10:00Z,agent,Dana,Hello!\n"
        b",2026-11-02T09:10:00Z,agent,Dana,no id\n"
    )
    upload = io.BytesIO(csv_bytes)
    upload.name = "amazon.csv"
    client = client_for(seller_member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("qa_scoring:import"), {"organization": org.pk, "file": upload, "format": ""})
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert (job.status, job.imported, job.rejected, job.percent) == ("done", 1, 1, 100)
    assert job.rejections[0]["position"] == "line 4"
    partial = client.get(reverse("qa_scoring:import_detail", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in partial  # finished: polling stops
    assert 'value="100"' in partial
    assert Conversation.objects.get().organization == org


def test_upload_with_htmx_goes_on_to_the_job_page(
    client_for, seller_member, org, django_capture_on_commit_callbacks, settings, tmp_path
):
    """The upload form posts through HTMX (for its progress bar); HTMX follows HX-Redirect, not a 302."""
    settings.MEDIA_ROOT = tmp_path
    upload = io.BytesIO(
        b"conversation_id,sent_at,sender_type,sender_name,text\nC-1,2026-11-02T09:00:00Z,customer,A,Hi\n"
    )
    upload.name = "amazon.csv"
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(seller_member).post(
            reverse("qa_scoring:import"), {"organization": org.pk, "file": upload, "format": ""}, HTTP_HX_REQUEST="true"
        )
    job = ImportJob.objects.get()
    assert (response.status_code, response["HX-Redirect"]) == (204, reverse("qa_scoring:import_detail", args=[job.pk]))


def test_upload_errors_come_back_inline_for_htmx(client_for, seller_member, org):
    page = client_for(seller_member).get(reverse("qa_scoring:import")).content.decode()
    assert 'hx-encoding="multipart/form-data"' in page and 'data-upload-progress="#upload-progress"' in page
    response = client_for(seller_member).post(
        reverse("qa_scoring:import"), {"organization": org.pk, "format": ""}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    # Refused: to HTMX a 200 marked X-Form-Refused (config/refused_forms.py), swapped in place.
    assert (response.status_code, response["X-Form-Refused"]) == (200, "400")
    assert 'aria-describedby="id_file_helptext id_file_error"' in body
    assert '<small class="error" id="id_file_error">This field is required.</small>' in body
    assert ImportJob.objects.count() == 0


def test_a_queued_job_says_it_is_waiting(client_for, seller_member, org):
    job = ImportJob.objects.create(organization=org, filename="big.json", size=1000)
    partial = client_for(seller_member).get(reverse("qa_scoring:import_detail", args=[job.pk]), HTTP_HX_REQUEST="true")
    body = partial.content.decode()
    assert "Queued — waiting for a worker; this page updates by itself." in body
    assert '<progress value="0" max="100" aria-label="Import progress">' in body


def test_running_job_polls(client_for, seller_member, org):
    job = ImportJob.objects.create(
        organization=org, filename="big.json", size=1000, status="running", total_records=10, imported=5
    )
    partial = client_for(seller_member).get(reverse("qa_scoring:import_detail", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 2s"' in partial.content.decode()
    assert 'value="55"' in partial.content.decode()


def test_import_refuses_outsiders_and_freelancers(client_for, outsider, freelancer, org):
    upload = io.BytesIO(b"x")
    upload.name = "a.csv"
    response = client_for(outsider).post(reverse("qa_scoring:import"), {"organization": org.pk, "file": upload})
    assert response.status_code == 400  # Acme is not a choice for Globex's owner
    assert client_for(freelancer).get(reverse("qa_scoring:import")).status_code == 403
    assert ImportJob.objects.count() == 0


def test_export_escapes_formulas(client_for, seller_member, org):
    conv = ConversationFactory(
        organization=org, messages=[("customer", "=cmd", '=HYPERLINK("x")'), ("agent", "A", "+1 ok")]
    )
    body = client_for(seller_member).get(reverse("qa_scoring:conversation_export", args=[conv.pk])).content.decode()
    assert "'=HYPERLINK" in body and "'=cmd" in body and "'+1 ok" in body


def _warm(client, url):
    assert client.get(url).status_code == 200  # fills per-process caches (content types, sites)


def _add_reviewed(reviewer, n, submit=True, **conv):
    for _ in range(n):
        review = services.review_start(actor=reviewer, conversation=ConversationFactory(**conv))
        if submit:
            services.review_submit(actor=reviewer, review=review, grades=MIXED)


@pytest.mark.parametrize(
    ("name", "queries"),
    [
        ("qa_scoring:queue", 8),
        ("qa_scoring:conversation_list", 8),
        ("qa_scoring:review_list", 8),
        ("qa_scoring:dispute_list", 7),  # the viewer's zone is read from the loaded user: no query
    ],
)
def test_list_query_counts_stay_constant(
    client_for, reviewer, org, default_version, name, queries, django_assert_num_queries
):
    client = client_for(reviewer)
    url = reverse(name)
    submit = name != "qa_scoring:queue"
    _add_reviewed(reviewer, 2, submit=submit, organization=org)
    _warm(client, url)
    with django_assert_num_queries(queries):
        client.get(url)
    _add_reviewed(reviewer, 5, submit=submit, organization=org)
    with django_assert_num_queries(queries):
        client.get(url)


def test_my_reviews_query_count_constant(
    client_for, reviewer, freelancer, contract, freelancer_profile, org, default_version, django_assert_num_queries
):
    client = client_for(freelancer)
    url = reverse("qa_scoring:my_reviews")
    _add_reviewed(reviewer, 1, organization=org, freelancer=freelancer_profile, contract=contract)
    _warm(client, url)
    with django_assert_num_queries(10):
        client.get(url)
    _add_reviewed(reviewer, 4, organization=org, freelancer=freelancer_profile, contract=contract)
    with django_assert_num_queries(10):
        client.get(url)


def test_rubric_builder_pages(client_for, seller_member, org, default_version, outsider):
    client = client_for(seller_member)
    response = client.post(
        reverse("qa_scoring:rubric_create"),
        {"name": "Acme QA", "organization": org.pk, "kind": "production", "pass_mark": "85"},
    )
    assert response.status_code == 302
    version_url = response["Location"]
    from qa_scoring.models import RubricVersion

    version = RubricVersion.objects.get(rubric__name="Acme QA")
    client.post(reverse("qa_scoring:section_add", args=[version.pk]), {"title": "Tone"})
    section = version.sections.get()
    bad = client.post(
        reverse("qa_scoring:criterion_add", args=[section.pk]),
        {"key": "polite", "label": "", "kind": "binary", "scale_min": 0, "scale_max": 1, "weight": 150},
    )
    assert bad.status_code == 400
    assert section.criteria.count() == 0
    client.post(
        reverse("qa_scoring:criterion_add", args=[section.pk]),
        {"key": "polite", "label": "Polite", "kind": "binary", "scale_min": 0, "scale_max": 1, "weight": 50},
    )
    assert client.get(version_url + "?preview=1").status_code == 200
    client.post(reverse("qa_scoring:rubric_publish", args=[version.pk]))
    version.refresh_from_db()
    assert version.status == "published"
    # Published: the builder refuses changes.
    client.post(reverse("qa_scoring:criterion_delete", args=[section.criteria.get().pk]))
    assert section.criteria.count() == 1
    # Other tenants: 404.
    assert client_for(outsider).get(version_url).status_code == 404
    assert (
        client_for(outsider).post(reverse("qa_scoring:section_add", args=[version.pk]), {"title": "x"}).status_code
        == 404
    )


def test_scorecard_shows_autoqa_suggestions_to_prefill(client_for, reviewer, conversation, default_version):
    from qa_ops import services as qa_ops_services
    from qa_ops.models import AutoQASuggestion

    qa_ops_services.autoqa_for_conversations(ids=[conversation.pk])
    suggestion = AutoQASuggestion.objects.filter(conversation=conversation).order_by("check_key").first()
    review = services.review_start(actor=reviewer, conversation=conversation)

    page = client_for(reviewer).get(reverse("qa_scoring:review_detail", args=[review.pk])).content.decode()

    assert suggestion is not None
    # The suggestion names the scorecard input it pre-fills (value_<criterion key>) and the value it proposes.
    assert f'data-criterion="{suggestion.criterion_key}" data-value="{suggestion.value}"' in page
    assert f'name="value_{suggestion.criterion_key}"' in page
    assert "js/autoqa_prefill.js" in page


def test_autoqa_suggestions_speak_the_rubrics_language(
    client_for, reviewer, conversation, default_version, django_assert_num_queries
):
    from qa_ops import selectors as qa_ops_selectors
    from qa_ops import services as qa_ops_services

    qa_ops_services.autoqa_for_conversations(ids=[conversation.pk])
    review = services.review_start(actor=reviewer, conversation=conversation)

    page = client_for(reviewer).get(reverse("qa_scoring:review_detail", args=[review.pk])).content.decode()

    def box(key: str) -> str:
        start = page.index(f'<div class="criterion" data-key="{key}"')
        return page[start : page.index('<div class="criterion"', start + 1)]

    # Beside its criterion: "No", the check's name, the confidence in percent, the quote and its message.
    assert (
        '<div class="autoqa-evidence" data-criterion="greeting" data-value="0">\n'
        "            <mark>AutoQA</mark> suggests <strong>No</strong>\n"
        "            <small>(Greeting by name check, 70% confidence)</small> — The first reply has no greeting.\n"
        '            <ul><li>Agent, <time datetime="2026-11-02T09:10:00+00:00">2026-11-02 09:10 UTC</time>: '
        "“Sorry about that! I have opened a carrier investigation.”</li></ul>"
    ) in box("greeting")
    # A scale criterion: its value on its scale, in its own box and nowhere else.
    assert "suggests <strong>4 / 5</strong>" in box("empathy_patience")
    assert "suggests <strong>4 / 5</strong>" not in box("greeting")
    assert 'aria-label="AutoQA suggestions"' not in page  # no separate list any more
    assert "0.700" not in page and "<strong>greeting</strong>" not in page
    with django_assert_num_queries(3):  # suggestions, criteria, quoted messages
        views = qa_ops_selectors.suggestions_for(conversation, rubric_version_id=default_version.pk)
    labels = {v.criterion_key: v.value_label for v in views}
    assert (labels["empathy_patience"], labels["greeting"], labels["no_personal_data"]) == ("4 / 5", "No", "Yes")
