import io
import json
from pathlib import Path

import pytest

from qa_scoring.importers.registry import parse

SAMPLES = Path(__file__).parent / "samples"


def load(name: str):
    return json.loads((SAMPLES / name).read_text(encoding="utf-8"))


def run(payload, **kwargs):
    """Parse a payload (a Python object, dumped as JSON, or raw bytes) and list what comes out."""
    data = payload if isinstance(payload, bytes) else json.dumps(payload, ensure_ascii=False).encode()
    return list(parse(io.BytesIO(data), **kwargs))


def as_jsonl(records) -> bytes:
    return "\n".join(json.dumps(r, ensure_ascii=False) for r in records).encode() + b"\n"


@pytest.fixture
def samples():
    return load
