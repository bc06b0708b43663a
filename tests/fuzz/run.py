"""Fuzz the REST API with schemathesis against a live server; exit non-zero on any 5xx or schema violation.

Steps: recreate the PostgreSQL database, migrate, seed an organization, its owner (a seller) and an API key
through the product's services, start gunicorn on a loopback port with production settings
(``tests.fuzz.settings``), then run schemathesis twice against ``/api/schema/``: once with the API key and
once with the seller's session cookie and CSRF header. Bounded: a fixed seed, ``--max-examples`` per
operation and a time budget per pass.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/shiftdesk_fuzz .venv/bin/python -m tests.fuzz.run
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHECKS = "not_a_server_error,response_schema_conformance"


def _schemathesis_cli() -> list[str]:
    local = Path(sys.executable).parent / "st"
    return [str(local) if local.exists() else (shutil.which("st") or "st")]


def _recreate_database(url: str) -> None:
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = parts.path.lstrip("/")
    if not name.replace("_", "").isalnum():
        raise SystemExit(f"Refusing to recreate a database named {name!r}.")
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _wait_for(url: str, timeout: float) -> None:
    """Until the server answers at all (the health check may say 503 when a service is down)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=30):  # noqa: S310 - loopback only
                return
        except urllib.error.HTTPError:
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(1)
    raise SystemExit(f"The fuzz server did not answer {url} within {timeout:.0f} s.")


def _schemathesis(base: str, headers: list[str], args, label: str) -> int:
    command = [
        *_schemathesis_cli(),
        "run",
        f"{base}/api/schema/",
        "--checks",
        CHECKS,
        "--max-examples",
        str(args.max_examples),
        "--seed",
        str(args.seed),
        "--max-time",
        str(args.max_time),
        "--workers",
        "1",  # hypothesis describes strategies with ast.parse, which is not thread-safe on Python 3.11
        "--phases",
        "examples,coverage,fuzzing",
        "--request-timeout",
        "60",
        "--wait-for-schema",
        "180",
        "--suppress-health-check",
        "all",
        "--no-color",
    ]
    for header in headers:
        command += ["-H", header]
    print(f"\n--- schemathesis as {label}", flush=True)
    return subprocess.call(command, cwd=ROOT / "var")  # its .schemathesis/ cache stays out of the tree


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("FUZZ_PORT", "8765")))
    parser.add_argument("--max-examples", type=int, default=int(os.environ.get("FUZZ_MAX_EXAMPLES", "5")))
    parser.add_argument("--seed", type=int, default=int(os.environ.get("FUZZ_SEED", "20261208")))
    parser.add_argument("--max-time", type=int, default=int(os.environ.get("FUZZ_MAX_TIME", "600")))
    parser.add_argument("--as", dest="actors", choices=["api_key", "session"], action="append")
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database the fuzzer may recreate.")

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.fuzz.settings",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "BILLING_GATEWAY": "manual",
        "STRIPE_SECRET_KEY": "",
        "CELERY_BROKER_URL": "memory://",  # nothing runs the background tasks the fuzzer enqueues
        "PYTHONUNBUFFERED": "1",
    }
    python = sys.executable
    _recreate_database(database_url)
    subprocess.run([python, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True)
    seeded = subprocess.run(
        [python, "-m", "tests.fuzz.seed"], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    )
    creds = json.loads(seeded.stdout.strip().splitlines()[-1])

    base = f"http://127.0.0.1:{args.port}"
    (ROOT / "var").mkdir(exist_ok=True)
    log = open(ROOT / "var" / "fuzz-server.log", "w")  # noqa: SIM115 - closed after the server stops
    server = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "-b",
            f"127.0.0.1:{args.port}",
            "-w",
            "2",
            "--timeout",
            "120",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    failed = []
    try:
        _wait_for(f"{base}/api/health/", timeout=180)
        passes = {
            "api_key": [f"Authorization: Api-Key {creds['api_key']}"],
            "session": [
                f"Cookie: sessionid={creds['sessionid']}; csrftoken={creds['csrftoken']}",
                f"X-CSRFToken: {creds['csrftoken']}",
            ],
        }
        for label in args.actors or list(passes):
            if _schemathesis(base, passes[label], args, label) != 0:
                failed.append(label)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
    if failed:
        print(f"\nFuzzing found problems as: {', '.join(failed)} (server log: var/fuzz-server.log)")
        return 1
    print("\nFuzzing found no server error and no response outside the schema.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
