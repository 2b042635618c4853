"""The ideas catalog, ideas for the constraint, and starting an experiment from an idea."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from db.models import Experiment
from db.unit_of_work import Database
from experiments import domain, services
from experiments.domain import (
    HYPOTHESIS_MAX_CHARS,
    NAME_MAX_CHARS,
    InvalidInput,
    Kind,
    Msg,
    Stage,
    Status,
)
from experiments.funnel import log_funnel
from experiments.ideas import idea_at, ideas_for, ideas_for_constraint, start_idea
from tests.service.conftest import ALICE, CHAT, OTHER_CHAT
from tests.support import FrozenClock


@pytest.mark.parametrize("stage", list(Stage))
def test_every_stage_has_four_to_six_ideas_written_as_hypotheses(stage: Stage) -> None:
    ideas = ideas_for(stage)
    assert 4 <= len(ideas) <= 6
    for idea in ideas:
        assert idea.stage is stage
        assert isinstance(idea.title, Msg) and isinstance(idea.hypothesis, Msg)  # translatable
        assert 0 < len(idea.title) <= NAME_MAX_CHARS
        assert domain.clean_name(idea.title) == idea.title
        assert len(idea.hypothesis) <= HYPOTHESIS_MAX_CHARS
        assert idea.hypothesis.startswith("We believe ")
        assert " will " in idea.hypothesis and ", measured by " in idea.hypothesis
    assert len({idea.title for idea in ideas}) == len(ideas)


def test_the_catalog_leads_with_mvps_and_has_advocacy_storylines() -> None:
    kinds = {idea.kind for stage in Stage for idea in ideas_for(stage)}
    assert kinds == set(Kind)
    trust = [idea.title for idea in ideas_for(Stage.TRUST)]
    assert "Customer testimonials on the pricing page" in trust
    refer_kinds = {idea.kind for idea in ideas_for(Stage.REFER)}
    assert Kind.ADVOCACY in refer_kinds


def test_an_idea_outside_the_catalog_is_refused() -> None:
    assert idea_at(Stage.BUY, 0) == ideas_for(Stage.BUY)[0]
    for index in (-1, len(ideas_for(Stage.BUY))):
        with pytest.raises(InvalidInput, match="/ideas"):
            idea_at(Stage.BUY, index)


async def test_starting_an_idea_creates_its_experiment(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    idea = ideas_for(Stage.TRUST)[0]
    view = await start_idea(
        database.unit_of_work(),
        CHAT,
        Stage.TRUST,
        0,
        author=ALICE,
        translate=str,
        clock=clock,
    )
    assert view.number == 1
    assert view.name == idea.title
    assert view.kind is idea.kind
    assert view.stage is Stage.TRUST
    assert view.hypothesis == idea.hypothesis
    assert view.variants == ("A", "B")
    # A draft: editable before it starts, started by its first result or by hand.
    assert view.status is Status.DRAFT
    assert view.started_at is None
    summary = await services.get_experiment(database.unit_of_work(), CHAT, 1)
    assert summary.experiment == view


async def test_the_idea_is_worded_in_the_chat_s_language(
    database: Database, workspace: int
) -> None:
    view = await start_idea(
        database.unit_of_work(), CHAT, Stage.REFER, 2, author=ALICE, translate=str.upper
    )
    assert view.name == ideas_for(Stage.REFER)[2].title.upper()
    assert view.hypothesis == ideas_for(Stage.REFER)[2].hypothesis.upper()


async def test_a_stale_idea_button_creates_nothing(database: Database, workspace: int) -> None:
    with pytest.raises(InvalidInput):
        await start_idea(database.unit_of_work(), CHAT, Stage.TRY, 42, author=ALICE, translate=str)
    async with database.unit_of_work() as uow:
        assert await uow.session.scalar(select(func.count()).select_from(Experiment)) == 0


async def test_ideas_follow_the_constraint_of_the_latest_funnel(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    assert await ideas_for_constraint(database.unit_of_work(), CHAT) is None
    await log_funnel(
        database.unit_of_work(), CHAT, (5000, 2500, 250, 200, 150, 100, 60), author=ALICE
    )
    found = await ideas_for_constraint(database.unit_of_work(), CHAT)
    assert found is not None
    assert found.stage is Stage.TRUST
    assert found.constraint_rate == pytest.approx(0.1)
    assert found.ideas == ideas_for(Stage.TRUST)
    assert await ideas_for_constraint(database.unit_of_work(), OTHER_CHAT) is None


async def test_an_empty_funnel_suggests_no_stage(database: Database, workspace: int) -> None:
    await log_funnel(database.unit_of_work(), CHAT, (0,) * 7, author=ALICE)
    assert await ideas_for_constraint(database.unit_of_work(), CHAT) is None
