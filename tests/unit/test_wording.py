"""Verdict labels and sentences: one per reason, through the translation and percent hooks."""

import pytest

from bot.render.wording import explain_verdict, verdict_label
from experiments.stats.readout import ArmCounts, conversion_readout
from experiments.stats.verdict import Verdict, VerdictReason


def verdict_for(*pairs: tuple[int, int], **kwargs) -> Verdict:
    return conversion_readout(
        [
            ArmCounts(name="ABCDEFGH"[index], visitors=visitors, conversions=conversions)
            for index, (conversions, visitors) in enumerate(pairs)
        ],
        **kwargs,
    ).verdict


# One readout per kind of verdict, with phrases its sentence must say.
CASES = [
    (((50, 1000), (80, 1200)), {}, "check your data", ["45.5% / 54.5%", "50% / 50%"]),
    (((0, 0), (0, 0)), {}, "keep running", ["A has no visitors yet"]),
    (((5, 50), (12, 60)), {}, "keep running", ["at least 100 visitors", "A has 50"]),
    (((3, 500), (4, 500)), {}, "keep running", ["at least 10 conversions", "has 7"]),
    (((500, 10000), (650, 10000)), {}, "ship B", ["converts 10%–50% better than A"]),
    (((650, 10000), (500, 10000)), {}, "ship A", ["B converts 7.7%–38.5% worse than A"]),
    (
        ((650, 10000), (500, 10000), (480, 10000)),
        {},
        "ship A",
        ["every change converts clearly worse"],
    ),
    (
        ((400, 8143), (410, 8143)),
        {"planned_per_variant": 8143, "min_effect": 0.01},
        "keep running",
        ["No clear difference at the planned size", "effects up to 23.6% either way"],
    ),
    (
        ((5000, 100000), (5010, 100000)),
        {},
        "stop: no effect",
        ["bigger than 20% of A's rate", "the default smallest effect"],
    ),
    (
        ((4000, 80000), (4010, 80000)),
        {"min_effect": 0.01},
        "stop: no effect",
        ["bigger than 20% of A's rate", "the experiment's smallest effect"],
    ),
    (
        ((120, 2400), (150, 2400)),
        {},
        "keep running",
        ["B is ahead of A so far", "about 3,975 more visitors per variant"],
    ),
    (
        ((150, 2400), (120, 2400)),
        {"planned_per_variant": 8143},
        "keep running",
        ["B is behind A", "about 5,743 more visitors per variant"],
    ),
    (
        ((1000, 20000), (900, 20000)),
        {"history": [[ArmCounts("A", 10000, 500), ArmCounts("B", 10000, 650)]]},
        "check your data",
        ["contradict each other"],
    ),
    (((120, 2400), (120, 2400)), {}, "keep running", ["B and A convert the same"]),
]


@pytest.mark.parametrize(("pairs", "kwargs", "label", "phrases"), CASES)
def test_label_and_sentence_for_each_reason(pairs, kwargs, label, phrases):
    verdict = verdict_for(*pairs, **kwargs)
    assert verdict_label(verdict) == label
    sentence = explain_verdict(verdict)
    for phrase in phrases:
        assert phrase in sentence
    assert sentence.endswith(".")
    assert "{" not in sentence and "None" not in sentence
    assert "% chance" not in sentence and "could still be chance" not in sentence


def test_every_reason_is_worded_by_a_case_above():
    """Each reason's sentence is checked for its phrases on a real readout, not just for being
    there: a new reason without a case fails here."""
    covered = {verdict_for(*pairs, **kwargs).reason for pairs, kwargs, _label, _phrases in CASES}
    # A campaign against a target and a storyline are worded by their own renderers
    # (bot/render/target.py, the storyline's), not by these sentences.
    other_kinds = {
        VerdictReason.TARGET_REACHED,
        VerdictReason.TARGET_MISSED,
        VerdictReason.STORYLINE,
    }
    assert covered == set(VerdictReason) - other_kinds


def test_translation_and_percent_hooks_are_used():
    verdict = verdict_for((500, 10000), (650, 10000))
    seen: list[str] = []

    def translate(text: str) -> str:
        seen.append(text)
        return "»" + text

    sentence = explain_verdict(verdict, translate, lambda share: f"<{share:.3f}>")
    assert any("{variant}" in text for text in seen)  # English source strings, placeholders in
    assert sentence.startswith("»Ship B: it converts <0.100>–<0.500> better than A")
    assert verdict_label(verdict, translate) == "»ship B"


def test_lift_unknown_when_the_control_has_no_conversions():
    verdict = verdict_for((0, 5000), (60, 5000))
    assert verdict_label(verdict) == "ship B"
    assert "converts clearly better than A" in explain_verdict(verdict)


def test_the_headline_without_a_control_rate_still_says_which_way():
    from bot.render.wording import headline

    verdict = verdict_for((0, 500), (10, 500))
    assert verdict.lift is None
    assert headline(verdict).startswith("Not sure yet: B looks better than A so far")
