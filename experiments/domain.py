"""The product's vocabulary: enums, limits, value objects and the errors a user can cause."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import ROUND_DOWN, Decimal
from enum import StrEnum
from typing import Any

# Re-exported: the statuses are the product's vocabulary too.
from experiments.fast_init import fast_frozen_init
from experiments.lifecycle import Lifecycle as Lifecycle
from experiments.lifecycle import Status as Status


class Msg(str):
    """An English gettext source string, translated only when shown (see ``N_``)."""

    __slots__ = ()


def N_(message: str) -> Msg:
    """Marks a string for the gettext catalog; it is translated only when shown."""
    return Msg(message)


def _same(message: str) -> str:
    return message


class Kind(StrEnum):
    AB_TEST = "ab_test"
    MVP_CAMPAIGN = "mvp_campaign"
    ADVOCACY = "advocacy"


class Stage(StrEnum):
    """The seven stages of the marketing hourglass, in the customer's order."""

    KNOW = "know"
    LIKE = "like"
    TRUST = "trust"
    TRY = "try"
    BUY = "buy"
    REPEAT = "repeat"
    REFER = "refer"


STAGE_NAMES: dict[Stage, Msg] = {
    Stage.KNOW: N_("Know"),
    Stage.LIKE: N_("Like"),
    Stage.TRUST: N_("Trust"),
    Stage.TRY: N_("Try"),
    Stage.BUY: N_("Buy"),
    Stage.REPEAT: N_("Repeat"),
    Stage.REFER: N_("Refer"),
}


class Business(StrEnum):
    """What kind of business a workspace runs: /ideas and examples are written for it."""

    SHOP = "shop"  # a shop or a café: people walk in
    SERVICE = "service"  # a consultant, a salon, a tutor: clients book
    ONLINE = "online"  # an online product: visitors sign up and buy on a site
    ALL = "all"  # not said: a mix of all three


BUSINESS_NAMES: dict[Business, Msg] = {
    Business.SHOP: N_("shop or café"),
    Business.SERVICE: N_("service"),
    Business.ONLINE: N_("online product"),
    Business.ALL: N_("all kinds"),
}


STATUS_NAMES: dict[Status, Msg] = {
    Status.DRAFT: N_("draft"),
    Status.RUNNING: N_("running"),
    Status.PAUSED: N_("paused"),
    Status.CONCLUDED: N_("concluded"),
}


class EditField(StrEnum):
    """What /edit may change of an experiment (``experiments.editing`` says when)."""

    NAME = "name"
    HYPOTHESIS = "hypothesis"
    STAGE = "stage"
    REVIEW = "review"
    COST = "cost"
    VARIANTS = "variants"
    SPLIT = "split"
    PLAN = "plan"
    ICE = "ice"


class Outcome(StrEnum):
    WON = "won"
    LOST = "lost"
    INCONCLUSIVE = "inconclusive"


NAME_MAX_CHARS = 80
HYPOTHESIS_MAX_CHARS = 500
VARIANT_NAME_MAX_CHARS = 24
MIN_VARIANTS = 2
MAX_VARIANTS = 10
# A single observation above a billion visitors is a typo, not a campaign.
MAX_COUNT_PER_OBSERVATION = 1_000_000_000
# Money is kept to the cent; more is a typo (or a currency the bot does not count in).
MAX_MONEY = Decimal("1e12")
CENT = Decimal("0.01")
# A result dated before this is a typo (and dates near year 1 or 9999 overflow in time zones).
EARLIEST_LOGGED_AT = datetime(2000, 1, 1, tzinfo=UTC)
DEFAULT_VARIANT_NAMES = ("A", "B")
HYPOTHESIS_TEMPLATE = N_("We believe <change> for <who> will <effect>, measured by <metric>.")

# Words of letters, digits, - . + _ with single spaces between them: "B", "old price".
_VARIANT_NAME = re.compile(r"\w[\w\-.+]*(?: [\w\-.+]+)*")


