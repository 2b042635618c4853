"""Words for the product's enums, in every language."""

from __future__ import annotations

from bot.i18n import Translator
from bot.replies import esc
from experiments.domain import (
    N_,
    STAGE_NAMES,
    STATUS_NAMES,
    ExperimentView,
    Kind,
    Outcome,
    Stage,
    Status,
)

KIND_LABELS = {
    Kind.AB_TEST: N_("A/B test"),
    Kind.MVP_CAMPAIGN: N_("MVP campaign"),
    Kind.ADVOCACY: N_("advocacy storyline"),
}
STAGE_LABELS = STAGE_NAMES
STATUS_LABELS = STATUS_NAMES
STATUS_ICONS = {Status.DRAFT: "📝", Status.RUNNING: "▶️", Status.PAUSED: "⏸", Status.CONCLUDED: "🏁"}
OUTCOME_LABELS = {
    Outcome.WON: N_("won"),
    Outcome.LOST: N_("lost"),
    Outcome.INCONCLUSIVE: N_("inconclusive"),
}


def kind(t: Translator, value: Kind) -> str:
    return t.gettext(KIND_LABELS[value])


def stage(t: Translator, value: Stage) -> str:
    return t.gettext(STAGE_LABELS[value])


def status(t: Translator, value: Status) -> str:
    return t.gettext(STATUS_LABELS[value])


def outcome(t: Translator, value: Outcome) -> str:
    return t.gettext(OUTCOME_LABELS[value])


def outcome_with_winner(t: Translator, experiment: ExperimentView) -> str:
    """ "won", or "won with Card" when the variant shipped is known (escaped)."""
    if experiment.outcome is None:
        return ""
    if experiment.outcome is Outcome.WON and experiment.winner:
        return t.gettext("won with {variant}").format(variant=esc(experiment.winner))
    if experiment.outcome is Outcome.LOST and experiment.winner:
        # The control held: say which, so "lost" is not read as the control losing.
        return t.gettext("lost, {variant} stayed best").format(variant=esc(experiment.winner))
    return outcome(t, experiment.outcome)
