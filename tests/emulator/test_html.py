"""The strict parser for Telegram's HTML subset."""

import pytest

from emulator.html import HtmlParseError, parse_html


def test_tags_become_entities_with_utf16_offsets():
    parsed = parse_html('😀 <b>bold</b> <a href="https://x.test/?a=1&amp;b=2">link</a>')

    assert parsed.text == "😀 bold link"
    assert parsed.entities() == [
        {"type": "bold", "offset": 3, "length": 4},
        {"type": "text_link", "offset": 8, "length": 4, "url": "https://x.test/?a=1&b=2"},
    ]


@pytest.mark.parametrize(
    ("source", "kind"),
    [
        ("<strong>x</strong>", "bold"),
        ("<em>x</em>", "italic"),
        ("<ins>x</ins>", "underline"),
        ("<del>x</del>", "strikethrough"),
        ("<strike>x</strike>", "strikethrough"),
        ("<tg-spoiler>x</tg-spoiler>", "spoiler"),
        ('<span class="tg-spoiler">x</span>', "spoiler"),
        ("<code>x</code>", "code"),
        ("<blockquote>x</blockquote>", "blockquote"),
        ("<blockquote expandable>x</blockquote>", "expandable_blockquote"),
    ],
)
def test_each_supported_tag_maps_to_its_entity(source, kind):
    assert parse_html(source).entities()[0]["type"] == kind


def test_pre_with_language_is_one_entity():
    parsed = parse_html('<pre><code class="language-python">x = 1</code></pre>')

    assert parsed.entities() == [{"type": "pre", "offset": 0, "length": 5, "language": "python"}]


def test_entities_are_decoded():
    assert parse_html("&lt;a&gt; &amp; &quot;q&quot; &#39;&#x27;").text == "<a> & \"q\" ''"


@pytest.mark.parametrize(
    ("source", "reason"),
    [
        ("a < b", 'Unsupported start tag "" at byte offset 2'),
        ("<script>x</script>", 'Unsupported start tag "script" at byte offset 0'),
        ("<b>open", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b>x</i>", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("<b", "Unclosed start tag at byte offset 0"),
        ("<span>x</span>", 'Tag "span" must have class "tg-spoiler"'),
        ("Tom & Jerry", 'bare "&" at byte offset 4'),
        ("&nbsp;", "Unsupported character entity"),
        ("é <x>", 'Unsupported start tag "x" at byte offset 3'),
    ],
)
def test_malformed_html_is_rejected_with_telegrams_reason(source, reason):
    with pytest.raises(HtmlParseError, match="can't parse entities") as error:
        parse_html(source)

    assert reason in str(error.value)


def test_bare_greater_than_is_accepted_like_telegram():
    assert parse_html("a > b").text == "a > b"


def test_stripping_keeps_entities_on_their_text():
    parsed = parse_html("  <b>x</b>  ").stripped()

    assert parsed.text == "x"
    assert parsed.entities() == [{"type": "bold", "offset": 0, "length": 1}]
