"""The readout of an advocacy storyline: each episode in order, and the story so far."""

from __future__ import annotations

from bot.i18n import Translator
from bot.render.experiments import title
from bot.replies import esc
from experiments.services import ExperimentReadout
from experiments.stats.story import EpisodeResult


def _line(t: Translator, label: str, result: EpisodeResult) -> str:
    _ = t.gettext
    if result.rate is None or result.ci_low is None or result.ci_high is None:
        return _("{name}: not started yet").format(name=label)
    return _("{name}: {rate} ({low} – {high}) · {conversions} of {visitors}").format(
        name=label,
        rate=t.percent(result.rate, 2),
        low=t.percent(result.ci_low, 1),
        high=t.percent(result.ci_high, 1),
        conversions=t.number(result.conversions),
        visitors=t.number(result.visitors),
    )


def story_text(t: Translator, result: ExperimentReadout) -> str:
    """/readout of an advocacy storyline."""
    _ = t.gettext
    story = result.story
    assert story is not None
    lines = ["📊 " + title(result.experiment) + " — " + _("readout"), ""]
    total = len(story.episodes)
    lines.append(
        t.ngettext(
            "A storyline of {count} episode, {started} started so far.",
            "A storyline of {count} episodes, {started} started so far.",
            total,
        ).format(count=t.number(total), started=t.number(story.started))
    )
    lines.append("")
    for position, episode in enumerate(story.episodes, start=1):
        label = _("{position}. {episode}").format(
            position=t.number(position), episode="<b>" + esc(episode.name) + "</b>"
        )
        lines.append(_line(t, label, episode))
    lines.append(_line(t, "<b>" + _("The story so far") + "</b>", story.so_far))
    lines += [
        "",
        "<i>"
        + _(
            "Episodes run one after another, so each is read on its own (rates with 95% "
            "intervals), not against the others: the weeks differ as much as the episodes. "
            "Add the next one with /episode."
        )
        + "</i>",
    ]
    return "\n".join(lines)
