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
_SPACES = re.compile(r"[ \t\f\v\r\n\u00a0]+")


def _tag_to_break(match: re.Match[str]) -> str:
    name = match.group(2).lower()
    if name in _BREAK:
        return "\n"
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
    text = _COMMENT.sub("", value)
    text = _DROP_CONTENT.sub("", text)
    # Source whitespace is not significant in HTML; line breaks come from the tags.
    text = _SPACES.sub(" ", text)
    text = _ANY_TAG.sub(_tag_to_break, text)
    text = _LEFTOVER.sub("", text)
    text = _html.unescape(text).replace("\u00a0", " ")
    lines = [line.strip() for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()
