"""HTML bodies → safe plain text.

Helpdesks send message bodies as HTML. We keep only the words: tags are removed, ``<script>``/``<style>``
(and similar) are dropped with their content, ``<br>``, ``<p>``, ``<div>``, ``<li>``, headings and table rows
become line breaks, and entities are unescaped. Markup is never kept or executed; templates escape the text.
"""

from __future__ import annotations

import html as _html
import re

# Elements whose content is never text a person wrote.
_DROP_NAMES = r"script|style|head|title|template|noscript|iframe|object|svg"
_DROP_HINT = re.compile(r"<(?:" + _DROP_NAMES + r")\b", re.IGNORECASE)
_DROP_OPEN = re.compile(r"<(" + _DROP_NAMES + r")\b", re.IGNORECASE)
_COMMENT = re.compile(r"<!--.*?(?:-->|$)|<!\[CDATA\[.*?(?:\]\]>|$)", re.DOTALL)
_ATTRS = r"(?:[^>\"']++|\"[^\"]*+\"|'[^']*+')*+"  # attributes, allowing quoted values that contain ">"
_BR_TAG = re.compile(r"<(?:br|hr)\b" + _ATTRS + ">", re.IGNORECASE)
_BLOCK_TAG = re.compile(
    r"</?(?:p|div|li|ul|ol|tr|h[1-6]|blockquote|pre|table|section|article|header|footer)\b" + _ATTRS + ">",
    re.IGNORECASE,
)
_CELL_TAG = re.compile(r"</?(?:td|th)\b" + _ATTRS + ">", re.IGNORECASE)
_ANY_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9:-]*" + _ATTRS + ">")
_LEFTOVER = re.compile(r"<[!?/]?[a-zA-Z][^>]*>?")  # unclosed or odd tags left by broken markup
_BR = "\x00"  # a <br> line break, kept apart from block breaks (which collapse)


def _drop_content(text: str) -> str:
    """Remove <script>…</script> and the like in one pass (an unclosed one swallows the rest: no backtracking)."""
    out, position = [], 0
    lowered = text.lower()
    while match := _DROP_OPEN.search(text, position):
        out.append(text[position : match.start()])
        closing = lowered.find("</" + match.group(1).lower(), match.end())
        if closing < 0:
            return "".join(out)
        end = text.find(">", closing)
        position = len(text) if end < 0 else end + 1
    out.append(text[position:])
    return "".join(out)


def html_to_text(value: str | None) -> str:
    """Reduce an HTML fragment to plain text with line breaks kept; '' for None."""
    if not value:
        return ""
    if "<" not in value and "&" not in value:
        return value.replace("\r\n", "\n").strip()
    text = value.replace(_BR, "")
    if "<!" in text:
        text = _COMMENT.sub("", text)
    if _DROP_HINT.search(text):
        text = _drop_content(text)
    # Source whitespace is not significant in HTML; line breaks come from the tags.
    text = " ".join(text.split())
    text = _BR_TAG.sub(_BR, text)
    text = _BLOCK_TAG.sub("\n", text)
    text = _CELL_TAG.sub(" ", text)
    text = _ANY_TAG.sub("", text)
    if "<" in text:
        text = _LEFTOVER.sub("", text)
    if "&" in text:
        text = _html.unescape(text)
    # Block edges collapse to one line break; each <br> stays a line break of its own.
    lines = []
    for line in text.split("\n"):
        line = " ".join(line.split())
        if line:
            lines.append("\n".join(part.strip() for part in line.split(_BR)) if _BR in line else line)
    return "\n".join(lines).strip()
