"""Format detection from the first bytes of a file: each JSON source has keys no other source uses."""

from __future__ import annotations

import re
from functools import lru_cache


@lru_cache(maxsize=64)
def _key_pattern(key: str) -> re.Pattern[str]:
    return re.compile(r'"' + re.escape(key) + r'"\s*:')


def signature_score(head_text: str, keys: tuple[str, ...]) -> int:
    """How many of a source's distinctive keys appear (as JSON object keys) in the head of the file."""
    return sum(1 for key in keys if _key_pattern(key).search(head_text))
