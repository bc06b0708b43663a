"""The import pipeline's COPY path on real PostgreSQL, and the background import through a real worker."""

import io

import pytest

from qa_scoring.importers.pipeline import import_file, import_records
from qa_scoring.models import Conversation, Message
from tests.qa_scoring.factories import parsed

pytestmark = pytest.mark.django_db(transaction=True)

CSV = (
    "conversation_id,sent_at,sender_type,sender_name,text\n"
    'C-1,2026-11-02T09:00:00Z,customer,Jānis,"Sveiki, kur ir mans sūtījums?"\n'
    "C-1,2026-11-02T09:20:00Z,agent,Dana,Hello Jānis\n"
    'C-2,2026-11-02T10:00:00Z,customer,Li Wei,=HYPERLINK("http://evil.example")\n'
    "C-2,2026-11-02T10:05:00Z,agent,Dana,我们会退款\n"
)


def test_copy_path_stores_and_reimports_idempotently(org):
    report = import_records([parsed("1", n_messages=3), parsed("2")], organization=org)
    assert (report.imported, report.messages) == (2, 5)
    first = Conversation.objects.get(external_id="1")
    assert list(first.messages.values_list("position", "author_role")) == [
        (0, "customer"),
        (1, "agent"),
        (2, "customer"),
    ]
    assert first.messages.get(position=0).attachments == [
        {"name": "photo.jpg", "size": 2048, "content_type": "image/jpeg"}
    ]
    again = import_records([parsed("1", n_messages=2), parsed("3")], organization=org)
    assert (again.imported, again.updated) == (1, 1)
    assert Conversation.objects.count() == 3
    assert Message.objects.count() == 2 + 2 + 2


def test_a_conversation_the_database_refuses_is_rejected_whole(org):
    bad = parsed("bad", n_messages=2, position="record 2")
    bad.messages[1].text = "x\x00y"  # stripped, fine
    worse = parsed("worse", position="record 3")
    worse.subject = "s"
    worse.raw = {"score": float("nan")}  # NaN is not JSON for PostgreSQL: the batch fails, then this one alone
    report = import_records([parsed("good"), bad, worse], organization=org)
    assert report.imported == 2
    assert [r.position for r in report.rejections] == ["record 3"]
    assert set(Conversation.objects.values_list("external_id", flat=True)) == {"good", "bad"}
    assert not Message.objects.filter(conversation__external_id="worse").exists()


def test_csv_file_on_postgres(org):
    report = import_file(lambda: io.BytesIO(CSV.encode()), organization=org, format="csv")
    assert (report.imported, report.rejected) == (2, 0)
    assert Message.objects.get(conversation__external_id="C-2", position=0).text == '=HYPERLINK("http://evil.example")'


def test_import_job_runs_once_on_postgres(org, seller_member):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from qa_scoring import services

    # Tasks run inline here (eager): the job runs on commit of its creation.
    job = services.import_job_create(
        actor=seller_member,
        organization=org,
        upload=SimpleUploadedFile("export.csv", CSV.encode()),
        filename="export.csv",
        format="csv",
    )
    assert services.import_job_run(job_id=job.pk) == "skipped"  # a second delivery does nothing
    job.refresh_from_db()
    assert (job.status, job.imported, job.rejected, job.total_records) == ("done", 2, 0, 2)