# ---------------------------------------------------------------- errors


class DomainError(Exception):
    """A problem the user caused; its message is written for the user and says how to fix it.

    The message is an English gettext source string with ``{named}`` placeholders, so the chat
    can translate it before filling in the values.
    """

    template: str = N_("Something about that input was wrong.")

    def __init__(self, template: str | None = None, **params: Any) -> None:
        if template is not None:
            self.template = template
        self.params: Mapping[str, Any] = params
        super().__init__(self.message())

    def message(self, translate: Callable[[str], str] = _same) -> str:
        # Words passed as values (e.g. "visitors") are themselves marked Msg, and translated too;
        # a Phrase (a part of the sentence with values of its own) is filled in on its own.
        values = {key: _shown(value, translate) for key, value in self.params.items()}
        return translate(self.template).format(**values)


@dataclass(frozen=True)
class Phrase:
    """A translatable part of an error's sentence with values of its own: the example that
    says how to write a count right where it was typed (a result, a funnel, the calculator)."""

    template: Msg
    values: Mapping[str, Any]

    def shown(self, translate: Callable[[str], str]) -> str:
        filled = {key: _shown(value, translate) for key, value in self.values.items()}
        return translate(self.template).format(**filled)


def phrase(template: Msg, **values: Any) -> Phrase:
    return Phrase(template, values)


def _shown(value: Any, translate: Callable[[str], str]) -> Any:
    if isinstance(value, Phrase):
        return value.shown(translate)
    return translate(value) if isinstance(value, Msg) else value


class InvalidInput(DomainError):
    """Badly written input: a count that is not a number, a name over the limit, …"""


class UnknownExperiment(DomainError):
    # Deliberately the same words whether the experiment is missing or belongs to another chat.
    template = N_("There is no experiment #{number} here. /list shows your experiments.")

    def __init__(self, number: int) -> None:
        super().__init__(number=number)


class UnknownVariant(DomainError):
    template = N_("Experiment #{number} has no variant “{variant}”. Its variants are: {known}.")

    def __init__(self, number: int, variant: str, known: list[str]) -> None:
        super().__init__(number=number, variant=variant, known=", ".join(known))


class EpisodeOutOfOrder(DomainError):
    template = N_(
        "Episode “{episode}” of #{number} comes after “{previous}”, which has no results yet. "
        "A storyline's episodes run one after another: log “{previous}” first."
    )

    def __init__(self, number: int, episode: str, previous: str) -> None:
        super().__init__(number=number, episode=episode, previous=previous)


class UnknownWinner(DomainError):
    template = N_(
        "“{word}” is neither a variant of #{number} ({known}) nor an outcome. Write the variant "
        "that won, e.g. /conclude #{number} {example}, or won, lost or inconclusive."
    )

    def __init__(self, number: int, word: str, known: Sequence[str]) -> None:
        super().__init__(number=number, word=word, known=", ".join(known), example=known[-1])


class VariantsChanged(DomainError):
    """A choice of variant made on buttons sent before the experiment's variants changed."""

    template = N_("The variants of #{number} changed since that question: pick again.")

    def __init__(self, number: int) -> None:
        super().__init__(number=number)


class ConversionsExceedVisitors(DomainError):
    template = N_(
        "Conversions ({conversions}) can't exceed visitors ({visitors}). "
        "Try: /log #{number} {variant} {visitors} {conversions_example}"
    )

    def __init__(self, number: int, variant: str, visitors: int, conversions: int) -> None:
        super().__init__(
            number=number,
            variant=variant,
            visitors=visitors,
            conversions=conversions,
            conversions_example=min(conversions, visitors),
        )


class NegativeCount(DomainError):
    """A count below zero, wherever it was typed; ``count`` names it (``visitors: -10``) and
    ``how`` says how to write it right there."""

    template = N_("Counts can't be negative ({count}). {how}")

    def __init__(self, count: str | Phrase, how: Msg | Phrase) -> None:
        super().__init__(count=count, how=how)


