"""The bot's commands: names, menu descriptions and help lines, in one list."""

from __future__ import annotations

from dataclasses import dataclass

from experiments.domain import N_


@dataclass(frozen=True)
class Command:
    name: str
    description: str  # the menu line Telegram shows (gettext source)
    help: str  # what /help says, with an example (gettext source, HTML)


COMMANDS: tuple[Command, ...] = (
    Command(
        "start", N_("Start here: what Hourglass does"), N_("what Hourglass does and how to begin.")
    ),
    Command(
        "help",
        N_("Every command with an example"),
        N_("this list; <code>/help stages</code> explains the hourglass stages."),
    ),
    Command(
        "new",
        N_("Register a new experiment"),
        N_(
            "register an experiment. Bare, it guides you step by step; fast: "
            "<code>/new Landing headline</code>, <code>/new Pricing | A, B, C</code>, or with "
            "a planned split <code>/new Pricing | A, B 70/30</code>; an MVP campaign of one "
            "variant against a target rate: <code>/new Tasting box | box target 5%</code>."
        ),
    ),
    Command(
        "list",
        N_("Your experiments, running first"),
        N_(
            "your experiments, running first, one line each; <code>/list backlog</code>: "
            "the drafts by ICE score, with a ▶️ Start button each."
        ),
    ),
    Command(
        "show",
        N_("One experiment's card with buttons"),
        N_("one experiment's card with buttons: <code>/show #1</code>."),
    ),
    Command(
        "log",
        N_("Log results: visitors and conversions"),
        N_(
            "log results of one variant: <code>/log #1 B 1200 54</code> "
            "(experiment, variant, visitors, conversions); add a past day and revenue if you "
            "like: <code>/log #1 B 1200 54 yesterday revenue 380</code>."
        ),
    ),
    Command(
        "undo",
        N_("Remove the last logged result"),
        N_("remove an experiment's last entry: <code>/undo #1</code>."),
    ),
    Command(
        "readout",
        N_("Statistics and a verdict"),
        N_("the numbers and a verdict in plain words: <code>/readout #1</code>."),
    ),
    Command(
        "chart",
        N_("Conversion chart or funnel chart"),
        N_(
            "a picture: <code>/chart #1</code> for conversion over time, "
            "<code>/chart funnel</code> for the hourglass."
        ),
    ),
    Command(
        "conclude",
        N_("Close an experiment: won, lost or inconclusive"),
        N_("close an experiment with its outcome: <code>/conclude #1 won</code>."),
    ),
    Command(
        "reopen",
        N_("Take a conclusion back"),
        N_(
            "take a conclusion back: the experiment runs (or stays paused) as before, its "
            "outcome cleared: <code>/reopen #1</code>."
        ),
    ),
    Command(
        "edit",
        N_("Edit an experiment: name, stage, plan…"),
        N_(
            "change an experiment: bare or <code>/edit #1</code> shows what can change; fast: "
            "<code>/edit #1 name Flyer test</code>, or stage, hypothesis, review, cost. "
            "Variants, split and plan change only before the first result."
        ),
    ),
    Command(
        "episode",
        N_("The next episode of a storyline"),
        N_(
            "the next episode of an advocacy storyline, after the ones it has: "
            "<code>/episode #1 reminder</code>. Start a storyline with "
            "<code>/new Referral story | episodes: invite</code>."
        ),
    ),
    Command(
        "cost",
        N_("What an experiment cost"),
        N_(
            "what an experiment cost, all variants together: <code>/cost #1 120</code>; "
            "the readout then shows cost per conversion and return on spend."
        ),
    ),
    Command(
        "delete",
        N_("Delete an experiment (asks first)"),
        N_(
            "delete an experiment with its results: <code>/delete #1</code>. "
            "It asks first and offers the export."
        ),
    ),
    Command(
        "learn",
        N_("Write down a learning (five whys)"),
        N_(
            "write down what an experiment taught, asking “why?” up to five times: "
            "<code>/learn #1</code>."
        ),
    ),
    Command(
        "learnings",
        N_("What each stage taught, with countermeasures"),
        N_("every learning by hourglass stage, with its root cause and countermeasure."),
    ),
    Command(
        "funnel",
        N_("Log funnel numbers and find the constraint"),
        N_(
            "log how many people reached each stage, Know → Refer: "
            "<code>/funnel 5000 1200 400 150 60 20 5</code>; for a past week, start with a day: "
            "<code>/funnel last week 5000 …</code>; bare, it shows the constraint and what "
            "changed since the period before; <code>/funnel history</code> lists the last periods."
        ),
    ),
    Command(
        "ideas",
        N_("Experiment ideas for your weakest stage"),
        N_("experiment ideas for the constraint stage (or <code>/ideas trust</code>)."),
    ),
    Command("digest", N_("The daily digest, now"), N_("the daily digest right now.")),
    Command(
        "settings",
        N_("Digest time, timezone, language, currency"),
        N_("digest time, timezone, language, targets and the currency of costs and revenue."),
    ),
    Command(
        "export",
        N_("All results as a CSV file"),
        N_(
            "every logged result as a CSV file. To add results in bulk, send a CSV file "
            "with the same columns (/import shows the format)."
        ),
    ),
    Command(
        "calc",
        N_("Quick readout without saving"),
        N_(
            "a readout without saving anything: <code>/calc 120/2400 150/2400</code> "
            "(conversions/visitors, control first)."
        ),
    ),
    Command(
        "cancel", N_("Stop the current guided step"), N_("stop the guided conversation you are in.")
    ),
)
