"""Experiment cards, list lines and confirmations of logged results."""

from __future__ import annotations

from collections.abc import Mapping

from bot.i18n import Translator
from bot.render import labels
from bot.render.wording import verdict_label
from bot.replies import esc
from experiments.domain import ExperimentView, VariantTotals
from experiments.observations import LoggedObservation, UndoneObservation
from experiments.services import ExperimentSummary
from experiments.stats.verdict import Verdict


def title(experiment: ExperimentView) -> str:
    return f"<b>#{experiment.number} {esc(experiment.name)}</b>"


def status_text(t: Translator, experiment: ExperimentView) -> str:
    text = labels.STATUS_ICONS[experiment.status] + " " + labels.status(t, experiment.status)
    if experiment.outcome is not None:
        text += " · " + labels.outcome_with_winner(t, experiment)
    return text


def totals_line(t: Translator, totals: VariantTotals, *, control: bool) -> str:
    _ = t.gettext
    name = f"<b>{esc(totals.name)}</b>" + (" " + _("(control)") if control else "")
    if not totals.visitors:
        return f"{name}: " + _("no data yet")
    rate = t.percent(totals.conversions / totals.visitors, 2)
    line = _("{name}: {conversions} of {visitors} converted ({rate})").format(
        name=name,
        conversions=t.number(totals.conversions),
        visitors=t.number(totals.visitors),
        rate=rate,
    )
    # Revenue is shown in the money block, in the workspace's currency.
    return line


def verdict_words(t: Translator, verdict: Verdict) -> str:
    """The readout's verdict in a few words: "keep running", "ship B", "stop: no effect"."""
    return esc(verdict_label(verdict, t.gettext))


def card(t: Translator, summary: ExperimentSummary, verdict: Verdict | None = None) -> str:
    """Everything about one experiment, for /show; ``verdict`` is its readout's, if it has one."""
    _ = t.gettext
    experiment = summary.experiment
    lines = [f"{title(experiment)} — {status_text(t, experiment)}"]
    facts = [labels.kind(t, experiment.kind)]
    if experiment.stage is not None:
        facts.append(_("stage: {stage}").format(stage=labels.stage(t, experiment.stage)))
    if experiment.target_rate is not None:
        facts.append(_("target {rate}").format(rate=t.percent(experiment.target_rate, 1)))
    if experiment.ice_score is not None:
        facts.append(_("ICE {score}").format(score=t.number(experiment.ice_score)))
    lines.append(" · ".join(facts))
    if experiment.hypothesis:
        lines.append("<i>" + esc(experiment.hypothesis) + "</i>")
    lines += lineage_lines(t, summary)
    lines.append("")
    against_control = experiment.target_rate is None and not experiment.storyline
    for totals in summary.totals:
        lines.append(totals_line(t, totals, control=against_control and totals.position == 0))
    if verdict is not None:
        lines.append(
            "🧭 " + _("Verdict: {verdict}").format(verdict=f"<b>{verdict_words(t, verdict)}</b>")
        )
    plan = []
    if experiment.planned_per_variant:
        plan.append(
            t.ngettext(
                "plan: {count} visitor per variant",
                "plan: {count} visitors per variant",
                experiment.planned_per_variant,
            ).format(count=t.number(experiment.planned_per_variant))
        )
    if experiment.planned_split:
        plan.append(
            _("split {split}").format(
                split="/".join(t.number(weight, 2) for weight in experiment.planned_split)
            )
        )
    if experiment.review_date:
        plan.append(_("review on {date}").format(date=t.date(experiment.review_date)))
    if plan:
        lines += ["", " · ".join(plan)]
    started = experiment.started_at or experiment.created_at
    lines.append(
        _("Created by {name}, started {date}.").format(
            name=esc(experiment.created_by), date=t.date(started)
        )
        if experiment.started_at
        else _("Created by {name} on {date}; not started yet.").format(
            name=esc(experiment.created_by), date=t.date(started)
        )
    )
    return "\n".join(lines)


