"""The shared import pipeline: parsed records in, Conversations and Messages out.

Atomicity (chosen on purpose):
- ``check_file`` runs the parser over the whole file first without storing anything, so a file that is not
  valid at all (wrong format, truncated, too large…) raises ``ImportFileError`` and stores nothing, even when
  the problem is at its end. It also counts the records for the progress bar.
- ``import_records`` then stores valid conversations in batches, one transaction per batch, so progress is
  visible while a large file imports (background jobs) and memory stays flat. Where nobody polls progress (the
  command, the synchronous API) ``import_file(check_first=False)`` skips the checking pass and wraps the whole
  file in one transaction instead (batches become savepoints): one parsing pass, same guarantee.
- Inside a batch, if the database refuses a conversation, the batch is retried one conversation at a time,
  each in its own savepoint: a failing conversation is rejected whole (its messages included) and the others
  are kept. A conversation is never stored half: it and all its messages are written together.
- Idempotent on (organization, source, external id): a re-import updates the conversation and replaces its
  messages; it never duplicates. A record repeated inside one file updates the first.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from accounts.models import Organization

from .. import rollups
from ..models import Conversation, Message
from ..titles import title_from_messages
from .limits import MAX_MESSAGES as LIMIT_MAX_MESSAGES
from .limits import ImportLimits
from .records import AuthorRole, ImportFileError, ParsedConversation, RejectedRecord

MAX_EXTERNAL_ID = 120
MAX_MESSAGES = LIMIT_MAX_MESSAGES  # per conversation
MAX_TEXT = ImportLimits().max_message_chars  # characters per message (QA_IMPORT_MAX_MESSAGE_CHARS by default)
MAX_REJECTIONS_KEPT = 1000  # rejections kept in full on an import job; the count is always exact

CONVERSATION_UPDATE_FIELDS = [
    "freelancer",
    "contract",
    "channel",
    "subject",
    "started_at",
    "ended_at",
    "csat",
    "csat_raw",
    "tags",
    "agent_email",
    "agent_name",
    "raw",
    "message_count",
    "updated_at",
]


@dataclass
class ImportReport:
    imported: int = 0
    updated: int = 0
    rejected: int = 0
    rejections: list[RejectedRecord] = field(default_factory=list)
    messages: int = 0

    @property
    def stored(self) -> int:
        return self.imported + self.updated

    @property
    def processed(self) -> int:
        return self.imported + self.updated + self.rejected

    def reject(self, record: RejectedRecord) -> None:
        self.rejected += 1
        if len(self.rejections) < MAX_REJECTIONS_KEPT:
            self.rejections.append(record)

    def as_dict(self) -> dict[str, Any]:
        return {
            "imported": self.imported,
            "updated": self.updated,
            "rejected": self.rejected,
            "rejections": [
                {"position": r.position, "external_id": r.external_id, "reason": r.reason} for r in self.rejections
            ],
        }


def max_file_bytes() -> int:
    return settings.QA_IMPORT_MAX_BYTES


def check_size(size: int) -> None:
    limit = max_file_bytes()
    if size > limit:
        raise ImportFileError(
            f"The file is {size / 1_000_000:.1f} MB; the limit is {limit / 1_000_000:.0f} MB. Split it and import "
            "the parts."
        )
    if size == 0:
        raise ImportFileError("The file is empty.")


def parse(
    stream: IO[bytes],
    *,
    format: str | None = None,
    filename: str = "",
    on_progress: Callable[[int], None] | None = None,
) -> Iterator[Any]:
    """The parser registry (one module per source): streams records, raises ImportFileError."""
    from .registry import parse as registry_parse

    return registry_parse(stream, format=format, filename=filename, on_progress=on_progress)


def check_file(
    stream: IO[bytes],
    *,
    format: str | None = None,
    filename: str = "",
    on_progress: Callable[[int], None] | None = None,
) -> int:
    """Parse the whole file without storing anything; return the number of records. Raises ImportFileError."""
    count = 0
    for _ in parse(stream, format=format, filename=filename, on_progress=on_progress):
        count += 1
    return count


# --- validation of one parsed record


def _clean_text(value: str, limit: int) -> str:
    return (value or "").replace("\x00", "")[:limit]


def validate(record: ParsedConversation, *, max_text: int = MAX_TEXT) -> str | None:
    """Why the record cannot be stored, or None. Checks everything the database would refuse."""
    ext = (record.external_id or "").strip()
    if not ext:
        return "The conversation has no id."
    if len(ext) > MAX_EXTERNAL_ID:
        return f"The conversation id is longer than {MAX_EXTERNAL_ID} characters."
    if not record.source:
        return "The record has no source."
    if not record.messages:
        return "The conversation has no messages."
    if len(record.messages) > MAX_MESSAGES:
        return f"The conversation has {len(record.messages)} messages; at most {MAX_MESSAGES} are accepted."
    if record.csat is not None and not (Decimal(0) <= record.csat <= Decimal(100)):
        return f"The satisfaction score {record.csat} is outside 0–100."
    for n, message in enumerate(record.messages, start=1):
        if message.author_role not in AuthorRole.ALL:
            return (
                f"Message {n} has an unknown author role “{message.author_role}” "
                "(expected agent, customer, bot or system)."
            )
        if not isinstance(message.sent_at, dt.datetime) or timezone.is_naive(message.sent_at):
            return f"Message {n} has no time zone-aware send time."
        if len(message.text or "") > max_text:
            return f"Message {n} is longer than {max_text:,} characters (QA_IMPORT_MAX_MESSAGE_CHARS)."
    for stamp in (record.started_at, record.ended_at):
        if stamp is not None and (not isinstance(stamp, dt.datetime) or timezone.is_naive(stamp)):
            return "The conversation's start or end time has no time zone."
    return None


# --- linking conversations to freelancers and contracts


class FreelancerLinker:
    """Finds the freelancer (and their contract with the organization) a conversation is about. Cached."""

    def __init__(self, organization: Organization, freelancer: Any = None):
        self.organization = organization
        self.fixed = freelancer
        self._cache: dict[str, tuple[int | None, int | None]] = {}

    def _contract_id(self, profile_id: int) -> int | None:
        from marketplace.models import Contract

        contracts = Contract.objects.filter(organization=self.organization, freelancer_id=profile_id)
        ids = list(contracts.order_by("-started_at").values_list("pk", "status")[:5])
        active = [pk for pk, status in ids if status == "active"]
        return active[0] if active else (ids[0][0] if ids else None)

    def link(self, agent_email: str) -> tuple[int | None, int | None]:
        if self.fixed is not None:
            key = "<fixed>"
            if key not in self._cache:
                self._cache[key] = (self.fixed.pk, self._contract_id(self.fixed.pk))
            return self._cache[key]
        email = (agent_email or "").strip().lower()
        if not email:
            return None, None
        if email not in self._cache:
            from marketplace.models import FreelancerProfile

            profile_id = (
                FreelancerProfile.objects.filter(user__email__iexact=email, contracts__organization=self.organization)
                .values_list("pk", flat=True)
                .first()
            )
            self._cache[email] = (profile_id, self._contract_id(profile_id)) if profile_id else (None, None)
        return self._cache[email]


# --- storing


def _conversation_fields(record: ParsedConversation, linker: FreelancerLinker, now: dt.datetime) -> dict[str, Any]:
    freelancer_id, contract_id = linker.link(record.agent_email)
    times = [m.sent_at for m in record.messages]
    return {
        "freelancer_id": freelancer_id,
        "contract_id": contract_id,
        "channel": _clean_text(record.channel, 40),
        "subject": _clean_text(record.subject, 300) or title_from_messages(record.messages),
        "started_at": record.started_at or min(times),
        "ended_at": record.ended_at or max(times),
        "csat": record.csat,
        "csat_raw": _clean_text(record.csat_raw, 40),
        "tags": [str(t)[:80] for t in record.tags][:100],
        "agent_email": _clean_text(record.agent_email, 254),
        "agent_name": _clean_text(record.agent_name, 160),
        "raw": record.raw or {},
        "message_count": len(record.messages),
        "updated_at": now,
    }


def _messages_for(conversation_id: int, record: ParsedConversation) -> list[Message]:
    return [
        Message(
            conversation_id=conversation_id,
            position=position,
            external_id=_clean_text(m.external_id, 120),
            author_role=m.author_role,
            author_name=_clean_text(m.author_name, 160),
            author_external_id=_clean_text(m.author_external_id, 120),
            is_internal_note=bool(m.is_internal_note),
            sent_at=m.sent_at,
            text=_clean_text(m.text, MAX_TEXT),
            attachments=[
                {"name": _clean_text(a.name, 255), "size": a.size, "content_type": _clean_text(a.content_type, 120)}
                for a in m.attachments
            ],
        )
        for position, m in enumerate(record.messages)
    ]


def _can_copy() -> bool:
    """PostgreSQL with psycopg 3: rows go in with COPY, several times faster than multi-row INSERTs."""
    return connection.vendor == "postgresql" and hasattr(connection.connection, "cursor")


def _assign_ids(model: type[Any], objs: list[Any]) -> None:
    """Reserve primary keys from the table's sequence so the rows can be written with COPY."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, len(objs)]
        )
        for obj, (pk,) in zip(objs, cursor.fetchall(), strict=True):
            obj.pk = pk


