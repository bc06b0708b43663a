"""The services suite: real PostgreSQL, Redis and a Celery worker subprocess.

Runs only when DATABASE_URL points at PostgreSQL and CELERY_BROKER_URL at Redis (``.ci/run`` sets both);
otherwise every test here is skipped with the reason.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def services_configured() -> tuple[bool, str]:
    db = settings.DATABASES["default"]["ENGINE"]
    broker = settings.CELERY_BROKER_URL
    if "postgresql" not in db:
        return False, "DATABASE_URL does not point at PostgreSQL"
    if not broker.startswith("redis"):
        return False, "CELERY_BROKER_URL does not point at Redis"
    return True, ""


def pytest_collection_modifyitems(config, items):
    ok, why = services_configured()
    if not ok and os.environ.get("REQUIRE_SERVICES"):
        raise pytest.UsageError(f"REQUIRE_SERVICES is set but {why}")
    for item in items:
        if "tests/services/" in str(item.fspath):
            item.add_marker(pytest.mark.services)
            if not ok:
                item.add_marker(pytest.mark.skip(reason=f"services suite: {why}"))


@pytest.fixture(scope="session")
def mail_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("worker-mail")


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker, mail_dir):
    """A real ``celery worker`` on the test database and the Redis broker, stopped after the session."""
    from config.celery import app

    name = connection.settings_dict["NAME"]
    db = settings.DATABASES["default"]
    url = f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": url,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "TEST_EMAIL_DIR": str(mail_dir),
    }
    app.control.purge()
    log = open(mail_dir.parent / "celery-worker.log", "w")  # noqa: SIM115 - closed at teardown
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "--hostname",
            f"test-{os.getpid()}@%h",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"celery worker exited early with {proc.returncode}; see {log.name}")
        if app.control.ping(timeout=1.0):
            break
    else:
        proc.terminate()
        raise RuntimeError(f"celery worker did not answer within 60 s; see {log.name}")
    yield proc
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture
def real_broker(settings):
    """Publish tasks to the real broker instead of running them inline."""
    from config.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    yield app
    app.conf.task_always_eager = True


def wait_for(predicate, timeout: float = 30.0, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout} s")