class NoVisitors(DomainError):
    template = N_(
        "An entry of 0 visitors says nothing, so it was not logged. Log results once visitors "
        "came, e.g. /log #{number} {variant} 120 12"
    )

    def __init__(self, number: int, variant: str) -> None:
        super().__init__(number=number, variant=variant)


class CountTooLarge(DomainError):
    template = N_("{what} ({value}) is more than one entry can hold (at most {limit}).")

    def __init__(self, what: str, value: int) -> None:
        super().__init__(what=what, value=value, limit=MAX_COUNT_PER_OBSERVATION)


class UnknownStage(DomainError):
    template = N_(
        "“{word}” is not an hourglass stage. Write one of: "
        "know, like, trust, try, buy, repeat, refer."
    )

    def __init__(self, word: str) -> None:
        super().__init__(word=word)


class ExperimentConcluded(DomainError):
    template = N_(
        "Experiment #{number} is concluded, so it takes no more results. "
        "Start the next iteration with /new."
    )

    def __init__(self, number: int) -> None:
        super().__init__(number=number)


class DuplicateVariant(DomainError):
    template = N_("Variant names must differ; “{variant}” appears twice.")

    def __init__(self, variant: str) -> None:
        super().__init__(variant=variant)


class NothingToUndo(DomainError):
    template = N_("Experiment #{number} has no logged results to undo.")

    def __init__(self, number: int) -> None:
        super().__init__(number=number)


class InvalidStatusChange(DomainError):
    template = N_("Experiment #{number} is {current}; it can't be {wanted} from there.")

    def __init__(self, number: int, current: Status, wanted: Msg) -> None:
        super().__init__(number=number, current=STATUS_NAMES[current], wanted=wanted)


class NotConcluded(DomainError):
    template = N_(
        "Experiment #{number} is {current}, not concluded, so there is nothing to reopen."
    )

    def __init__(self, number: int, current: Status) -> None:
        super().__init__(number=number, current=STATUS_NAMES[current])


# ---------------------------------------------------------------- validation


def clean_line(text: str, *, limit: int, empty: DomainError, too_long: Msg) -> str:
    """Typed text on one line (runs of white space folded), 1..limit characters.

    ``too_long`` is a message with ``{length}`` and ``{limit}``.
    """
    cleaned = " ".join(text.split())
    if not cleaned:
        raise empty
    if len(cleaned) > limit:
        raise InvalidInput(too_long, length=len(cleaned), limit=limit)
    return cleaned


def clean_name(name: str) -> str:
    """An experiment's name, checked against the limits."""
    return clean_line(
        name,
        limit=NAME_MAX_CHARS,
        empty=InvalidInput(N_("The experiment needs a name, e.g. /new Landing page headline")),
        too_long=N_("That name is {length} characters long; keep it to {limit}."),
    )


def clean_hypothesis(hypothesis: str | None) -> str | None:
    if hypothesis is None:
        return None
    cleaned = hypothesis.strip()
    if not cleaned:
        return None
    if len(cleaned) > HYPOTHESIS_MAX_CHARS:
        raise InvalidInput(
            N_("That hypothesis is {length} characters long; keep it to {limit}."),
            length=len(cleaned),
            limit=HYPOTHESIS_MAX_CHARS,
        )
    return cleaned


# The one variant of an MVP campaign measured against a target, when none is named.
TARGET_VARIANT_NAME = "MVP"


def clean_target_variant(names: list[str] | tuple[str, ...] | None) -> list[str]:
    """The single variant of an experiment measured against a target rate (no control)."""
    if not names:
        return [TARGET_VARIANT_NAME]
    if len(names) != 1:
        raise InvalidInput(
            N_(
                "An MVP campaign against a target rate has one variant (you gave {count}). "
                "Example: /new Tasting box | box target 5%"
            ),
            count=len(names),
        )
    name = " ".join(names[0].split())
    check_variant_name(name)
    return [name]


