"""The button data codec: every kind round-trips, stays within 64 bytes, keeps its old wire
format, and turns malformed or forged data into None."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated

import pytest

from bot import buttons
from bot.buttons import ButtonData, ButtonDataTooLong, Text
from bot.handlers.settings import COMMON_ZONES, CURRENCIES, STALE_DAYS, TARGETS, TIMES
from bot.render.settings import LANGUAGE_NAMES
from experiments.domain import Business, EditField, Kind, Outcome, Stage

KINDS = ButtonData.kinds


def _name(kind: type[ButtonData]) -> str:
    return kind.__name__


def test_every_kind_of_button_in_the_module_is_registered() -> None:
    in_module = {
        value
        for value in vars(buttons).values()
        if isinstance(value, type) and issubclass(value, ButtonData) and value is not ButtonData
    }
    assert in_module == set(KINDS)
    assert len(KINDS) >= 60


@pytest.mark.parametrize("kind", KINDS, ids=_name)
def test_the_longest_data_of_every_kind_fits_in_64_bytes_and_round_trips(
    kind: type[ButtonData],
) -> None:
    # Longest: ints at their most digits, the longest enum value or word, text at its limit.
    longest = kind.longest()
    data = longest.encode()
    assert len(data.encode()) <= 64, data
    assert kind.decode(data) == longest


@pytest.mark.parametrize("kind", KINDS, ids=_name)
def test_no_two_kinds_read_the_same_data(kind: type[ButtonData]) -> None:
    data = kind.longest().encode()
    assert [other for other in KINDS if other.decode(data) is not None] == [kind]


# The wire format of buttons already out in chats: each still decodes to what it meant.
OLD_DATA = [
    ("flow:cancel", buttons.Cancel()),
    ("help:stages", buttons.StagesHelp()),
    ("x:log:3", buttons.LogResults(3)),
    ("x:ro:12", buttons.Readout(12)),
    ("x:chart:3", buttons.Chart(3)),
    ("x:show:3", buttons.Card("show", 3)),
    ("x:pause:3", buttons.Card("pause", 3)),
    ("x:resume:3", buttons.Card("resume", 3)),
    ("x:start:3", buttons.Card("start", 3)),
    ("x:end:3", buttons.Conclude(3)),
    ("x:win:3:1", buttons.Winner(3, 1)),
    ("x:win:3:-", buttons.Winner(3, None)),
    ("x:out:3:won", buttons.ConcludeAs(3, Outcome.WON)),
    ("x:out:3:inconclusive", buttons.ConcludeAs(3, Outcome.INCONCLUSIVE)),
    ("x:reopen:3", buttons.Reopen(3)),
    ("x:undo:3", buttons.UndoResult(3)),
    ("log:exp:3", buttons.LogPick(3)),
    ("log:var:1", buttons.LogVariant(1)),
    ("log:day:yesterday", buttons.LogDay("yesterday")),
    ("log:jump:ok:7", buttons.LogJump("ok", 7)),
    ("log:jump:no:7", buttons.LogJump("no", 7)),
    ("tx:log:2:1:1200:54:-", buttons.TextLog(2, 1, 1200, 54, None)),
    ("tx:log:2:1:1200:54:2026-11-30", buttons.TextLog(2, 1, 1200, 54, date(2026, 11, 30))),
    ("tx:vis:2:0:54:-", buttons.TextVisitors(2, 0, 54, None)),
    ("tx:no", buttons.TextNo()),
    ("ed:pick:3", buttons.EditPick(3)),
    ("ed:f:3:name", buttons.EditFieldChoice(3, EditField.NAME)),
    ("ed:close", buttons.EditClose()),
    ("ed:st:trust", buttons.EditStage(Stage.TRUST)),
    ("ed:rv:14d", buttons.EditReview(14)),
    ("ed:sp:-", buttons.EditSplit(None)),
    ("ed:sp:70/30", buttons.EditSplit("70/30")),
    ("new:start", buttons.NewStart()),
    ("new:next:3", buttons.NextIteration(3)),
    ("new:name:use", buttons.NewUseName()),
    ("new:kind:ab_test", buttons.NewKind(Kind.AB_TEST)),
    ("new:kind:-", buttons.NewKind(None)),
    ("new:mvp:target", buttons.NewMvpMode("target")),
    ("new:mvp:ab", buttons.NewMvpMode("ab")),
    ("new:stage:buy", buttons.NewStage(Stage.BUY)),
    ("new:stage:-", buttons.NewStage(None)),
    ("new:hyp:-", buttons.NewSkipHypothesis()),
    ("new:var:-", buttons.NewDefaultVariants()),
    ("new:split:80/20", buttons.NewSplit("80/20")),
    ("new:split:-", buttons.NewSplit(None)),
    ("new:base:-", buttons.NewSkipBaseline()),
    ("new:mde:-", buttons.NewSkipEffect()),
    ("new:rev:14", buttons.NewReview(14)),
    ("new:rev:-", buttons.NewReview(None)),
    ("new:rev:draft", buttons.NewDraft()),
    ("learn:start:3", buttons.LearnStart(3)),
    ("learn:stage:refer", buttons.LearnStage(Stage.REFER)),
    ("learn:stages", buttons.LearnStages()),
    ("learn:list", buttons.LearnList()),
    ("learn:root", buttons.LearnRootFound()),
    ("learn:rc:use", buttons.LearnUseRootCause()),
    ("learn:cm:-", buttons.LearnSkipMeasure()),
    ("learn:own:me", buttons.LearnOwnerMe()),
    ("learn:due:14", buttons.LearnDue(14)),
    ("lrn:done:5", buttons.LearningDone(5)),
    ("bl:list", buttons.BacklogList()),
    ("bl:start:3", buttons.BacklogStart(3)),
    ("ice:3:7", buttons.IceScores(3, (7,))),
    ("ice:3:7:6:10", buttons.IceScores(3, (7, 6, 10))),
    ("ice:3:skip", buttons.IceSkip(3)),
    ("imp:undo:4", buttons.ImportUndo(4)),
    ("imp:new:2", buttons.ImportNewOnes(2)),
    ("set:show", buttons.SettingsShow()),
    ("set:ask:tz", buttons.SettingsAsk("tz")),
    ("set:tz:America/New_York", buttons.SettingsChoice("tz", "America/New_York")),
    ("set:time:08:00", buttons.SettingsChoice("time", "08:00")),
    ("set:biz:shop", buttons.SettingsChoice("biz", "shop")),
    ("set:digest:off", buttons.DigestSwitch("off")),
    ("dg:keep:3", buttons.KeepRunning(3)),
    ("dg:ship:3:1", buttons.Ship(3, 1)),
    ("dg:shipok:3:1", buttons.ShipConfirmed(3, 1)),
    ("dg:shipno", buttons.ShipDeclined()),
    ("cost:show:3", buttons.CostShow(3)),
    ("del:yes:3", buttons.Delete("yes", 3)),
    ("ideas:stage:know", buttons.IdeasStage(Stage.KNOW)),
    ("ideas:pick", buttons.IdeasPick()),
    ("ideas:use:service:buy:2", buttons.IdeaUse(Business.SERVICE, Stage.BUY, 2)),
    ("ideas:use:buy:2", buttons.OnlineIdeaUse(Stage.BUY, 2)),
    ("funnel:log", buttons.FunnelLog()),
    ("chart:funnel", buttons.FunnelChart()),
]


@pytest.mark.parametrize(("data", "expected"), OLD_DATA, ids=[data for data, _ in OLD_DATA])
def test_buttons_sent_before_still_decode_and_encode_the_same(
    data: str, expected: ButtonData
) -> None:
    assert type(expected).decode(data) == expected
    assert type(expected).pattern(data)
    assert expected.encode() == data


def test_the_old_formats_cover_every_kind() -> None:
    assert {type(expected) for _data, expected in OLD_DATA} == set(KINDS)


FORGED = [
    "",
    "x:log",
    "x:log:",
    "x:log:abc",
    "x:log:-1",
    "x:log:3 ",
    "x:log:3\n",  # `$` would let a trailing newline through
    "x:log:3:4",
    "x:log:1234567890",  # ten digits: past any id
    "x:log:٣",  # an Arabic-Indic three: int() would read it
    "X:LOG:3",
    "x:out:3:maybe",
    "x:win:3:",
    "x:win:3:1234",
    "tx:log:2:1:1200:54:2026-13-45",  # the shape of a date, but no date
    "tx:log:2:1:12345678901:54:-",  # visitors past 10 digits
    "ice:3:",
    "ice:3:1:2:3:4",
    "ice:3:100",
    "set:ask:everything",
    "set:tz:Europe/Berlin; DROP TABLE",
    "set:tz:" + "A" * 41,
    "new:kind:rocket",
    "new:mvp:both",
    "new:rev:soon",
    "ed:rv:14",
    "ideas:use:mars:buy:2",
    "x:log:" + "9" * 80,
]


@pytest.mark.parametrize("data", FORGED)
def test_malformed_or_forged_data_is_no_button(data: str) -> None:
    assert [kind for kind in KINDS if kind.decode(data) is not None] == []
    assert not any(kind.pattern(data) for kind in KINDS)


@pytest.mark.parametrize("data", [None, 3, b"x:log:3", object()])
def test_data_that_is_not_text_is_no_button(data: object) -> None:
    # With arbitrary callback data (not used here) PTB could hand over any object.
    assert buttons.LogResults.decode(data) is None
    assert not buttons.LogResults.pattern(data)


def test_encode_refuses_data_over_64_bytes() -> None:
    @dataclass(frozen=True)
    class Note(ButtonData, template="note:{text}"):
        text: Annotated[str, Text(80)]

    assert Note("a" * 59).encode() == "note:" + "a" * 59  # 64 bytes
    with pytest.raises(ButtonDataTooLong):
        Note("a" * 60).encode()
    assert Note not in KINDS  # made up here: not one of the bot's kinds


@pytest.mark.parametrize(
    "button",
    [
        buttons.LogResults(-1),
        buttons.Readout(10**9),  # ten digits
        buttons.IceScores(3, ()),
        buttons.IceScores(3, (1, 2, 3, 4)),
        buttons.SettingsChoice("tz", "Europe/Berlin zone"),  # a space
        buttons.SettingsChoice("tz", ""),
    ],
)
def test_encode_refuses_values_its_kind_cannot_carry(button: ButtonData) -> None:
    with pytest.raises(ValueError):
        button.encode()


def test_every_choice_the_settings_offer_can_be_carried() -> None:
    choices = [
        *(buttons.SettingsChoice("time", at) for at in TIMES),
        *(buttons.SettingsChoice("tz", zone) for zone in COMMON_ZONES),
        *(buttons.SettingsChoice("target", str(n)) for n in TARGETS),
        *(buttons.SettingsChoice("stale", str(n)) for n in STALE_DAYS),
        *(buttons.SettingsChoice("cur", code) for code in CURRENCIES),
        *(buttons.SettingsChoice("biz", kind.value) for kind in Business),
        *(buttons.SettingsChoice("lang", code) for code in LANGUAGE_NAMES),
    ]
    for choice in choices:
        assert buttons.SettingsChoice.decode(choice.encode()) == choice


def test_a_large_count_round_trips_as_an_int() -> None:
    offer = buttons.TextLog(2, 1, 10**9, 10**9, date(2026, 11, 30))
    assert offer.encode() == "tx:log:2:1:1000000000:1000000000:2026-11-30"
    decoded = buttons.TextLog.decode(offer.encode())
    assert decoded is not None and decoded.visitors == 10**9
