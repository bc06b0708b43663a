import datetime as dt

import factory

from qa_scoring.importers.records import ParsedAttachment, ParsedConversation, ParsedMessage
from qa_scoring.models import Conversation, Criterion, Message, Rubric, RubricVersion, Section
from tests.accounts.factories import OrganizationFactory

T0 = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


class RubricFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rubric

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Rubric {n}")


class RubricVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RubricVersion

    rubric = factory.SubFactory(RubricFactory)
    number = 1


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    version = factory.SubFactory(RubricVersionFactory)
    title = "Main"


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    section = factory.SubFactory(SectionFactory)
    version = factory.SelfAttribute("section.version")
    key = factory.Sequence(lambda n: f"c{n}")
    label = factory.Sequence(lambda n: f"Criterion {n}")
    kind = "binary"
    scale_min = 0
    scale_max = 1
    weight = 10


class ConversationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Conversation
        skip_postgeneration_save = True

    organization = factory.SubFactory(OrganizationFactory)
    source = "csv"
    external_id = factory.Sequence(lambda n: f"T-{n}")
    subject = "Where is my parcel?"
    started_at = T0
    message_count = 2

    @factory.post_generation
    def messages(obj, create, extracted, **kwargs):
        if not create:
            return
        rows = extracted or [
            ("customer", "Buyer", "My parcel says delivered but nothing arrived."),
            ("agent", "Agent", "Sorry about that! I have opened a carrier investigation."),
        ]
        Message.objects.bulk_create(
            [
                Message(
                    conversation=obj,
                    position=i,
                    author_role=role,
                    author_name=name,
                    sent_at=T0 + dt.timedelta(minutes=10 * i),
                    text=text,
                )
                for i, (role, name, text) in enumerate(rows)
            ]
        )


def parsed(external_id="1001", *, source="csv", n_messages=2, agent_email="", position="record 1", **kw):
    """A ParsedConversation as a parser would produce it."""
    messages = [
        ParsedMessage(
            external_id=f"{external_id}-{i}",
            author_role="customer" if i % 2 == 0 else "agent",
            author_name="Ayşe Yılmaz" if i % 2 == 0 else "Dana",
            author_external_id=str(i % 2),
            sent_at=T0 + dt.timedelta(minutes=5 * i),
            text=f"Message {i}: 包裹在哪里? Paldies!",
            attachments=[ParsedAttachment(name="photo.jpg", size=2048, content_type="image/jpeg")] if i == 0 else [],
        )
        for i in range(n_messages)
    ]
    return ParsedConversation(
        source=source,
        external_id=external_id,
        channel="email",
        subject="Late parcel",
        tags=["late"],
        agent_email=agent_email,
        raw={"id": external_id},
        messages=messages,
        position=position,
        **kw,
    )
