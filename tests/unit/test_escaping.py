"""What a user typed is escaped for an HTML reply exactly as html.escape does it (quotes
kept), whether or not there is anything to escape."""

import html

import pytest

from bot.replies import esc


@pytest.mark.parametrize(
    "typed",
    [
        "Landing page",
        "A&B test",
        "<b>bold</b>",
        "5 > 3",
        "x<y",
        "&amp;",
        "",
        "«Цена» 'x' \"y\"",
        42,
    ],
)
def test_escaping_is_html_escape_without_quotes(typed: object) -> None:
    assert esc(typed) == html.escape(str(typed), quote=False)
