"""/episode: the next episode of an advocacy storyline."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, ContextTypes

from bot.keyboards import experiment_card
from bot.render.experiments import card
from bot.replies import esc, reply
from bot.runtime import Runtime, chat_id_of, runtime_of, tr
from bot.users import actor_of
from experiments import parsers, services
from experiments.domain import N_, InvalidInput

USAGE = N_("/episode #1 reminder")


async def episode_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """`/episode #N name` adds the storyline's next episode."""
    args = context.args or []
    if len(args) != 2:
        raise InvalidInput(
            N_("Write the storyline and the next episode's name in one word, e.g. {usage}"),
            usage=USAGE,
        )
    number = parsers.experiment_number(args[0], USAGE)
    runtime = runtime_of(context)
    summary = await services.add_episode(
        runtime.uow(), chat_id_of(update), number, args[1], actor=await actor_of(update, context)
    )
    experiment = summary.experiment
    t = tr(context)
    episode = experiment.variants[-1]
    text = "\n".join(
        [
            t.gettext("🎬 Episode {position} of {title}: {episode}.").format(
                position=t.number(len(experiment.variants)),
                title=f"<b>#{number} {esc(experiment.name)}</b>",
                episode=f"<b>{esc(episode)}</b>",
            ),
            "",
            card(t, summary),
            "",
            t.gettext(
                "Log results like this: <code>/log #{number} {variant} 1000 42</code>"
            ).format(number=number, variant=esc(episode)),
        ]
    )
    await reply(update, context, text, experiment_card(t, experiment))


def handlers(runtime: Runtime) -> list[BaseHandler]:
    return [CommandHandler("episode", episode_command)]
