"""What each stage of the hourglass means, in one line with an example from the workspace's kind
of business (a café when it has not said which)."""

from __future__ import annotations

from dataclasses import dataclass

from experiments.domain import N_, Business, Msg, Stage


@dataclass(frozen=True)
class StageMeaning:
    stage: Stage
    meaning: Msg  # what reaching the stage means (gettext source)
    example: Msg  # the same for one example business (gettext source)


@dataclass(frozen=True)
class StageStory:
    """The seven stages told as one customer's story at one example business."""

    business: Msg  # "a neighbourhood café" (gettext source)
    stages: tuple[StageMeaning, ...]


_MEANINGS: dict[Stage, Msg] = {
    Stage.KNOW: N_("people learn that you exist"),
    Stage.LIKE: N_("they like what they see and want to hear more"),
    Stage.TRUST: N_("they believe you will deliver"),
    Stage.TRY: N_("they take a small, safe first step"),
    Stage.BUY: N_("they pay for the real thing"),
    Stage.REPEAT: N_("they come back and buy again"),
    Stage.REFER: N_("they bring others"),
}

_CAFE = (
    N_("a neighbourhood café"),
    (
        N_("a passer-by notices the new café's sign"),
        N_("she follows the café after seeing its cakes online"),
        N_("she reads the reviews, or a friend vouches for the coffee"),
        N_("she buys one coffee on her way to work"),
        N_("she orders a birthday cake"),
        N_("she drops in every Friday"),
        N_("she brings her colleagues for lunch"),
    ),
)
_SALON = (
    N_("a hair salon"),
    (
        N_("a neighbour sees the salon's posts in the local chat"),
        N_("she saves the salon's photos of haircuts she likes"),
        N_("she reads the reviews and looks at the stylist's work"),
        N_("she books a quick fringe trim"),
        N_("she books a cut and colour"),
        N_("she books her next visit before she leaves"),
        N_("she gives her sister a gift card"),
    ),
)
_COURSE = (
    N_("an online course"),
    (
        N_("someone finds the course in a search"),
        N_("he subscribes to the newsletter"),
        N_("he watches a sample lesson and reads the reviews"),
        N_("he starts the free first module"),
        N_("he pays for the full course"),
        N_("he buys the advanced course"),
        N_("he shares his invite link with a friend"),
    ),
)
_STORIES = {
    Business.SHOP: _CAFE,
    Business.SERVICE: _SALON,
    Business.ONLINE: _COURSE,
    Business.ALL: _CAFE,
}


def stage_story(business: Business = Business.ALL) -> StageStory:
    """Each stage's meaning with an example from ``business`` (a café when it is not said)."""
    name, examples = _STORIES[business]
    return StageStory(
        business=name,
        stages=tuple(
            StageMeaning(stage, _MEANINGS[stage], example)
            for stage, example in zip(Stage, examples, strict=True)
        ),
    )
