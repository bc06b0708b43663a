"""HTML bodies → safe plain text.

Helpdesks send message bodies as HTML. We keep only the words: tags are removed, ``<script>``/``<style>``
(and similar) are dropped with their content, ``<br>``, ``<p>``, ``<div>``, ``<li>``, headings and table rows
become line breaks, and entities are unescaped. Markup is never kept or executed; templates escape the text.
"""

from __future__ import annotations

import html as _html
import re

# Elements whose content is never text a person wrote.
_DROP_CONTENT = re.compile(
    r"<(script|style|head|title|template|noscript|iframe|object|svg)\b[^>]*>.*?</\1\s*>",
    re.IGNORECASE | re.DOTALL,
)
_COMMENT = re.compile(r"<!--.*?(?:-->|$)|<!\[CDATA\[.*?(?:\]\]>|$)", re.DOTALL)
# A tag, allowing quoted attribute values that contain ">".
_TAG = r"<(/?)([a-zA-Z][a-zA-Z0-9:-]*)(?:[^>\"']|\"[^\"]*\"|'[^']*')*>"
_ANY_TAG = re.compile(_TAG)
_LEFTOVER = re.compile(r"<[!?/]?[a-zA-Z][^>]*>?")  # unclosed or odd tags left by broken markup
_BREAK = {"br", "hr"}
_BLOCK = {"p", "div", "li", "ul", "ol", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table"}
_BR = "\x00"  # a <br> line break, kept apart from block breaks (which collapse)
_NEWLINES = re.compile(r"\n(?:[ \t]*\n)+")
_RUNS = re.compile(r"[ \t]{2,}")
_SPACES = re.compile(r"[ \t\f\v\r\n\u00a0]+")


def _tag_to_break(match: re.Match[str]) -> str:
    name = match.group(2).lower()
    if name in _BREAK:
        return _BR
    if name in _BLOCK:
        return "\n"
    if name in ("td", "th"):
        return " "
    return ""


def html_to_text(value: str | None) -> str:
    """Reduce an HTML fragment to plain text with line breaks kept; '' for None."""
    if not value:
        return ""
    if "<" not in value and "&" not in value:
        return value.replace("\r\n", "\n").strip()
    text = value.replace(_BR, "")
    text = _COMMENT.sub("", text)
    text = _DROP_CONTENT.sub("", text)
    # Source whitespace is not significant in HTML; line breaks come from the tags.
    text = _SPACES.sub(" ", text)
    text = _ANY_TAG.sub(_tag_to_break, text)
    text = _LEFTOVER.sub("", text)
    text = _html.unescape(text).replace("\u00a0", " ")
    text = _RUNS.sub(" ", text)
    # Block edges collapse to one line break; each <br> stays a line break of its own.
    text = _NEWLINES.sub("\n", "\n".join(line.strip() for line in text.split("\n"))).strip("\n")
    return "\n".join(line.strip() for line in text.replace(_BR, "\n").split("\n")).strip()