def clean_episode_names(names: list[str] | tuple[str, ...]) -> list[str]:
    """The episodes of an advocacy storyline, in the order they run: 1..10, distinct, short."""
    cleaned = [name.strip() for name in names]
    if not 1 <= len(cleaned) <= MAX_VARIANTS:
        raise InvalidInput(
            N_(
                "A storyline has between 1 and {high} episodes (you gave {count}). "
                "Example: /new Referral story | episodes: invite, reminder"
            ),
            high=MAX_VARIANTS,
            count=len(cleaned),
        )
    seen: set[str] = set()
    for name in cleaned:
        check_variant_name(name)
        if name.casefold() in seen:
            raise DuplicateVariant(name)
        seen.add(name.casefold())
    return cleaned


def clean_variant_names(names: list[str] | tuple[str, ...] | None) -> list[str]:
    """Variant names in order (the first is the control), checked: 2..10, distinct, short."""
    if not names:
        return list(DEFAULT_VARIANT_NAMES)
    cleaned = [" ".join(n.split()) for n in names]
    if len(cleaned) < MIN_VARIANTS or len(cleaned) > MAX_VARIANTS:
        raise InvalidInput(
            N_(
                "An experiment has between {low} and {high} variants (you gave {count}). "
                "Example: /new Pricing page | A, B, C"
            ),
            low=MIN_VARIANTS,
            high=MAX_VARIANTS,
            count=len(cleaned),
        )
    seen: set[str] = set()
    for name in cleaned:
        check_variant_name(name)
        if name.casefold() in seen:
            raise DuplicateVariant(name)
        seen.add(name.casefold())
    return cleaned


def check_variant_name(name: str) -> None:
    if not name:
        raise InvalidInput(
            N_("A variant name is empty. Separate names with commas: /new Pricing | A, B")
        )
    if len(name) > VARIANT_NAME_MAX_CHARS or not _VARIANT_NAME.fullmatch(name):
        raise InvalidInput(
            N_(
                "“{variant}” can't be a variant name: use letters, digits, spaces, - or _ "
                "(at most {limit} characters), e.g. A, B, control, new price."
            ),
            variant=name,
            limit=VARIANT_NAME_MAX_CHARS,
        )


def clean_split(weights: Sequence[float] | None, arm_count: int) -> tuple[float, ...] | None:
    """The planned traffic weights, one per variant (control first); None for an equal split.

    Weights are relative (70, 30 and 0.7, 0.3 are the same split); each arm needs a share.
    """
    if weights is None:
        return None
    cleaned = tuple(float(weight) for weight in weights)
    if len(cleaned) != arm_count:
        raise InvalidInput(
            N_(
                "The split needs one share per variant: {count} variants, {given} shares. "
                "Write it like 70/30, the control first."
            ),
            count=arm_count,
            given=len(cleaned),
        )
    if not all(weight > 0 and weight < float("inf") for weight in cleaned):
        raise InvalidInput(
            N_("Every variant needs a share above zero. Write the split like 70/30.")
        )
    if len(set(cleaned)) == 1:
        return None
    return cleaned


def split_to_text(weights: tuple[float, ...] | None) -> str | None:
    """(70.0, 30.0) -> '70,30' as stored; None stays None (an equal split)."""
    if weights is None:
        return None
    return ",".join(f"{weight:g}" for weight in weights)


def split_from_text(text: str | None) -> tuple[float, ...] | None:
    if not text:
        return None
    return tuple(float(part) for part in text.split(","))


def split_shares(weights: tuple[float, ...] | None, arm_count: int) -> tuple[float, ...]:
    """Shares summing to 1 (equal when no split was planned)."""
    if weights is None:
        return tuple(1 / arm_count for _ in range(arm_count))
    total = sum(weights)
    return tuple(weight / total for weight in weights)


def conversions_fit(conversions: int, visitors: int) -> bool:
    """The rule for every pair of counts: conversions can't exceed visitors."""
    return conversions <= visitors


