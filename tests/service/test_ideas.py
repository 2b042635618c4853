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
    Business,
    InvalidInput,
    Kind,
    Msg,
    Stage,
    Status,
)
from experiments.funnel import log_funnel
from experiments.ideas import idea_at, ideas_at_stage, ideas_for, ideas_for_constraint, start_idea
from experiments.workspaces import update_settings
from tests.service.conftest import ALICE, CHAT, OTHER_CHAT
from tests.support import ADMIN, FrozenClock


@pytest.mark.parametrize("business", list(Business))
@pytest.mark.parametrize("stage", list(Stage))
def test_every_stage_has_five_or_six_ideas_written_as_hypotheses(
    stage: Stage, business: Business
) -> None:
    ideas = ideas_for(stage, business)
    assert 5 <= len(ideas) <= 6
    for idea in ideas:
        assert idea.stage is stage
        assert isinstance(idea.title, Msg) and isinstance(idea.hypothesis, Msg)  # translatable
        assert 0 < len(idea.title) <= NAME_MAX_CHARS
        assert domain.clean_name(idea.title) == idea.title
        assert len(idea.hypothesis) <= HYPOTHESIS_MAX_CHARS
        assert idea.hypothesis.startswith("We believe ")
        assert " will " in idea.hypothesis and ", measured by " in idea.hypothesis
    assert len({idea.title for idea in ideas}) == len(ideas)


@pytest.mark.parametrize("business", [Business.SHOP, Business.SERVICE, Business.ONLINE])
def test_the_catalog_leads_with_mvps_and_has_advocacy_storylines(business: Business) -> None:
    kinds = {idea.kind for stage in Stage for idea in ideas_for(stage, business)}
    assert kinds == set(Kind)
    refer_kinds = {idea.kind for idea in ideas_for(Stage.REFER, business)}
    assert Kind.ADVOCACY in refer_kinds


def test_each_kind_of_business_has_its_own_ideas() -> None:
    trust = [idea.title for idea in ideas_for(Stage.TRUST, Business.ONLINE)]
    assert "Customer testimonials on the pricing page" in trust
    know = [idea.title for idea in ideas_for(Stage.KNOW, Business.SHOP)]
    assert know[0] == "Chalkboard on the pavement with today's special"
    repeat = [idea.title for idea in ideas_for(Stage.REPEAT, Business.SERVICE)]
    assert "Book the next visit before leaving" in repeat
    titles = {
        business: {idea.title for stage in Stage for idea in ideas_for(stage, business)}
        for business in (Business.SHOP, Business.SERVICE, Business.ONLINE)
    }
    assert not titles[Business.SHOP] & titles[Business.SERVICE]
    assert not titles[Business.SHOP] & titles[Business.ONLINE]
    assert not titles[Business.SERVICE] & titles[Business.ONLINE]


def test_all_kinds_shows_the_first_two_of_each() -> None:
    mixed = ideas_for(Stage.BUY, Business.ALL)
    assert mixed == (
        *ideas_for(Stage.BUY, Business.ONLINE)[:2],
        *ideas_for(Stage.BUY, Business.SHOP)[:2],
        *ideas_for(Stage.BUY, Business.SERVICE)[:2],
    )


def test_an_idea_outside_the_catalog_is_refused() -> None:
    assert idea_at(Stage.BUY, 0) == ideas_for(Stage.BUY)[0]
    assert idea_at(Stage.BUY, 4, Business.SHOP) == ideas_for(Stage.BUY, Business.SHOP)[4]
    for index in (-1, len(ideas_for(Stage.BUY))):
        with pytest.raises(InvalidInput, match="/ideas"):
            idea_at(Stage.BUY, index)
    with pytest.raises(InvalidInput, match="/ideas"):
        idea_at(Stage.BUY, 5, Business.SHOP)


async def test_starting_an_idea_creates_its_experiment(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    idea = ideas_for(Stage.TRUST)[0]
    view = (
        await start_idea(
            database.unit_of_work(),
            CHAT,
            Stage.TRUST,
            0,
            author=ALICE,
            translate=str,
            clock=clock,
        )
    ).experiment
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
    view = (
        await start_idea(
            database.unit_of_work(), CHAT, Stage.REFER, 2, author=ALICE, translate=str.upper
        )
    ).experiment
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
    assert found.business is Business.ALL
    assert await ideas_for_constraint(database.unit_of_work(), OTHER_CHAT) is None


async def test_ideas_follow_the_workspace_s_kind_of_business(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    await update_settings(database.unit_of_work(), CHAT, business="кафе", clock=clock, actor=ADMIN)
    await log_funnel(
        database.unit_of_work(), CHAT, (5000, 2500, 250, 200, 150, 100, 60), author=ALICE
    )
    found = await ideas_for_constraint(database.unit_of_work(), CHAT)
    assert found is not None
    assert found.business is Business.SHOP
    assert found.ideas == ideas_for(Stage.TRUST, Business.SHOP)
    chosen = await ideas_at_stage(database.unit_of_work(), CHAT, Stage.REFER)
    assert (chosen.stage, chosen.constraint_rate) == (Stage.REFER, None)
    assert chosen.ideas == ideas_for(Stage.REFER, Business.SHOP)
    view = (
        await start_idea(
            database.unit_of_work(),
            CHAT,
            Stage.REFER,
            4,
            author=ALICE,
            translate=str,
            business=Business.SHOP,
            clock=clock,
        )
    ).experiment
    assert view.name == "Regulars tell their story in our posts"
    assert view.kind is Kind.ADVOCACY


async def test_an_empty_funnel_suggests_no_stage(database: Database, workspace: int) -> None:
    await log_funnel(database.unit_of_work(), CHAT, (0,) * 7, author=ALICE)
    assert await ideas_for_constraint(database.unit_of_work(), CHAT) is None