def lineage_lines(t: Translator, summary: ExperimentSummary) -> list[str]:
    """The experiment this one iterates on, and its next iterations."""
    _ = t.gettext
    lines = []
    if summary.parent is not None:
        lines.append(
            "↩️ "
            + _("Iteration of {experiment}").format(
                experiment=f"/show_{summary.parent.number} #{summary.parent.number} "
                + esc(summary.parent.name)
            )
        )
    for child in summary.children:
        lines.append(
            "➡️ "
            + _("Next iteration: {experiment}").format(
                experiment=f"/show_{child.number} #{child.number} " + esc(child.name)
            )
        )
    return lines


def list_line(t: Translator, summary: ExperimentSummary, verdict: Verdict | None = None) -> str:
    """One line per experiment, for /list, ending with its readout's verdict if it has one."""
    _ = t.gettext
    experiment = summary.experiment
    icon = labels.STATUS_ICONS[experiment.status]
    line = f"{icon} /show_{experiment.number} <b>#{experiment.number}</b> {esc(experiment.name)}"
    if summary.visitors:
        rates = [
            f"{esc(v.name)} {t.percent(v.conversions / v.visitors, 1)}"
            for v in summary.totals
            if v.visitors
        ]
        line += " — " + ", ".join(rates)
        line += " · " + t.ngettext("{count} visitor", "{count} visitors", summary.visitors).format(
            count=t.number(summary.visitors)
        )
    elif experiment.takes_results:
        line += " — " + _("no data yet")
    if verdict is not None:
        line += " · <i>" + verdict_words(t, verdict) + "</i>"
    if experiment.is_concluded and experiment.outcome is not None:
        line += " — " + labels.outcome_with_winner(t, experiment)
    return line


def experiment_list(
    t: Translator,
    summaries: list[ExperimentSummary],
    verdicts: Mapping[int, Verdict | None] | None = None,
) -> str:
    """/list; ``verdicts`` by experiment number, from each one's readout."""
    _ = t.gettext
    if not summaries:
        return _("No experiments yet. Start one with /new — or /ideas for inspiration.")
    running = sum(1 for s in summaries if s.experiment.is_running)
    header = (
        "<b>"
        + _("Your experiments")
        + "</b> · "
        + t.ngettext("{count} running", "{count} running", running).format(count=t.number(running))
    )
    found = verdicts or {}
    lines = [list_line(t, s, found.get(s.experiment.number)) for s in summaries]
    return "\n".join([header, "", *lines])


def logged(t: Translator, result: LoggedObservation) -> str:
    _ = t.gettext
    experiment = result.experiment
    lines = [
        _(
            "✅ Logged for {title}, variant <b>{variant}</b>: {visitors} visitors, "
            "{conversions} conversions (by {author})."
        ).format(
            title=title(experiment),
            variant=esc(result.variant),
            visitors=t.number(result.visitors),
            conversions=t.number(result.conversions),
            author=esc(result.logged_by),
        ),
        _("New totals of {variant}: {conversions} of {visitors} ({rate}).").format(
            variant=esc(result.variant),
            conversions=t.number(result.totals.conversions),
            visitors=t.number(result.totals.visitors),
            rate=t.percent(result.totals.rate or 0.0, 2),
        ),
    ]
    if result.status_changed:
        lines.append(_("The experiment is now running."))
    return "\n".join(lines)


def undone(t: Translator, result: UndoneObservation) -> str:
    _ = t.gettext
    rate = t.percent(result.totals.rate, 2) if result.totals.rate is not None else "—"
    return "\n".join(
        [
            _(
                "↩️ Removed the last entry of {title}: {variant}, {visitors} visitors, "
                "{conversions} conversions (logged by {author})."
            ).format(
                title=title(result.experiment),
                variant=esc(result.variant),
                visitors=t.number(result.visitors),
                conversions=t.number(result.conversions),
                author=esc(result.logged_by),
            ),
            _("Totals of {variant} now: {conversions} of {visitors} ({rate}).").format(
                variant=esc(result.variant),
                conversions=t.number(result.totals.conversions),
                visitors=t.number(result.totals.visitors),
                rate=rate,
            ),
        ]
    )
