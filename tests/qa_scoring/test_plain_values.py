"""Internal values are never shown: Yes/No and scale grades on dispute pages (lost criteria first), and
conversation titles from the subject or the first customer message."""

import io
import re

import pytest
from django.urls import reverse

from qa_scoring import services
from qa_scoring.importers.pipeline import import_file
from qa_scoring.models import Conversation, Criterion
from qa_scoring.titles import trim_title
from tests.qa_scoring.factories import ConversationFactory
from tests.qa_scoring.grades import MIXED

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(reviewer, conversation, default_version):
    review = services.review_start(actor=reviewer, conversation=conversation)
    return services.review_submit(actor=reviewer, review=review, grades=MIXED)


def cells(body: str) -> list[list[str]]:
    tbody = body.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        [" ".join(re.sub(r"<[^>]+>", "", c).split()) for c in re.findall(r"<td>(.*?)</td>", row, flags=re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", tbody, flags=re.S)
    ]


def label(key: str) -> str:
    return Criterion.objects.filter(key=key).values_list("label", flat=True).first()


def scale(key: str) -> str:
    c = Criterion.objects.filter(key=key).first()
    return f"{c.scale_min}–{c.scale_max}"


def test_dispute_page_shows_yes_no_and_scale_in_words_lost_first(client_for, freelancer, submitted):
    dispute = services.dispute_open(
        actor=freelancer,
        review=submitted,
        items={
            "correct_resolution": "Full marks are right, but see the others.",
            "explains_next_steps": "I gave the refund date.",
            "greeting": "I used her name.",
            "first_contact_resolution": "It was resolved.",
        },
    )
    body = client_for(freelancer).get(reverse("qa_scoring:dispute_detail", args=[dispute.pk])).content.decode()
    assert cells(body) == [
        [label("greeting"), "No", "I used her name.", "—"],
        [label("explains_next_steps"), f"3 of {scale('explains_next_steps')}", "I gave the refund date.", "—"],
        [
            label("correct_resolution"),
            f"5 of {scale('correct_resolution')}",
            "Full marks are right, but see the others.",
            "—",
        ],
        [label("first_contact_resolution"), "N/A", "It was resolved.", "—"],
    ]


def test_dispute_form_names_grades_in_words_lost_first(client_for, freelancer, submitted):
    body = client_for(freelancer).get(reverse("qa_scoring:dispute_create", args=[submitted.pk])).content.decode()
    graded = re.findall(r"<small>Graded: ([^<—]+?)(?: — “[^”]*”)?</small>", body)
    lost = [
        "No",
        "4 of " + scale("real_need"),
        "3 of " + scale("explains_next_steps"),
        "4 of " + scale("positive_wording"),
    ]
    assert graded[:4] == lost
    assert "0" not in graded and "1" not in graded
    assert set(graded[4:]) <= {"Yes", "N/A", "5 of " + scale("real_need")}


def test_resolved_value_is_in_words(client_for, freelancer, second_reviewer, submitted):
    dispute = services.dispute_open(actor=freelancer, review=submitted, items={"greeting": "I greeted her."})
    url = reverse("qa_scoring:dispute_detail", args=[dispute.pk])
    client_for(second_reviewer).post(url, {"outcome": "accepted", "comment": "Right.", "value_greeting": "1"})
    body = client_for(freelancer).get(url).content.decode()
    assert cells(body) == [[label("greeting"), "No", "I greeted her.", "Yes"]]


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ("Where is my parcel?", "Where is my parcel?"),
        ("  Hi,\n\n my   order  never came ", "Hi, my order never came"),
        (
            "Hello, I ordered a blue ceramic mug three weeks ago and the tracking still says it is in transit, "
            "what is going on?",
            "Hello, I ordered a blue ceramic mug three weeks ago and the tracking still…",
        ),
        ("x" * 100, "x" * 79 + "…"),
    ],
)
def test_trim_title_cuts_at_a_word_boundary(text, title):
    assert trim_title(text) == title
    assert len(trim_title(text)) <= 80


CSV = (
    "conversation_id,sent_at,sender_type,sender_name,text,subject\n"
    "A-7,2026-03-02T09:00:00Z,bot,Shop bot,Thanks for contacting us!,\n"
    "A-7,2026-03-02T09:01:00Z,customer,Sam,My mug arrived broken and I need a replacement before Friday please "
    "because it is a birthday gift,\n"
    "A-7,2026-03-02T09:05:00Z,agent,Dana,Hello Sam! Sorry to hear that.,\n"
    "A-8,2026-03-02T10:00:00Z,customer,Lee,Late parcel,Order 113-55 late\n"
)


def test_imported_conversation_without_subject_is_titled_by_the_first_customer_message(client_for, seller_owner, org):
    import_file(lambda: io.BytesIO(CSV.encode()), organization=org, format="csv", filename="amazon.csv")
    titles = dict(Conversation.objects.values_list("external_id", "subject"))
    assert titles == {
        "A-7": "My mug arrived broken and I need a replacement before Friday please because it…",
        "A-8": "Order 113-55 late",
    }
    body = client_for(seller_owner).get(reverse("qa_scoring:conversation_list")).content.decode()
    assert ">My mug arrived broken and I need a replacement before Friday please because it…</a>" in body
    assert ">Order 113-55 late</a>" in body


def test_conversation_without_subject_or_customer_text_is_not_titled_by_its_id(client_for, seller_owner, org):
    c = ConversationFactory(organization=org, external_id="98765", subject="", channel="email")
    assert c.title == "Csv email conversation of " + f"{c.started_at.day} {c.started_at:%b %Y}"
    body = client_for(seller_owner).get(reverse("qa_scoring:conversation_detail", args=[c.pk])).content.decode()
    assert f"<h1>{c.title}</h1>" in body