MESSAGE_COLUMNS = (
    "conversation_id",
    "position",
    "external_id",
    "author_role",
    "author_name",
    "author_external_id",
    "is_internal_note",
    "sent_at",
    "text",
    "attachments",
)


def _message_rows(conversation_id: int, record: ParsedConversation) -> Iterator[tuple]:
    """The same values as ``_messages_for``, as plain rows for COPY (no model instances: this is the hot path)."""
    for position, m in enumerate(record.messages):
        yield (
            conversation_id,
            position,
            _clean_text(m.external_id, 120),
            m.author_role,
            _clean_text(m.author_name, 160),
            _clean_text(m.author_external_id, 120),
            bool(m.is_internal_note),
            m.sent_at,
            _clean_text(m.text, MAX_TEXT),
            json.dumps(
                [
                    {"name": _clean_text(a.name, 255), "size": a.size, "content_type": _clean_text(a.content_type, 120)}
                    for a in m.attachments
                ]
            ),
        )


def _copy_rows(table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    if not rows:
        return
    quote = connection.ops.quote_name
    sql = f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
    # The raw psycopg cursor bypasses Django's error translation: wrap it so failures are DatabaseErrors.
    with connection.wrap_database_errors, connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        write = copy.write_row
        for row in rows:
            write(row)


def _copy_insert(model: type[Any], objs: list[Any]) -> None:
    """COPY the instances into their table (primary keys included when set). Constraints still apply."""
    if not objs:
        return
    with_pk = objs[0].pk is not None
    fields = [f for f in model._meta.concrete_fields if with_pk or not f.primary_key]
    quote = connection.ops.quote_name
    sql = f"COPY {quote(model._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) FROM STDIN"
    with connection.wrap_database_errors, connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for obj in objs:
            copy.write_row([f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields])


class _Batch:
    def __init__(self, organization: Organization, linker: FreelancerLinker):
        self.organization = organization
        self.linker = linker
        self.records: list[ParsedConversation] = []
        self.keys: set[tuple[str, str]] = set()

    def __len__(self) -> int:
        return len(self.records)

    def has(self, record: ParsedConversation) -> bool:
        return (record.source, record.external_id.strip()) in self.keys

    def add(self, record: ParsedConversation) -> None:
        record.external_id = record.external_id.strip()
        self.records.append(record)
        self.keys.add((record.source, record.external_id))

    def _store(self, records: list[ParsedConversation], report: ImportReport) -> None:
        now = timezone.now()
        org = self.organization
        existing: dict[tuple[str, str], Conversation] = {}
        for source in {r.source for r in records}:
            ids = [r.external_id for r in records if r.source == source]
            for conv in Conversation.objects.filter(organization=org, source=source, external_id__in=ids).only(
                "pk", "source", "external_id", "imported_at"
            ):
                existing[(conv.source, conv.external_id)] = conv
        new, changed = [], []
        for record in records:
            values = _conversation_fields(record, self.linker, now)
            conv = existing.get((record.source, record.external_id))
            if conv is None:
                new.append(
                    Conversation(organization=org, source=record.source, external_id=record.external_id, **values)
                )
            else:
                for name, value in values.items():
                    setattr(conv, name, value)
                changed.append(conv)
        if changed:
            # A re-import may link a conversation to another freelancer: its reviews move in the QA roll-ups.
            counted = rollups.snapshot(conversation_ids=[c.pk for c in changed])
            Conversation.objects.bulk_update(
                changed, [f if f not in ("freelancer", "contract") else f"{f}_id" for f in CONVERSATION_UPDATE_FIELDS]
            )
            rollups.record_change(counted)
            Message.objects.filter(conversation_id__in=[c.pk for c in changed]).delete()
        copy = _can_copy()
        if new:
            if copy:
                _assign_ids(Conversation, new)
                _copy_insert(Conversation, new)
            else:
                Conversation.objects.bulk_create(new)
        by_key = {(c.source, c.external_id): c.pk for c in [*new, *changed]}
        count = 0
        if copy:
            rows = []
            for record in records:
                rows.extend(_message_rows(by_key[(record.source, record.external_id)], record))
            _copy_rows(Message._meta.db_table, MESSAGE_COLUMNS, rows)
            count = len(rows)
        else:
            messages: list[Message] = []
            for record in records:
                messages.extend(_messages_for(by_key[(record.source, record.external_id)], record))
            Message.objects.bulk_create(messages, batch_size=2000)
            count = len(messages)
        report.imported += len(new)
        report.updated += len(changed)
        report.messages += count

    def flush(self, report: ImportReport) -> None:
        if not self.records:
            return
        try:
            with transaction.atomic():
                self._store(self.records, report)
        except DatabaseError:
            # Find the culprit(s): one conversation per savepoint; the rest are kept.
            for record in self.records:
                try:
                    with transaction.atomic():
                        self._store([record], report)
                except DatabaseError as exc:
                    report.reject(
                        RejectedRecord(
                            position=record.position,
                            external_id=record.external_id,
                            reason=f"The database refused this conversation: {str(exc).splitlines()[0][:200]}",
                        )
                    )
        self.records, self.keys = [], set()


def import_records(
    records: Iterable[ParsedConversation | RejectedRecord],
    *,
    organization: Organization,
    freelancer: Any = None,
    batch_size: int = 500,
    on_progress: Callable[[ImportReport], None] | None = None,
) -> ImportReport:
    """Validate and store parsed records in batches. Parser rejections are reported as they come.

    Raises ImportFileError (from the parser) when the file turns out unusable; batches already written stay —
    run ``check_file`` first (``import_file`` does) so that cannot happen half-way.
    """
    report = ImportReport()
    max_text = ImportLimits.from_settings().max_message_chars
    batch = _Batch(organization, FreelancerLinker(organization, freelancer))
    for record in records:
        if isinstance(record, RejectedRecord):
            report.reject(record)
            continue
        reason = validate(record, max_text=max_text)
        if reason:
            report.reject(RejectedRecord(position=record.position, external_id=record.external_id or "", reason=reason))
            continue
        if batch.has(record):
            batch.flush(report)
        batch.add(record)
        if len(batch) >= batch_size:
            batch.flush(report)
            if on_progress:
                on_progress(report)
    batch.flush(report)
    if on_progress:
        on_progress(report)
    return report


def import_file(
    open_stream: Callable[[], IO[bytes]],
    *,
    organization: Organization,
    format: str | None = None,
    filename: str = "",
    freelancer: Any = None,
    batch_size: int = 500,
    on_checking: Callable[[int], None] | None = None,
    on_checked: Callable[[int], None] | None = None,
    on_progress: Callable[[ImportReport], None] | None = None,
    check_first: bool = True,
) -> ImportReport:
    """Check the whole file (nothing stored if it is unusable), then import it. ``open_stream`` reopens it.

    ``check_first=False`` instead imports in one pass inside one transaction (the command and the synchronous
    API use it: nobody polls their progress); either way an unusable file stores nothing.

    ``on_checking(bytes_read)`` reports the checking pass, ``on_checked(records)`` its end, ``on_progress``
    each stored batch.
    """
    if not check_first:
        # One transaction for the whole file (each batch a savepoint): one parsing pass, and a file that turns out
        # unusable at its end rolls back everything. Progress is not visible to other connections meanwhile.
        with transaction.atomic(), open_stream() as stream:
            return import_records(
                parse(stream, format=format, filename=filename),
                organization=organization,
                freelancer=freelancer,
                batch_size=batch_size,
                on_progress=on_progress,
            )
    with open_stream() as stream:
        total = check_file(stream, format=format, filename=filename, on_progress=on_checking)
    if on_checked:
        on_checked(total)
    with open_stream() as stream:
        return import_records(
            parse(stream, format=format, filename=filename),
            organization=organization,
            freelancer=freelancer,
            batch_size=batch_size,
            on_progress=on_progress,
        )
