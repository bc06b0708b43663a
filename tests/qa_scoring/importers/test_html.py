import pytest

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
