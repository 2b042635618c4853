"""Button data: a frozen dataclass per kind of button, encoded into the callback data a button
carries and decoded back, with the 64-byte limit of Telegram checked in one place.

Each kind declares its wire format as a template (``"x:ro:{number}"``) whose placeholders are
its typed fields; the regular expression that recognises it is built from those types, so a
handler never splits strings and forged or stale data decodes to None. The formats are the
ones the buttons have always carried, so buttons sent by an earlier version keep working.

    data = Readout(3).encode()               # "x:ro:3"
    Readout.decode(data)                     # Readout(number=3)
    CallbackQueryHandler(f, pattern=Readout.pattern)
"""

import re
import string
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from enum import Enum
from types import NoneType, UnionType
from typing import (
    Annotated,
    Any,
    ClassVar,
    Literal,
    Self,
    Union,
    get_args,
    get_origin,
    get_type_hints,
)

from experiments.domain import Business, EditField, Kind, Outcome, Stage

MAX_BYTES = 64  # Telegram's limit on callback data


class ButtonDataTooLong(ValueError):
    """Data that Telegram would refuse: a kind of button whose fields can grow too long."""


@dataclass(frozen=True)
class Digits:
    """An int field of at most ``count`` decimal digits (9 by default: fits any id column)."""

    count: int


@dataclass(frozen=True)
class Text:
    """A short str field of ASCII letters, digits and ``_/:+.-``, at most ``max_length`` long."""

    max_length: int


@dataclass(frozen=True)
class Repeated:
    """A tuple of ints joined by ":", between ``least`` and ``most`` of them."""

    least: int
    most: int
    digits: int


@dataclass(frozen=True)
class _FieldCodec:
    regex: str
    encode: Callable[[Any], str]
    decode: Callable[[str], Any]
    longest: Any  # the value whose encoding is the longest this field can carry


_NONE = "-"  # how an absent value (None) is written
_TEXT_CHARS = "A-Za-z0-9_/:+.-"


def _alternatives(words: list[str]) -> str:
    return "|".join(re.escape(word) for word in sorted(words, key=len, reverse=True))


def _int_codec(digits: int) -> _FieldCodec:
    # [0-9], not \d: int() would take other scripts' digits too.
    return _FieldCodec(rf"[0-9]{{1,{digits}}}", str, int, 10**digits - 1)


def _field_codec(hint: Any) -> _FieldCodec:
    """How one field is written, read and recognised, from its type annotation."""
    marker = None
    if get_origin(hint) is Annotated:
        hint, marker = get_args(hint)[0], get_args(hint)[1]
    origin = get_origin(hint)
    if origin in (Union, UnionType):
        [inner] = [arg for arg in get_args(hint) if arg is not NoneType]
        codec = _field_codec(Annotated[inner, marker] if marker is not None else inner)
        return _FieldCodec(
            f"{codec.regex}|{re.escape(_NONE)}",
            lambda value: _NONE if value is None else codec.encode(value),
            lambda text: None if text == _NONE else codec.decode(text),
            codec.longest,
        )
    if origin is Literal:
        words = [str(word) for word in get_args(hint)]
        return _FieldCodec(_alternatives(words), str, str, max(words, key=len))
    if isinstance(hint, type) and issubclass(hint, Enum):
        members = list(hint)
        return _FieldCodec(
            _alternatives([member.value for member in members]),
            lambda value: value.value,
            hint,
            max(members, key=lambda member: len(member.value)),
        )
    if hint is int:
        return _int_codec(marker.count if isinstance(marker, Digits) else 9)
    if hint is date:
        return _FieldCodec(
            r"[0-9]{4}-[0-9]{2}-[0-9]{2}", date.isoformat, date.fromisoformat, date.max
        )
    if hint is str and isinstance(marker, Text):
        return _FieldCodec(
            f"[{_TEXT_CHARS}]{{1,{marker.max_length}}}", str, str, "w" * marker.max_length
        )
    if origin is tuple and isinstance(marker, Repeated):
        item = rf"[0-9]{{1,{marker.digits}}}"
        return _FieldCodec(
            rf"{item}(?::{item}){{{marker.least - 1},{marker.most - 1}}}",
            lambda values: ":".join(str(value) for value in values),
            lambda text: tuple(int(value) for value in re.findall("[0-9]+", text)),
            (10**marker.digits - 1,) * marker.most,
        )
    raise TypeError(f"no button field codec for {hint!r} ({marker!r})")


