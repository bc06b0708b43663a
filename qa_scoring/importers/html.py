"""HTML bodies → safe plain text.

Helpdesks send message bodies as HTML. We keep only the words: tags are removed, ``<script>``/``<style>``
(and similar) are dropped with their content, ``<br>``, ``<p>``, ``<div>``, ``<li>``, headings and table rows
become line breaks, and entities are unescaped. Markup is never kept or executed; templates escape the text.

Bounded: ``html_to_text(value, limits=…)`` refuses (``HtmlLimitError``) an input longer than
``QA_IMPORT_HTML_MAX_CHARS``, elements nested deeper than ``QA_IMPORT_HTML_MAX_DEPTH`` and a resulting text longer
than ``QA_IMPORT_MAX_MESSAGE_CHARS``. The reduction is a fixed number of linear passes (no tree is built), so
its time and memory grow with the input's length only.
"""

from __future__ import annotations

import html as _html
import re

from .limits import ImportLimits

DEFAULT_LIMITS = ImportLimits()


class HtmlLimitError(ValueError):
    """The HTML is past a bound; the message names it."""


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
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9:-]*)" + _ATTRS + ">")
# Elements that never nest (void) or whose end tag may be left out: they do not count towards the depth.
_NOT_NESTING = frozenset(
    (
        *("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track"),
        *("wbr", "p", "li", "dt", "dd", "td", "th", "tr", "thead", "tbody", "tfoot", "colgroup", "caption"),
        *("option", "optgroup", "rp", "rt"),
    )
)


def html_depth(text: str, stop_after: int) -> int:
    """How deep elements nest (closing tags pop back to their opener, as browsers do); stops past ``stop_after``."""
    stack: list[str] = []
    for match in _TAG.finditer(text):
        name = match.group(2).lower()
        if name in _NOT_NESTING or match.group(0).endswith("/>"):
            continue
        if not match.group(1):
            stack.append(name)
            if len(stack) > stop_after:
                break
        elif name in stack:
            del stack[len(stack) - 1 - stack[::-1].index(name) :]
    return len(stack)


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


def html_to_text(value: str | None, limits: ImportLimits = DEFAULT_LIMITS) -> str:
    """Reduce an HTML fragment to plain text with line breaks kept; '' for None. HtmlLimitError past a bound."""
    if not value:
        return ""
    if len(value) > limits.html_max_chars:
        raise HtmlLimitError(
            f"the HTML is longer than {limits.html_max_chars:,} characters, past the limit (QA_IMPORT_HTML_MAX_CHARS)."
        )
    text = _reduce(value, limits)
    if len(text) > limits.max_message_chars:
        raise HtmlLimitError(
            f"the text is longer than {limits.max_message_chars:,} characters, past the limit "
            "(QA_IMPORT_MAX_MESSAGE_CHARS)."
        )
    return text


def _reduce(value: str, limits: ImportLimits) -> str:
    if "<" not in value and "&" not in value:
        return value.replace("\r\n", "\n").strip()
    text = value.replace(_BR, "")
    if "<!" in text:
        text = _COMMENT.sub("", text)
    if _DROP_HINT.search(text):
        text = _drop_content(text)
    # Fewer tags than the limit cannot nest deeper than it: only long markup is walked.
    if text.count("<") > limits.html_max_depth and html_depth(text, limits.html_max_depth) > limits.html_max_depth:
        raise HtmlLimitError(
            f"the HTML nests elements more than {limits.html_max_depth} deep, past the limit "
            "(QA_IMPORT_HTML_MAX_DEPTH)."
        )
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
