"""Kinds that mean something: an advocacy A/B test stays one; a storyline reads its episodes."""

from __future__ import annotations

from db.unit_of_work import Database
from experiments import digests, observations, services
from experiments.domain import Kind
from tests.service.conftest import ALICE, CHAT
from tests.support import FrozenClock


async def test_an_advocacy_ab_test_is_read_against_its_control(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    view = await services.create_experiment(
        database.unit_of_work(),
        CHAT,
        "Referral reward",
        ["none", "discount"],
        author=ALICE,
        kind=Kind.ADVOCACY,
        clock=clock,
    )
    assert not view.storyline
    # Not a storyline: the challenger may be logged first, and is compared with the control.
    await observations.log_observation(
        database.unit_of_work(), CHAT, 1, "discount", 200, 20, author=ALICE, clock=clock
    )
    await observations.log_observation(
        database.unit_of_work(), CHAT, 1, "none", 200, 10, author=ALICE, clock=clock
    )
    result = await services.readout(database.unit_of_work(), CHAT, 1, clock=clock)
    assert result.story is None
    assert result.readout.arms[1].vs_control is not None


async def test_a_storyline_is_read_episode_by_episode(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    view = await services.create_experiment(
        database.unit_of_work(),
        CHAT,
        "Referral story",
        ["invite", "reminder"],
        author=ALICE,
        kind=Kind.AB_TEST,
        storyline=True,
        clock=clock,
    )
    assert view.storyline and view.kind is Kind.ADVOCACY and view.variants == ("invite", "reminder")
    await observations.log_observation(
        database.unit_of_work(), CHAT, 1, "invite", 200, 12, author=ALICE, clock=clock
    )
    result = await services.readout(database.unit_of_work(), CHAT, 1, clock=clock)
    assert result.story is not None and result.story.started == 1
    assert result.story.so_far.conversions == 12


async def test_the_digest_names_no_leader_among_a_storylines_episodes(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    await services.create_experiment(
        database.unit_of_work(),
        CHAT,
        "Referral story",
        ["invite", "reminder"],
        author=ALICE,
        kind=Kind.ADVOCACY,
        storyline=True,
        clock=clock,
    )
    await observations.log_observation(
        database.unit_of_work(), CHAT, 1, "invite", 200, 12, author=ALICE, clock=clock
    )
    await observations.log_observation(
        database.unit_of_work(), CHAT, 1, "reminder", 200, 30, author=ALICE, clock=clock
    )
    digest = await digests.compose_digest(database.unit_of_work(), CHAT, now=clock())
    (line,) = digest.lines
    # Episodes ran one after another: none "leads" or "beats" the first one.
    assert line.leader is None and line.challenger is None and line.prob_beat_control is None
    assert line.visitors == 400
