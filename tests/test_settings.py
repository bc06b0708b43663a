"""Production settings refuse to start without their required environment."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REQUIRED = {
    "SECRET_KEY": "x" * 50,
    "DATABASE_URL": "sqlite:////tmp/unused.sqlite3",
    "ALLOWED_HOSTS": "shiftdesk.example",
}


def _check(env: dict) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in REQUIRED}
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env={**clean, **env, "DJANGO_SETTINGS_MODULE": "config.settings.production"},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("missing", sorted(REQUIRED))
def test_production_refuses_to_start_without(missing):
    result = _check({k: v for k, v in REQUIRED.items() if k != missing})

    assert result.returncode != 0
    assert f"Production settings need the {missing} environment variable." in result.stderr


def test_production_starts_with_everything_set():
    result = _check(REQUIRED)

    assert result.returncode == 0, result.stderr
