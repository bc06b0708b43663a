import pytest
from hypothesis import given
from hypothesis import strategies as st

from qa_scoring.importers.html import html_to_text


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>Hi Sam,</p><p>I understand &euro;42 &amp; more</p>", "Hi Sam,\nI understand €42 & more"),
        ("<ul><li>a</li><li>b</li></ul>", "a\nb"),
        ("<p>a<br><br/>b</p>", "a\n\nb"),
        ("<div>a</div>b", "a\nb"),
        ("x<script>alert(1)</script><style>p{color:red}</style>y", "xy"),
        ("<a title=\"a>b\" href='x'>link</a> &lt;script&gt;", "link <script>"),
        ("<!-- hidden -->t<img src=x onerror=alert(1)>", "t"),
        ("<p>Line  one\n   continues</p>", "Line one continues"),
        ("<table><tr><td>Size</td><td>M</td></tr><tr><td>Colour</td><td>red</td></tr></table>", "Size M\nColour red"),
        ("plain text\r\nnext", "plain text\nnext"),
        ("a < b\nnext", "a < b next"),
        ("<p>Siparişim&nbsp;nerede?</p>", "Siparişim nerede?"),
        ("", ""),
        (None, ""),
    ],
)
def test_html_to_text(html, text):
    assert html_to_text(html) == text


def test_unclosed_script_swallows_the_rest_and_is_linear():
    assert html_to_text("<p>ok</p><script>alert(1)") == "ok"
    assert html_to_text("<p>ok</p><SCRIPT type='x'>bad</Script ><p>after</p>") == "ok\nafter"
    assert html_to_text("a<style>" * 20000 + "b") == "a"  # many unclosed openers: one pass, no blow-up


@given(st.text(alphabet=st.sampled_from(list("<>/\"'=ab scriptyle!-\n")), max_size=200))
def test_no_markup_survives(html):
    text = html_to_text(html)
    assert "<script" not in text.lower()
    assert "\x00" not in text
    assert text == text.strip()
