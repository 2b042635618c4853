"""The ideas catalog: enough ideas for every kind of business at every stage, in both languages."""

from __future__ import annotations

import pytest

from bot.i18n import translator
from experiments.domain import Business, Stage
from experiments.ideas import ideas_for

KINDS = (Business.SHOP, Business.SERVICE, Business.ONLINE)


@pytest.mark.parametrize("business", KINDS)
@pytest.mark.parametrize("stage", list(Stage))
def test_every_kind_of_business_has_five_ideas_per_stage_in_both_languages(
    stage: Stage, business: Business
) -> None:
    russian = translator("ru")
    ideas = ideas_for(stage, business)
    assert len(ideas) >= 5
    for idea in ideas:
        title, hypothesis = russian.gettext(idea.title), russian.gettext(idea.hypothesis)
        assert title != idea.title and hypothesis != idea.hypothesis  # translated
        assert hypothesis.startswith("Мы считаем, что ") and "; измерим по " in hypothesis
    assert len({russian.gettext(idea.title) for idea in ideas}) == len(ideas)


def test_all_kinds_mixes_every_kind_at_every_stage() -> None:
    for stage in Stage:
        mixed = set(ideas_for(stage, Business.ALL))
        assert len(mixed) >= 5
        for business in KINDS:
            assert mixed & set(ideas_for(stage, business)), (stage, business)
