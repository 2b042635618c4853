"""A chat whose first speaker uses Telegram in Russian gets everything in Russian."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text

from bot.commands import COMMANDS
from bot.i18n import translator
from bot.render import charts
from bot.render.charts import conversion_chart
from bot.render.funnel_chart import funnel_figure
from db.models import Experiment, Observation, Variant
from emulator import BotMessage, SimChat
from experiments import observations
from experiments.domain import DailyTotals
from experiments.funnel import FUNNEL_STAGES, FunnelView, StageConversion
from tests.e2e.conftest import BotUnderTest, press, say
from tests.unit.test_charts import KEEP_RUNNING, history_of

STAGES_RU = ["Знакомство", "Симпатия", "Доверие", "Проба", "Покупка", "Повтор", "Рекомендация"]


@pytest.fixture
def ivan_chat(bot: BotUnderTest) -> SimChat:
    ivan = bot.emulator.user(first_name="Иван", language_code="ru")
    return bot.emulator.private_chat(ivan)


async def counts(bot: BotUnderTest) -> tuple[int, int, int]:
    return (await bot.rows(Experiment), await bot.rows(Variant), await bot.rows(Observation))


async def workspace_language(bot: BotUnderTest, chat: SimChat) -> str:
    async with bot.database.unit_of_work() as uow:
        workspace = await uow.workspaces.by_chat(chat.id)
        assert workspace is not None
        return workspace.language


def button_labels(message: BotMessage) -> list[str]:
    return [button.text for row in message.buttons for button in row]


# ---------------------------------------------------------------- the chat


async def test_a_russian_speaker_s_new_chat_is_a_russian_workspace(
    bot: BotUnderTest, ivan_chat: SimChat
) -> None:
    hello = await say(ivan_chat, "/start")
    assert hello.text.startswith("Привет, Иван! Я Hourglass")
    assert "/new Заголовок лендинга — A/B-тест с вариантами A и B" in hello.text
    assert await workspace_language(bot, ivan_chat) == "ru"

    help_text = (await say(ivan_chat, "/help")).text
    assert help_text.startswith("Команды Hourglass")
    assert "/log — внести результаты варианта: /log #1 B 1200 54" in help_text
    assert "Знакомство → Симпатия → Доверие → Проба → Покупка → Повтор → Рекомендация" in help_text
    for command in COMMANDS:
        assert f"/{command.name} — " in help_text


async def test_creating_logging_and_reading_out_speak_russian(
    bot: BotUnderTest, ivan_chat: SimChat
) -> None:
    created = await say(ivan_chat, "/new Заголовок лендинга")
    assert created.text.startswith("🧪 Эксперимент #1 создан.")
    assert "#1 Заголовок лендинга — ▶️ идёт" in created.text
    assert "A (контроль): данных пока нет" in created.text
    assert "Вносите результаты так: /log #1 A 1000 42" in created.text
    assert button_labels(created) == [
        "➕ Внести результаты",
        "📊 Сводка",
        "📈 График",
        "⏸ Пауза",
        "✏️ Изменить",
        "🏁 Завершить",
    ]

    logged = await say(ivan_chat, "/log #1 A 1000 63")
    assert "посетителей — 1\xa0000, конверсий — 63 (автор: Иван)" in logged.text
    assert "Итого по варианту «A»: 63 из 1\xa0000 (6,30\xa0%)." in logged.text

    waiting = await say(ivan_chat, "/readout #1")
    assert waiting.text.startswith("📊 #1 Заголовок лендинга — сводка")
    assert "A (контроль): 6,30\xa0% (" in waiting.text
    assert "B: посетителей пока нет" in waiting.text
    assert "Вердикт: продолжайте" in waiting.text
    assert "Продолжайте: «B» — пока без посетителей." in waiting.text

    await say(ivan_chat, "/log #1 B 1000 90")
    readout = await say(ivan_chat, "/readout #1")
    assert "против «A»: +2,70\xa0п.\xa0п." in readout.text
    assert "байесовский шанс обойти «A» (равномерный априор):" in readout.text
    assert "Продолжайте: «B» опережает «A»" in readout.text
    assert "диапазон с поправкой на подглядывания" in readout.text
    assert button_labels(readout) == ["📈 График", "➕ Внести результаты", "🏁 Завершить"]

    listed = await say(ivan_chat, "/list")
    assert listed.text.startswith("Ваши эксперименты · 1 в работе")
    # Pluralised (2 000 посетителей, 1 посетитель), with the readout's verdict in a word.
    assert "· 2\xa0000 посетителей · продолжайте" in listed.text


async def test_a_broken_split_is_flagged_in_russian(bot: BotUnderTest, ivan_chat: SimChat) -> None:
    await say(ivan_chat, "/new Заголовок лендинга")
    await say(ivan_chat, "/log #1 A 1000 50")
    await say(ivan_chat, "/log #1 B 700 40")
    readout = await say(ivan_chat, "/readout #1")
    # chi-square of 1000 vs 700 against 850/850: 52.9 on 1 df, p < 0.001
    assert "⚠️ Посетители распределились не так, как планировалось" in readout.text
    assert "Вердикт: проверьте данные" in readout.text
    assert "варианты получили 58,8\xa0% / 41,2\xa0% посетителей вместо" in readout.text


async def test_bad_input_is_explained_in_russian_and_changes_nothing(
    bot: BotUnderTest, ivan_chat: SimChat
) -> None:
    await say(ivan_chat, "/new Заголовок лендинга")
    await say(ivan_chat, "/log #1 A 100 5")
    before = await counts(bot)
    answers = [
        await say(ivan_chat, "/log #1 A 100 120"),
        await say(ivan_chat, "/log #1 C 10 1"),
        await say(ivan_chat, "/log #1 B десять 1"),
        await say(ivan_chat, "/show #9"),
    ]
    assert [answer.text for answer in answers] == [
        "⚠️ Конверсий (120) не может быть больше, чем посетителей (100). "
        "Попробуйте так: /log #1 A 100 100",
        "⚠️ В эксперименте #1 нет варианта «C». Его варианты: A, B.",
        "⚠️ «десять» — не целое число (посетители). Как использовать: /log #1 B 1200 54",
        "⚠️ Здесь нет эксперимента #9. Ваши эксперименты — в /list.",
    ]
    assert await counts(bot) == before


async def test_the_guided_new_asks_with_russian_buttons(
    bot: BotUnderTest, ivan_chat: SimChat
) -> None:
    asked = await say(ivan_chat, "/new")
    assert asked.text == "Заведём эксперимент. Как он называется? (до 80 символов)"
    assert button_labels(asked) == ["✖️ Отмена"]

    kinds = await say(ivan_chat, "Цена подписки")
    assert kinds.text == "Какой это эксперимент — «Цена подписки»?"
    assert button_labels(kinds) == [
        "A/B-тест",
        "MVP-кампания",
        "сарафанное радио",
        "⏭ Пропустить",
    ]
    await press(ivan_chat, kinds, "A/B-тест")
    stages = await ivan_chat.next_reply()
    assert stages.text.startswith("На какой этап песочных часов он нацелен?")
    assert button_labels(stages) == [*STAGES_RU, "⏭ Пропустить", "❓ Что значат этапы?"]

    await press(ivan_chat, stages, "Доверие")
    hypothesis = await ivan_chat.next_reply()
    assert (
        "Если мы <что изменим> для <кого>, то <что произойдёт>; проверим по <метрике>."
        in hypothesis.text
    )
    await press(ivan_chat, hypothesis, "Пропустить")
    variants = await ivan_chat.next_reply()
    await press(ivan_chat, variants, "Оставить A и B")
    split = await ivan_chat.next_reply()
    assert split.text.startswith("Как посетители делятся между вариантами?")
    assert button_labels(split) == ["Поровну", "70/30", "80/20", "90/10"]
    await press(ivan_chat, split, "70/30")
    await ivan_chat.next_reply()  # the control's rate today
    await say(ivan_chat, "5%")
    review = await say(ivan_chat, "20%")
    assert review.text.startswith("Чтобы надёжно отличить 5,0\xa0% от 6,0\xa0%,")
    assert button_labels(review) == [
        "Через 1 неделю",
        "Через 2 недели",
        "Через 4 недели",
        "⏭ Пропустить",
        "📥 Сохранить черновиком в бэклог",
    ]

    await press(ivan_chat, review, "Через 2 недели")
    created = await ivan_chat.next_reply()
    assert created.text.startswith("🧪 Эксперимент #1 создан.")
    assert "A/B-тест · этап: Доверие" in created.text
    assert "итоги 16 мар. 2026\u202fг." in created.text


async def test_the_chart_is_drawn_with_russian_words(bot: BotUnderTest, ivan_chat: SimChat) -> None:
    await say(ivan_chat, "/new Заголовок лендинга")
    for day in range(3):
        await say(ivan_chat, f"/log #1 A 1000 {40 + day}")
        await say(ivan_chat, f"/log #1 B 1000 {55 + day}")
        bot.clock.advance(days=1)

    chart = await say(ivan_chat, "/chart #1")

    assert chart.kind == "photo" and chart.photo is not None
    assert chart.text.startswith("«B» пока впереди: 5,60\xa0% (")
    assert "посетителей: 3\xa0000" in chart.text
    assert button_labels(chart) == ["📊 Сводка"]
    # The picture is the one the chart renderer draws with the Russian words and numbers.
    history = await observations.conversion_history(
        bot.runtime.uow(), ivan_chat.id, 1, clock=bot.clock
    )
    assert chart.photo.content == conversion_chart(translator("ru"), history)
    assert chart.photo.content != conversion_chart(translator("en"), history)


async def test_the_command_menu_is_registered_in_russian_too(bot: BotUnderTest) -> None:
    russian = bot.emulator.commands_for(language_code="ru")
    english = bot.emulator.commands_for()
    assert [c["command"] for c in russian] == [c.name for c in COMMANDS]
    assert [c["command"] for c in english] == [c.name for c in COMMANDS]
    menu = {c["command"]: c["description"] for c in russian}
    assert menu["new"] == "Завести новый эксперимент"
    assert menu["readout"] == "Статистика и вердикт"
    assert menu["funnel"] == "Внести цифры воронки и найти узкое место"
    assert all(
        found["description"] != c.description for found, c in zip(russian, COMMANDS, strict=True)
    )
    assert {c["command"]: c["description"] for c in english}["new"] == "Register a new experiment"


async def test_an_english_speaker_in_another_chat_still_gets_english(
    bot: BotUnderTest, ivan_chat: SimChat, alice_chat: SimChat
) -> None:
    await say(ivan_chat, "/start")
    await say(ivan_chat, "/new Заголовок лендинга")

    assert (await say(alice_chat, "/start")).text.startswith("Hi Alice!")
    created = await say(alice_chat, "/new Landing headline")
    assert created.text.startswith("🧪 Created experiment #1.")
    logged = await say(alice_chat, "/log #1 A 1000 63")
    assert "New totals of A: 63 of 1,000 (6.30%)." in logged.text
    readout = await say(alice_chat, "/readout #1")
    assert "Verdict: keep running" in readout.text
    assert await workspace_language(bot, alice_chat) == "en"
    assert await workspace_language(bot, ivan_chat) == "ru"


async def test_a_group_keeps_the_language_of_whoever_spoke_first(bot: BotUnderTest) -> None:
    olga = bot.emulator.user(first_name="Ольга", language_code="ru")
    bob = bot.emulator.user(first_name="Bob", language_code="en")
    team = bot.emulator.group_chat("Маркетинг", members=[olga, bob])
    await say(team, "/new Реферальная награда", sender=olga)
    by_bob = await say(team, "/log #1 B 200 9", sender=bob)
    assert "(автор: Bob)" in by_bob.text
    assert "Итого по варианту «B»: 9 из 200 (4,50\xa0%)." in by_bob.text


async def test_the_digest_and_ideas_speak_russian(bot: BotUnderTest, ivan_chat: SimChat) -> None:
    await say(ivan_chat, "/new Заголовок лендинга")
    digest = await say(ivan_chat, "/digest")
    assert digest.text.startswith("☀️ Ваш дайджест · 2 мар. 2026\u202fг. · 1 эксперимент в работе")
    assert "Идёт 1 эксперимент, а ваша цель — 3." in digest.text

    ideas = await say(ivan_chat, "/ideas доверие")
    assert ideas.text.startswith("💡 Идеи для этапа «Доверие»")
    assert "Отзывы клиентов на странице с ценами · A/B-тест" in ideas.text
    assert button_labels(ideas)[-1] == "🔁 Другой этап"


# ---------------------------------------------------------------- the pictures' words


@pytest.fixture
def drawn_texts(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every text of each figure matplotlib saves (the chart clears its figure afterwards)."""
    seen: list[str] = []
    original = Figure.savefig

    def recording_savefig(figure: Figure, *args: Any, **kwargs: Any) -> Any:
        saved = original(figure, *args, **kwargs)
        # Read after drawing: tick labels get their text only when the figure is drawn.
        seen.extend(text.get_text() for text in figure.findobj(Text) if text.get_text())
        return saved

    monkeypatch.setattr(Figure, "savefig", recording_savefig)
    yield seen


