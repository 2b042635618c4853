"""The digest's "launch another" nudge names the backlog's draft to start, and its words."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.i18n import translator
from bot.render.digest import nudge_buttons, nudge_line
from experiments.domain import Stage
from experiments.nudges import DraftFacts, NudgeKind, WorkspaceFacts, nudges_for

LOYALTY = DraftFacts(4, "Loyalty card", Stage.REPEAT, 336, at_constraint=True)


def facts(target: int, draft: DraftFacts | None) -> WorkspaceFacts:
    return WorkspaceFacts(
        now=datetime(2026, 3, 2, 9, tzinfo=UTC),
        today=date(2026, 3, 2),
        stale_after_days=3,
        target_running=target,
        has_experiments=True,
        running=(),
        without_learning=(),
        constraint=Stage.REPEAT,
        suggested_draft=draft,
    )


def test_fewer_running_than_the_target_suggests_the_draft_with_a_start_button() -> None:
    [nudge] = nudges_for(facts(3, LOYALTY))
    assert nudge.kind is NudgeKind.LAUNCH and nudge.draft == LOYALTY
    english = translator("en")
    assert nudge_line(english, nudge) == (
        "🚀 0 experiments are running and you aim for 3. Start #4 Loyalty card "
        "(ICE 336, at Repeat, your constraint) from your backlog?"
    )
    assert [(b.text, b.callback_data) for b in nudge_buttons(english, nudge)] == [
        ("▶️ Start #4", "bl:start:4"),
        ("📥 Backlog", "bl:list"),
    ]
    assert nudge_line(translator("ru"), nudge).endswith(
        "Запустить #4 Loyalty card из бэклога (ICE 336, этап «Повтор» — ваше узкое место)?"
    )


def test_a_draft_away_from_the_constraint_or_unscored_is_named_plainly() -> None:
    unscored = DraftFacts(7, "Chalkboard", Stage.KNOW, None, at_constraint=False)
    [nudge] = nudges_for(facts(3, unscored))
    assert nudge_line(translator("en"), nudge).endswith(
        "Start #7 Chalkboard (at Know) from your backlog?"
    )


def test_at_the_target_there_is_no_suggestion() -> None:
    # Nothing runs at the constraint: the constraint nudge, not a draft to start.
    nudges = nudges_for(facts(0, LOYALTY))
    assert [nudge.kind for nudge in nudges] == [NudgeKind.UNCOVERED]
    assert nudges[0].draft is None
