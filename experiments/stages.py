"""What each stage of the hourglass means, in one line with an example from a small business."""

from __future__ import annotations

from dataclasses import dataclass

from experiments.domain import N_, Msg, Stage


@dataclass(frozen=True)
class StageMeaning:
    stage: Stage
    meaning: Msg  # what reaching the stage means (gettext source)
    example: Msg  # the same at a neighbourhood café (gettext source)


# One example business throughout, so the stages read as one customer's story.
STAGE_MEANINGS: tuple[StageMeaning, ...] = (
    StageMeaning(
        Stage.KNOW,
        N_("people learn that you exist"),
        N_("a passer-by notices the new café's sign"),
    ),
    StageMeaning(
        Stage.LIKE,
        N_("they like what they see and want to hear more"),
        N_("she follows the café after seeing its cakes online"),
    ),
    StageMeaning(
        Stage.TRUST,
        N_("they believe you will deliver"),
        N_("she reads the reviews, or a friend vouches for the coffee"),
    ),
    StageMeaning(
        Stage.TRY,
        N_("they take a small, safe first step"),
        N_("she buys one coffee on her way to work"),
    ),
    StageMeaning(
        Stage.BUY,
        N_("they pay for the real thing"),
        N_("she orders a birthday cake"),
    ),
    StageMeaning(
        Stage.REPEAT,
        N_("they come back and buy again"),
        N_("she drops in every Friday"),
    ),
    StageMeaning(
        Stage.REFER,
        N_("they bring others"),
        N_("she brings her colleagues for lunch"),
    ),
)
