"""The digest's verdicts are the readout's own: same verdict, daily looks included."""

from __future__ import annotations

from db.unit_of_work import Database
from experiments import digests, observations, services
from experiments.domain import Status
from experiments.stats.briefs import slim
from tests.service.conftest import ALICE, CHAT
from tests.support import FrozenClock


async def test_the_digest_lines_carry_each_readouts_verdict(
    database: Database, workspace: int, clock: FrozenClock
) -> None:
    uow = database.unit_of_work
    numbers = []
    for name in ("Headline", "Pricing", "Paused one"):
        view = await services.create_experiment(uow(), CHAT, name, author=ALICE, clock=clock)
        numbers.append(view.number)
    for _day in range(4):
        for number, (a, b) in zip(numbers, [(50, 80), (60, 61), (10, 12)], strict=True):
            for variant, conversions in (("A", a), ("B", b)):
                await observations.log_observation(
                    uow(), CHAT, number, variant, 1000, conversions, author=ALICE, clock=clock
                )
        clock.advance(days=1)
    await services.change_status(uow(), CHAT, numbers[2], Status.PAUSED, clock=clock)

    digest = await digests.compose_digest(uow(), CHAT, now=clock())

    assert [line.number for line in digest.lines] == numbers[:2]
    for line in digest.lines:
        one = await services.readout(uow(), CHAT, line.number, clock=clock)
        # The line says the verdict's kind, variant and reason.
        assert line.verdict == slim(one.readout.verdict)
    assert digest.lines[0].verdict.kind.value == "ship"  # 5 % against 8 %, four days running
    assert [(n.kind.value, n.number, n.variant) for n in digest.nudges][:1] == [("ship", 1, "B")]
