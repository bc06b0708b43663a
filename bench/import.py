"""Import benchmark on PostgreSQL: a generated export of N conversations × M messages, end to end.

    .venv/bin/python bench/import.py                       # 100,000 conversations × 10 = 1,000,000 messages (and N/10)
    .venv/bin/python bench/import.py --conversations 20000 --source zendesk

Each size runs in its own process (so peak memory is that run's) against its own fresh database
(``shiftdesk_bench_import_<n>`` on BENCH_PG, default postgresql://postgres@127.0.0.1:5432), migrated. The file is
written to a temporary directory first (streamed, fixed seed; realistic multi-language text), then imported with
the same code path as ``manage.py import_conversations``: one parsing pass, batches of 500 conversations written
with COPY, the whole file in one transaction (``--check-first``: the background-job mode, a checking pass first
and a commit per batch). It prints wall time, messages per second and the process's peak resident memory
(``getrusage`` max RSS, which includes Django itself: the baseline after setup is printed too).
Budget (issue): ≥ 20,000 messages/s and peak memory < 300 MB, flat with file size.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PG = os.environ.get("BENCH_PG", "postgresql://postgres@127.0.0.1:5432")
T0 = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)
CUSTOMER = [
    "Hi, my parcel shows delivered but it is not here. Order 113-{n}.",
    "Merhaba, kargom hâlâ gelmedi, sipariş numarası {n}.",
    "您好，我的包裹显示已送达，但我没有收到。订单 {n}",
    "Sveiki! Paka ir bojāta, lūdzu palīdziet. Pasūtījums {n}.",
    "The shoes are too small, can I exchange them for a size 42?",
    "If this is not sorted today I will file an A-to-z claim.",
]
AGENT = [
    "Hello {name}, I am sorry about this. I have opened a claim with the carrier and will update you within 24 hours.",
    "Thank you for waiting, {name}. A replacement ships today; you will get tracking by e-mail.",
    "I understand how frustrating this is. I have issued a return label; the refund follows once it is scanned.",
    "Is there anything else I can help you with today?",
]


def _megabytes(kilobytes: int) -> float:
    return kilobytes / 1024  # Linux reports ru_maxrss in KiB


def rss_mb() -> float:
    return _megabytes(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def write_csv(path: Path, n: int, per: int, rnd: random.Random) -> int:
    count = 0
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["conversation_id", "sent_at", "sender_type", "sender_name", "text"])
        for i in range(n):
            start = T0 + dt.timedelta(minutes=i)
            name = rnd.choice(["Ayşe", "Li Wei", "Jānis", "Emma", "Carlos"])
            for j in range(per):
                role = "customer" if j % 2 == 0 else "agent"
                text = (rnd.choice(CUSTOMER) if role == "customer" else rnd.choice(AGENT)).format(n=i, name=name)
                sent = (start + dt.timedelta(minutes=7 * j)).isoformat().replace("+00:00", "Z")
                w.writerow([f"B-{i}", sent, role, name if role == "customer" else "Maria Santos", text])
                count += 1
    return count


def write_zendesk(path: Path, n: int, per: int, rnd: random.Random) -> int:
    """JSON Lines, one Zendesk ticket (with its comments and users) per line."""
    count = 0
    users = [{"id": 1, "name": "Maria Santos", "email": "maria@freelancers.example", "role": "agent"}]
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            start = T0 + dt.timedelta(minutes=i)
            comments = []
            for j in range(per):
                agent = j % 2 == 1
                text = (rnd.choice(AGENT) if agent else rnd.choice(CUSTOMER)).format(n=i, name="Ayşe")
                comments.append(
                    {
                        "id": i * 100 + j,
                        "author_id": 1 if agent else 2,
                        "body": text,
                        "html_body": f"<p>{text}</p>",
                        "public": True,
                        "created_at": (start + dt.timedelta(minutes=7 * j)).isoformat().replace("+00:00", "Z"),
                        "attachments": [],
                    }
                )
            ticket = {
                "id": 100000 + i,
                "subject": "Parcel marked delivered",
                "created_at": comments[0]["created_at"],
                "via": {"channel": "email"},
                "requester_id": 2,
                "assignee_id": 1,
                "tags": ["late_delivery"],
                "comments": comments,
                "users": users + [{"id": 2, "name": "Ayşe", "role": "end-user"}],
            }
            fh.write(json.dumps(ticket, ensure_ascii=False) + "\n")
            count += per
    return count


def child(n: int, per: int, source: str, check_first: bool) -> None:
    import psycopg

    db = f"shiftdesk_bench_import_{n}"
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db}"')
        conn.execute(f'CREATE DATABASE "{db}"')
    os.environ["DATABASE_URL"] = f"{PG}/{db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ["QA_IMPORT_MAX_BYTES"] = str(2 * 1024**3)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from accounts.models import Organization
    from qa_scoring.importers.pipeline import import_file
    from qa_scoring.models import Conversation, Message

    org, _ = Organization.objects.get_or_create(slug="northwind-bench", defaults={"name": "Northwind Bench"})
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"export.{'csv' if source == 'csv' else 'jsonl'}"
        t = time.perf_counter()
        expected = (write_csv if source == "csv" else write_zendesk)(path, n, per, random.Random(42))
        gen_s = time.perf_counter() - t
        size_mb = path.stat().st_size / 1_000_000
        baseline = rss_mb()
        t = time.perf_counter()
        report = import_file(
            lambda: path.open("rb"), organization=org, format=source, filename=path.name, check_first=check_first
        )
        seconds = time.perf_counter() - t
    stored = Message.objects.filter(conversation__organization=org).count()
    result = {
        "conversations": n,
        "messages": expected,
        "file_mb": round(size_mb, 1),
        "generate_s": round(gen_s, 1),
        "import_s": round(seconds, 1),
        "messages_per_s": round(expected / seconds),
        "imported": report.imported,
        "rejected": report.rejected,
        "stored_conversations": Conversation.objects.filter(organization=org).count(),
        "stored_messages": stored,
        "rss_baseline_mb": round(baseline, 1),
        "rss_peak_mb": round(rss_mb(), 1),
    }
    print(json.dumps(result))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--messages-per", type=int, default=10)
    parser.add_argument("--source", choices=["csv", "zendesk"], default="csv")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--only", action="store_true", help="Run only the full size, not N/10 as well")
    parser.add_argument(
        "--check-first",
        action="store_true",
        help="The background-job mode: a checking pass over the file, then batches committed one by one",
    )
    args = parser.parse_args()
    if args.child:
        child(args.conversations, args.messages_per, args.source, args.check_first)
        return
    sizes = [args.conversations] if args.only else [args.conversations // 10, args.conversations]
    mode = (
        "check pass + per-batch commits (background job)" if args.check_first else "one pass, one transaction (command)"
    )
    print(f"source={args.source}, {args.messages_per} messages per conversation, {mode}")
    for n in sizes:
        cmd = [sys.executable, __file__, "--child", "--conversations", str(n), "--messages-per", str(args.messages_per)]
        cmd += ["--source", args.source] + (["--check-first"] if args.check_first else [])
        out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        r = json.loads(out.strip().splitlines()[-1])
        print(
            f"{r['conversations']:>8,} conversations / {r['messages']:>9,} messages ({r['file_mb']} MB): "
            f"{r['import_s']} s → {r['messages_per_s']:,} messages/s; stored {r['stored_conversations']:,} / "
            f"{r['stored_messages']:,}, rejected {r['rejected']}; peak RSS {r['rss_peak_mb']} MB "
            f"(after setup {r['rss_baseline_mb']} MB)"
        )


if __name__ == "__main__":
    main()