def test_the_conversion_chart_labels_are_russian(drawn_texts: list[str]) -> None:
    day = date(2026, 3, 2)
    daily = [
        DailyTotals(day + timedelta(days=offset), name, 1000, 40 + offset + bonus)
        for offset in range(3)
        for name, bonus in (("A", 0), ("B", 15))
    ]
    history = history_of(
        daily,
        ["A", "B"],
        name="Заголовок",
        planned=5000,
        verdict=KEEP_RUNNING,
        timezone="Europe/Moscow",
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing Cyrillic glyph warns
        charts.conversion_chart(translator("ru"), history)
    assert "#1 Заголовок" in drawn_texts
    assert "Дата (часовой пояс: Москва)" in drawn_texts
    assert (
        "Конверсия нарастающим итогом, интервал 95\xa0%\n"
        "Вердикт: продолжайте\n"
        "План (посетители на вариант): 5\xa0000, набрано пока 3\xa0000"
    ) in drawn_texts
    assert "A (контроль)" in drawn_texts
    assert "2 мар." in drawn_texts
    assert "2\xa0%" in drawn_texts
    assert not any("Day" in text or "Conversion" in text for text in drawn_texts)


def test_the_funnel_chart_labels_are_russian() -> None:
    reached = (5000, 1200, 400, 150, 60, 20, 5)
    view = FunnelView(
        period_start=date(2026, 2, 24),
        period_end=date(2026, 3, 2),
        stages=tuple(
            StageConversion(stage, count, None if index == 0 else count / reached[index - 1])
            for index, (stage, count) in enumerate(zip(FUNNEL_STAGES, reached, strict=True))
        ),
        constraint=FUNNEL_STAGES[1],
        constraint_rate=0.24,
        logged_by="Иван",
    )
    figure = funnel_figure(translator("ru"), view)
    texts = [text.get_text() for text in figure.findobj(Text) if text.get_text()]
    for name in STAGES_RU:
        assert name in texts
    assert "1\xa0200 · 24,0\xa0%" in texts
    assert "◀ узкое место" in texts
    assert "Воронка песочных часов" in texts
    assert "24 февр. – 2 мар. 2026\u202fг." in texts
    assert any(text.startswith("Ширина — сколько человек дошло до этапа") for text in texts)


async def test_the_russian_words_the_replies_suggest_are_understood(
    bot: BotUnderTest, ivan_chat: SimChat
) -> None:
    await say(ivan_chat, "/new Заголовок лендинга")
    concluded = await say(ivan_chat, "/conclude #1 проигрыш")
    assert concluded.text.startswith(
        "🏁 Эксперимент #1 Заголовок лендинга завершён: "
        "новое не сработало, лучшим остался вариант «A»."
    )
    assert button_labels(concluded) == ["💡 Записать вывод", "🧪 Начать следующую итерацию"]
    for shown in STAGES_RU:
        ideas = await say(ivan_chat, f"/ideas {shown}")
        assert ideas.text.startswith(f"💡 Идеи для этапа «{shown}»"), shown


# ---------------------------------------------------------------- Russian a founder would write


async def test_variant_names_are_quoted_never_declined(
    bot: BotUnderTest, ivan_chat: SimChat
) -> None:
    await say(ivan_chat, "/new Цена | скидка, card")
    logged = await say(ivan_chat, "/log #1 скидка 1000 50")
    assert "Итого по варианту «скидка»: 50 из 1\xa0000 (5,00\xa0%)." in logged.text
    await say(ivan_chat, "/log #1 card 1000 90")
    readout = await say(ivan_chat, "/readout #1")
    # 9.0 % against 5.0 %: a lift of +80 %.
    assert "«card» выглядит примерно на 80\xa0% лучше, чем «скидка»" in readout.text
    assert "против «скидка»: +4,00\xa0п.\xa0п." in readout.text
    assert "байесовский шанс обойти «скидка»" in readout.text
    assert "p с поправкой на подглядывания = 0,089" in readout.text
    assert "Продолжайте: «card» опережает «скидка»" in readout.text
    assert "всегда корректное p" not in readout.text
    concluded = await say(ivan_chat, "/conclude #1 card")
    assert concluded.text.startswith("🏁 Эксперимент #1 Цена завершён: победил вариант «card».")
    shown = await say(ivan_chat, "/show #1")
    assert "🏁 завершён · победил вариант «card»" in shown.text


async def test_outcomes_are_written_and_shown_in_russian(
    bot: BotUnderTest, ivan_chat: SimChat
) -> None:
    help_text = (await say(ivan_chat, "/help")).text
    assert "/conclude — завершить эксперимент с итогом: /conclude #1 победа." in help_text
    assert "/new Заголовок лендинга, /new Цены | A, B, C" in help_text
    assert "/help этапы" in help_text and "/ideas доверие" in help_text
    assert "/funnel история" in help_text
    await say(ivan_chat, "/new Листовка")
    await say(ivan_chat, "/new Витрина")
    before = await counts(bot)
    wrong = [
        await say(ivan_chat, "/conclude #1 ура"),
        await say(ivan_chat, "/conclude #1 победа точно"),
    ]
    assert [answer.text for answer in wrong] == [
        "⚠️ «ура» — не вариант эксперимента #1 (A, B) и не исход. Напишите вариант-победитель, "
        "например /conclude #1 B, или исход: победа, проигрыш или неясно.",
        "⚠️ Напишите вариант-победитель или исход: победа, проигрыш или неясно, например "
        "/conclude #1 победа или /conclude #1 B",
    ]
    assert await counts(bot) == before
    early = await say(ivan_chat, "/learn #1")
    assert "/conclude #1 победа (или проигрыш, или неясно)" in early.text
    tie = await say(ivan_chat, "/conclude #1 ничья")
    assert tie.text.startswith("🏁 Эксперимент #1 Листовка завершён: неясно.")
    lost = await say(ivan_chat, "/conclude #2 проигрыш")
    assert lost.text.startswith(
        "🏁 Эксперимент #2 Витрина завершён: новое не сработало, лучшим остался вариант «A»."
    )
    for answer in [*wrong, early, tie, lost]:
        for english in ("won", "lost", "inconclusive", "1pp", "14d"):
            assert english not in answer.text


async def test_the_guided_new_takes_russian_units_and_dates(
    bot: BotUnderTest, ivan_chat: SimChat
) -> None:
    await say(ivan_chat, "/new")
    kinds = await say(ivan_chat, "Цена подписки")
    await press(ivan_chat, kinds, "A/B-тест")
    stages = await ivan_chat.next_reply()
    await press(ivan_chat, stages, "Доверие")
    hypothesis = await ivan_chat.next_reply()
    assert (
        "Если мы &lt;что изменим&gt; для &lt;кого&gt;, то &lt;что произойдёт&gt;; "
        "проверим по &lt;метрике&gt;." in hypothesis.html
    )
    await press(ivan_chat, hypothesis, "Пропустить")
    variants = await ivan_chat.next_reply()
    await press(ivan_chat, variants, "Оставить A и B")
    split = await ivan_chat.next_reply()
    await press(ivan_chat, split, "Поровну")
    await ivan_chat.next_reply()  # the control's rate today
    effect = await say(ivan_chat, "5%")
    assert "например <code>1 п. п.</code>" in effect.html
    before = await counts(bot)
    refused = await say(ivan_chat, "1 п. п. вверх")
    assert refused.text.startswith(
        "⚠️ Под эффект «1 п. п. вверх» план не построить. Напишите относительный прирост, "
        "например 20%, или процентные пункты, например 1 п. п."
    )
    review = await say(ivan_chat, "1 п. п.")
    # 5 % against 6 %, equal split: the calculator's plan, in a pluralised sentence.
    assert review.text.startswith(
        "Чтобы надёжно отличить 5,0\xa0% от 6,0\xa0%, на каждый вариант нужно около "
    )
    assert review.text.split("\n")[0].endswith(" посетителей.")
    assert "например <code>16.12.2026</code>" in review.html
    far = await say(ivan_chat, "16.12.2030")
    assert far.text.startswith("⚠️ «16.12.2030» — не дата подведения итогов в пределах года.")
    assert "Пишите так: 16.12.2026 или 14д" in far.text
    assert await counts(bot) == before
    created = await say(ivan_chat, "16.12.2026")
    assert created.text.startswith("🧪 Эксперимент #1 создан.")
    assert "итоги 16 дек. 2026\u202fг." in created.text
    edited = await say(ivan_chat, "/edit #1 проверка 16.11")
    assert "Теперь: 16 нояб. 2026\u202fг." in edited.text