def check_count(
    what: Msg | str, value: int, how: Msg | Phrase, *, shown: Phrase | None = None
) -> int:
    """The rule for every count a user gives (a result's visitors or conversions, a funnel
    stage's people, the calculator's numbers): not negative, within the limit. ``how`` says
    how to write it right; ``shown`` is how the count was typed, when not ``what: value``."""
    if value < 0:
        count = shown or phrase(N_("{what}: {value}"), what=what, value=value)
        raise NegativeCount(count, how)
    if value > MAX_COUNT_PER_OBSERVATION:
        raise CountTooLarge(what, value)
    return value


def check_counts(number: int, variant: str, visitors: int, conversions: int) -> None:
    """The rules every logged observation obeys."""
    how = phrase(
        N_("Write whole numbers, e.g. /log #{number} {variant} 120 12"),
        number=number,
        variant=variant,
    )
    check_count(N_("visitors"), visitors, how)
    check_count(N_("conversions"), conversions, how)
    if not conversions_fit(conversions, visitors):
        raise ConversionsExceedVisitors(number, variant, visitors, conversions)
    if visitors == 0:
        raise NoVisitors(number, variant)


_COUNT_TEXT = re.compile(r"(-?)([0-9]{1,15})")


def read_count(text: str) -> int | None:
    """A count written as plain digits (separators already taken out); None if it is not one.

    A minus sign before the digits is read, so that ``check_counts`` can say why a count can't
    be negative; "-0", "+5", "1.5", "1e3", non-ASCII digits and more than 15 digits are not
    counts.
    """
    match = _COUNT_TEXT.fullmatch(text)
    if match is None:
        return None
    value = int(match.group(2))
    if match.group(1):
        return -value if value else None
    return value


def target_rate(baseline: float, mde: float, *, relative: bool) -> float:
    """The rate an effect aims at: ``baseline x (1 + mde)`` if relative, else ``baseline + mde``."""
    return baseline * (1 + mde) if relative else baseline + mde


def check_cents(value: Decimal, token: str) -> Decimal:
    """An amount of money to the cent, exactly as written: 1.999 is refused, not rounded.

    The value is finite and at most MAX_MONEY (the callers check that first).
    """
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -2:
        raise InvalidInput(
            N_(
                "“{token}” has more than two decimal places. Write the amount to the cent, "
                "e.g. {example}."
            ),
            token=token,
            example=value.quantize(CENT, rounding=ROUND_DOWN),
        )
    return value.quantize(CENT)


def check_logged_at(moment: datetime, now: datetime, token: str) -> datetime:
    """When a result was logged, in UTC: from 2000 up to now."""
    try:
        moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except OverflowError:  # year 1 east of UTC, or year 9999 west of it
        moment = datetime.min if moment.year == 1 else datetime.max
        moment = moment.replace(tzinfo=UTC)
    if moment < EARLIEST_LOGGED_AT:
        raise InvalidInput(
            N_("“{token}” is before 2000. Write the date results came in, e.g. 2026-03-02."),
            token=token,
        )
    if moment > now:
        raise InvalidInput(
            N_("“{token}” is in the future. Results can only be logged up to now (UTC)."),
            token=token,
        )
    return moment


# ---------------------------------------------------------------- value objects


@dataclass(frozen=True)
class Author:
    """Who did something, as the chat knows them."""

    user_id: int
    name: str


@fast_frozen_init
@dataclass(frozen=True, slots=True)
class VariantTotals:
    name: str
    position: int
    visitors: int
    conversions: int
    revenue: Decimal | None
    observations: int

    @property
    def rate(self) -> float | None:
        return self.conversions / self.visitors if self.visitors else None


@dataclass(frozen=True)
class DailyTotals:
    """What one variant gathered on one day of the workspace's timezone."""

    day: date
    variant: str
    visitors: int
    conversions: int


ICE_MIN, ICE_MAX = 1, 10