class ButtonData:
    """The base of every kind of button data (subclasses are frozen dataclasses)."""

    template: ClassVar[str]
    _regex: ClassVar[re.Pattern[str]]
    _fields: ClassVar[dict[str, _FieldCodec]]
    kinds: ClassVar[list[type["ButtonData"]]] = []

    def __init_subclass__(cls, *, template: str, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        hints = get_type_hints(cls, include_extras=True)
        names = [name for _text, name, _spec, _conv in string.Formatter().parse(template) if name]
        cls.template = template
        cls._fields = {name: _field_codec(hints[name]) for name in names}
        regex = "".join(
            re.escape(text) + (f"(?P<{name}>{cls._fields[name].regex})" if name else "")
            for text, name, _spec, _conv in string.Formatter().parse(template)
        )
        cls._regex = re.compile(regex)
        if cls.__module__ == __name__:  # the bot's kinds, not ones made up elsewhere (tests)
            ButtonData.kinds.append(cls)

    def encode(self) -> str:
        """The callback data; raises when it would be refused (over 64 bytes, or a value this
        kind cannot carry)."""
        data = self.template.format(
            **{name: codec.encode(getattr(self, name)) for name, codec in self._fields.items()}
        )
        if len(data.encode()) > MAX_BYTES:
            raise ButtonDataTooLong(f"{len(data.encode())} bytes of button data: {data}")
        if self._regex.fullmatch(data) is None:
            raise ValueError(f"{self!r} cannot be written as button data")
        return data

    @classmethod
    def decode(cls, data: object) -> Self | None:
        """The button that ``data`` stands for, or None when it is not one of this kind."""
        if not isinstance(data, str) or len(data.encode()) > MAX_BYTES:
            return None
        found = cls._regex.fullmatch(data)
        if found is None:
            return None
        try:
            values = {name: codec.decode(found[name]) for name, codec in cls._fields.items()}
        except ValueError:  # e.g. a date like 2026-13-45
            return None
        return cls(**values)

    @classmethod
    def pattern(cls, data: object) -> bool:
        """For ``CallbackQueryHandler(pattern=...)``: whether ``data`` decodes as this kind."""
        return cls.decode(data) is not None

    @classmethod
    def longest(cls) -> Self:
        """The button of this kind whose data is the longest it can be (for the size check)."""
        return cls(**{name: codec.longest for name, codec in cls._fields.items()})


Number = Annotated[int, Digits(9)]
Count = Annotated[int, Digits(10)]  # visitors or conversions: up to the domain's 10^9
Index = Annotated[int, Digits(3)]  # a position in a short list (variants, ideas)


# Shared by every guided flow.
@dataclass(frozen=True)
class Cancel(ButtonData, template="flow:cancel"):
    pass


@dataclass(frozen=True)
class StagesHelp(ButtonData, template="help:stages"):
    pass


# The experiment card and what it leads to.
@dataclass(frozen=True)
class LogResults(ButtonData, template="x:log:{number}"):
    number: Number


@dataclass(frozen=True)
class Readout(ButtonData, template="x:ro:{number}"):
    number: Number


@dataclass(frozen=True)
class Chart(ButtonData, template="x:chart:{number}"):
    number: Number


@dataclass(frozen=True)
class Card(ButtonData, template="x:{action}:{number}"):
    """Show the card, or change the status from it."""

    action: Literal["show", "pause", "resume", "start"]
    number: Number


@dataclass(frozen=True)
class Conclude(ButtonData, template="x:end:{number}"):
    number: Number


@dataclass(frozen=True)
class Winner(ButtonData, template="x:win:{number}:{position}"):
    """The variant at ``position`` won; None: none did."""

    number: Number
    position: Index | None


@dataclass(frozen=True)
class ConcludeAs(ButtonData, template="x:out:{number}:{outcome}"):
    number: Number
    outcome: Outcome


@dataclass(frozen=True)
class Reopen(ButtonData, template="x:reopen:{number}"):
    number: Number


@dataclass(frozen=True)
class UndoResult(ButtonData, template="x:undo:{number}"):
    number: Number


# /log
@dataclass(frozen=True)
class LogPick(ButtonData, template="log:exp:{number}"):
    number: Number


@dataclass(frozen=True)
class LogVariant(ButtonData, template="log:var:{index}"):
    index: Index


@dataclass(frozen=True)
class LogDay(ButtonData, template="log:day:{day}"):
    day: Literal["today", "yesterday", "other"]


@dataclass(frozen=True)
class LogJump(ButtonData, template="log:jump:{answer}:{token}"):
    """Yes or no to a result far above the usual day, kept under ``token``."""

    answer: Literal["ok", "no"]
    token: Number


# Results offered from plain text; ``day`` is a past local day, None for now.
@dataclass(frozen=True)
class TextLog(ButtonData, template="tx:log:{number}:{index}:{visitors}:{conversions}:{day}"):
    number: Number
    index: Index
    visitors: Count
    conversions: Count
    day: date | None


@dataclass(frozen=True)
class TextVisitors(ButtonData, template="tx:vis:{number}:{index}:{conversions}:{day}"):
    number: Number
    index: Index
    conversions: Count
    day: date | None


@dataclass(frozen=True)
class TextNo(ButtonData, template="tx:no"):
    pass


# /edit
@dataclass(frozen=True)
class EditPick(ButtonData, template="ed:pick:{number}"):
    number: Number


@dataclass(frozen=True)
class EditFieldChoice(ButtonData, template="ed:f:{number}:{field}"):
    number: Number
    field: EditField


@dataclass(frozen=True)
class EditClose(ButtonData, template="ed:close"):
    pass


@dataclass(frozen=True)
class EditStage(ButtonData, template="ed:st:{stage}"):
    stage: Stage


@dataclass(frozen=True)
class EditReview(ButtonData, template="ed:rv:{days}d"):
    days: Annotated[int, Digits(3)]


SplitChoice = Literal["70/30", "80/20", "90/10"]


@dataclass(frozen=True)
class EditSplit(ButtonData, template="ed:sp:{split}"):
    """A planned split; None: equal."""

    split: SplitChoice | None


# /new
@dataclass(frozen=True)
class NewStart(ButtonData, template="new:start"):
    pass


@dataclass(frozen=True)
class NextIteration(ButtonData, template="new:next:{number}"):
    number: Number


@dataclass(frozen=True)
class NewUseName(ButtonData, template="new:name:use"):
    pass


@dataclass(frozen=True)
class NewKind(ButtonData, template="new:kind:{kind}"):
    kind: Kind | None


@dataclass(frozen=True)
class NewMvpMode(ButtonData, template="new:mvp:{mode}"):
    """An MVP campaign: one variant against a target rate, or an A/B test against a control."""

    mode: Literal["target", "ab"]


@dataclass(frozen=True)
class NewStage(ButtonData, template="new:stage:{stage}"):
    stage: Stage | None


@dataclass(frozen=True)
class NewSkipHypothesis(ButtonData, template="new:hyp:-"):
    pass


@dataclass(frozen=True)
class NewDefaultVariants(ButtonData, template="new:var:-"):
    pass


@dataclass(frozen=True)
class NewSplit(ButtonData, template="new:split:{split}"):
    split: SplitChoice | None


@dataclass(frozen=True)
class NewSkipBaseline(ButtonData, template="new:base:-"):
    pass


@dataclass(frozen=True)
class NewSkipEffect(ButtonData, template="new:mde:-"):
    pass


@dataclass(frozen=True)
class NewReview(ButtonData, template="new:rev:{days}"):
    """Review in ``days``; None: no review date."""

    days: Annotated[int, Digits(3)] | None


@dataclass(frozen=True)
class NewDraft(ButtonData, template="new:rev:draft"):
    pass


# /learn
@dataclass(frozen=True)
class LearnStart(ButtonData, template="learn:start:{number}"):
    number: Number


@dataclass(frozen=True)
class LearnStage(ButtonData, template="learn:stage:{stage}"):
    stage: Stage


@dataclass(frozen=True)
class LearnStages(ButtonData, template="learn:stages"):
    pass


@dataclass(frozen=True)
class LearnList(ButtonData, template="learn:list"):
    pass


@dataclass(frozen=True)
class LearnRootFound(ButtonData, template="learn:root"):
    pass


@dataclass(frozen=True)
class LearnUseRootCause(ButtonData, template="learn:rc:use"):
    pass


@dataclass(frozen=True)
class LearnSkipMeasure(ButtonData, template="learn:cm:-"):
    pass


@dataclass(frozen=True)
class LearnOwnerMe(ButtonData, template="learn:own:me"):
    pass


@dataclass(frozen=True)
class LearnDue(ButtonData, template="learn:due:{days}"):
    days: Annotated[int, Digits(3)]


@dataclass(frozen=True)
class LearningDone(ButtonData, template="lrn:done:{learning_id}"):
    learning_id: Number


# /backlog and scoring
@dataclass(frozen=True)
class BacklogList(ButtonData, template="bl:list"):
    pass


@dataclass(frozen=True)
class BacklogStart(ButtonData, template="bl:start:{number}"):
    number: Number


@dataclass(frozen=True)
class IceScores(ButtonData, template="ice:{number}:{scores}"):
    """The ICE answers so far (impact, confidence, ease), carried so no state is kept."""

    number: Number
    scores: Annotated[tuple[int, ...], Repeated(1, 3, digits=2)]


@dataclass(frozen=True)
class IceSkip(ButtonData, template="ice:{number}:skip"):
    number: Number


# Imports
@dataclass(frozen=True)
class ImportUndo(ButtonData, template="imp:undo:{import_id}"):
    import_id: Number


@dataclass(frozen=True)
class ImportNewOnes(ButtonData, template="imp:new:{token}"):
    token: Number


# /settings
Setting = Literal["time", "tz", "target", "stale", "lang", "cur", "biz"]


@dataclass(frozen=True)
class SettingsShow(ButtonData, template="set:show"):
    pass


@dataclass(frozen=True)
class SettingsAsk(ButtonData, template="set:ask:{setting}"):
    setting: Setting


@dataclass(frozen=True)
class SettingsChoice(ButtonData, template="set:{setting}:{value}"):
    """One of the choices offered for a setting (checked by the service like typed ones)."""

    setting: Setting
    value: Annotated[str, Text(40)]


@dataclass(frozen=True)
class DigestSwitch(ButtonData, template="set:digest:{state}"):
    state: Literal["on", "off"]


# The digest's nudges
@dataclass(frozen=True)
class KeepRunning(ButtonData, template="dg:keep:{number}"):
    number: Number


@dataclass(frozen=True)
class Ship(ButtonData, template="dg:ship:{number}:{index}"):
    number: Number
    index: Index


@dataclass(frozen=True)
class ShipConfirmed(ButtonData, template="dg:shipok:{number}:{index}"):
    number: Number
    index: Index


@dataclass(frozen=True)
class ShipDeclined(ButtonData, template="dg:shipno"):
    pass


# /cost, /delete
@dataclass(frozen=True)
class CostShow(ButtonData, template="cost:show:{number}"):
    number: Number


@dataclass(frozen=True)
class Delete(ButtonData, template="del:{action}:{number}"):
    action: Literal["ask", "csv", "yes", "no"]
    number: Number


# /ideas and the funnel
@dataclass(frozen=True)
class IdeasStage(ButtonData, template="ideas:stage:{stage}"):
    stage: Stage


@dataclass(frozen=True)
class IdeasPick(ButtonData, template="ideas:pick"):
    pass


@dataclass(frozen=True)
class IdeaUse(ButtonData, template="ideas:use:{business}:{stage}:{index}"):
    business: Business
    stage: Stage
    index: Annotated[int, Digits(2)]


@dataclass(frozen=True)
class OnlineIdeaUse(ButtonData, template="ideas:use:{stage}:{index}"):
    """Sent before ideas had kinds of business: the online-product catalog."""

    stage: Stage
    index: Annotated[int, Digits(2)]


@dataclass(frozen=True)
class FunnelLog(ButtonData, template="funnel:log"):
    pass


@dataclass(frozen=True)
class FunnelChart(ButtonData, template="chart:funnel"):
    pass
