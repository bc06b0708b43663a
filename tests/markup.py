"""Reading rendered pages in tests."""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser


class _Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: Counter[str] = Counter()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "id" and value:
                self.ids[value] += 1


def duplicate_ids(html: str) -> list[str]:
    """Element ids used more than once (a label or aria-describedby pointing at one of them finds the wrong one)."""
    parser = _Ids()
    parser.feed(html)
    return sorted(value for value, n in parser.ids.items() if n > 1)