@dataclass(frozen=True)
class Ice:
    """How promising a draft is: impact, confidence and ease, each 1–10.

    The score is their product, I × C × E (1–1000): one weak side pulls an idea down more than
    with the mean, and ties are rarer, so the backlog's order says more.
    """

    impact: int
    confidence: int
    ease: int

    @property
    def score(self) -> int:
        return self.impact * self.confidence * self.ease


def check_ice(impact: int, confidence: int, ease: int, *, usage: str) -> Ice:
    """Each of the three a whole number from 1 to 10."""
    for value in (impact, confidence, ease):
        if not ICE_MIN <= value <= ICE_MAX:
            raise InvalidInput(
                N_(
                    "Impact, confidence and ease are each scored from {low} to {high}; "
                    "{value} is out of range. Try: {usage}"
                ),
                low=ICE_MIN,
                high=ICE_MAX,
                value=value,
                usage=usage,
            )
    return Ice(impact, confidence, ease)


@fast_frozen_init
@dataclass(frozen=True, slots=True)
class ExperimentView(Lifecycle):
    number: int
    name: str
    kind: Kind
    stage: Stage | None
    hypothesis: str | None
    status: Status
    outcome: Outcome | None
    variants: tuple[str, ...]
    planned_per_variant: int | None
    baseline_rate: float | None
    min_detectable_effect: float | None
    review_date: date | None
    started_at: datetime | None
    concluded_at: datetime | None
    created_at: datetime
    created_by: str
    ice_impact: int | None = None
    ice_confidence: int | None = None
    ice_ease: int | None = None
    cost_spent: Decimal | None = None
    winner: str | None = None  # the variant that won, once concluded; None: no winner
    planned_split: tuple[float, ...] | None = None  # traffic weights; None: an equal split
    target_rate: float | None = None  # one variant against this rate; None: against the control
    storyline: bool = False  # an advocacy storyline: its variants are episodes, run in order

    @property
    def control(self) -> str:
        return self.variants[0]

    @property
    def ice(self) -> Ice | None:
        """Its ICE scores, once all three are set."""
        if self.ice_impact is None or self.ice_confidence is None or self.ice_ease is None:
            return None
        return Ice(self.ice_impact, self.ice_confidence, self.ice_ease)

    @property
    def ice_score(self) -> int | None:
        ice = self.ice
        return ice.score if ice is not None else None


# ---------------------------------------------------------------- iterations

ITERATION_SUFFIX = re.compile(r"^(?P<stem>.*\S)\s+v(?P<version>\d{1,4})$", re.IGNORECASE)


def outcome_of_winner(variants: Sequence[str], winner: str | None) -> Outcome:
    """A challenger that won is a win, the control that held is a loss, no winner is unclear."""
    if winner is None:
        return Outcome.INCONCLUSIVE
    if len(variants) == 1:  # one variant against a target: naming it says it reached it
        return Outcome.WON
    return Outcome.LOST if winner.casefold() == variants[0].casefold() else Outcome.WON


def implied_winner(variants: Sequence[str], outcome: Outcome) -> str | None:
    """The winner an outcome names by itself: the control when it lost, the only challenger
    when it won; None when it is unclear or several challengers could have won. With one
    variant (against a target), it won or nothing did."""
    if len(variants) == 1:
        return variants[0] if outcome is Outcome.WON else None
    if outcome is Outcome.LOST:
        return variants[0]
    if outcome is Outcome.WON and len(variants) == 2:
        return variants[1]
    return None


def next_iteration_name(name: str) -> str:
    """“Landing headline” → “Landing headline v2”, “… v2” → “… v3”, within the name limit."""
    found = ITERATION_SUFFIX.match(name.strip())
    stem, version = (found["stem"], int(found["version"]) + 1) if found else (name.strip(), 2)
    suffix = f" v{version}"
    return stem[: NAME_MAX_CHARS - len(suffix)].rstrip() + suffix


def challenger_for(control: str) -> str:
    """A default name for the new challenger next to ``control``: B, or A when B is taken."""
    return "A" if control.casefold() == "b" else "B"
