"""/export and importing a CSV file, through the real Application and the Bot API emulator."""

from __future__ import annotations

import csv
import io

from db.models import Observation
from emulator import SimChat
from experiments import services
from tests.e2e.conftest import BotUnderTest, say

HEADER = "experiment,variant,visitors,conversions,revenue,logged_at"


async def upload(chat: SimChat, filename: str, content: bytes, caption: str | None = None) -> str:
    await chat.upload(filename, content, caption=caption)
    return (await chat.next_reply()).text


def csv_file(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


async def totals(bot: BotUnderTest, chat: SimChat, number: int) -> list[tuple[str, int, int]]:
    summary = await services.get_experiment(bot.database.unit_of_work(), chat.id, number)
    return [(t.name, t.visitors, t.conversions) for t in summary.totals]


async def two_experiments_with_results(chat: SimChat) -> None:
    await say(chat, "/new Landing headline")
    await say(chat, "/new Pricing | old, new")
    for line in ("/log #1 A 1000 40", "/log #1 B 1000 55 120.50", "/log #1 B 500 20"):
        await say(chat, line)
    await say(chat, "/log #2 new 300 30")


# ---------------------------------------------------------------- export


async def test_export_sends_a_csv_whose_sums_are_the_totals(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    await two_experiments_with_results(alice_chat)
    exported = await say(alice_chat, "/export")
    assert exported.kind == "document" and exported.document is not None
    assert exported.document.filename == "hourglass-export-2026-03-02.csv"
    assert exported.text.startswith("📤 4 logged results.")
    rows = list(csv.DictReader(io.StringIO(exported.document.content.decode("utf-8"))))
    assert exported.document.content.decode().splitlines()[0] == HEADER
    assert rows[1] == {
        "experiment": "1",
        "variant": "B",
        "visitors": "1000",
        "conversions": "55",
        "revenue": "120.50",
        "logged_at": "2026-03-02T09:00:00Z",
    }
    assert rows[0]["revenue"] == ""
    for number in (1, 2):
        for name, visitors, conversions in await totals(bot, alice_chat, number):
            mine = [r for r in rows if r["experiment"] == str(number) and r["variant"] == name]
            assert sum(int(r["visitors"]) for r in mine) == visitors
            assert sum(int(r["conversions"]) for r in mine) == conversions


async def test_export_with_nothing_logged_says_so(bot: BotUnderTest, alice_chat: SimChat) -> None:
    await say(alice_chat, "/new Landing headline")
    reply = await say(alice_chat, "/export")
    assert reply.kind == "text"
    assert reply.text.startswith("Nothing to export yet")
    assert bot.emulator.calls_to("sendDocument") == []


# ---------------------------------------------------------------- import


async def test_import_adds_the_files_results_and_says_where(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    await say(alice_chat, "/new Landing headline")
    await say(alice_chat, "/new Pricing | old, new")
    content = csv_file(
        "experiment, variant, visitors, conversions",
        "1, A, 1200, 48",
        "#1, B, 1200, 60",
        "2, old, 400, 20",
    )
    reply = await upload(alice_chat, "week 9.csv", content, caption="last week")
    assert reply.splitlines() == [
        "📥 Imported 3 results:",
        "• #1 Landing headline: 2 entries, 2,400 visitors, 108 conversions",
        "• #2 Pricing: 1 entry, 400 visitors, 20 conversions",
        "/readout shows where each experiment stands now.",
    ]
    assert await totals(bot, alice_chat, 1) == [("A", 1200, 48), ("B", 1200, 60)]
    assert await totals(bot, alice_chat, 2) == [("old", 400, 20), ("new", 0, 0)]


async def test_any_file_captioned_import_is_read_as_csv(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    await say(alice_chat, "/new Landing headline")
    reply = await upload(alice_chat, "numbers.txt", csv_file(HEADER, "1,B,10,1,,"), "/import")
    assert reply.startswith("📥 Imported 1 result:")
    assert await bot.rows(Observation) == 1


async def test_bare_import_shows_how_with_the_header(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    reply = await say(alice_chat, "/import")
    assert "send me a .csv file" in reply.text
    assert HEADER in reply.text.splitlines()


async def test_a_file_that_is_not_csv_gets_the_how_to_in_private_and_silence_in_a_group(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    reply = await upload(alice_chat, "photo.pdf", b"%PDF-1.4 ...")
    assert "send me a .csv file" in reply
    alice = alice_chat.user
    assert alice is not None
    group = bot.emulator.group_chat("Team", [alice])
    await group.upload("slides.pdf", b"%PDF-1.4 ...", sender=alice)
    await group.expect_silence("/calc 1/10 2/10", "Quick readout", sender=alice)
    assert await bot.rows(Observation) == 0


BAD_FILES = [
    ("unknown experiment", csv_file(HEADER, "1,A,10,1,,", "7,A,10,1,,"), "Line 3 of the file: "
     "There is no experiment #7 here."),
    ("unknown variant", csv_file(HEADER, "1,C,10,1,,"), "Line 2 of the file: "
     "Experiment #1 has no variant “C”. Its variants are: A, B."),
    ("non-numeric", csv_file(HEADER, "1,A,many,1,,"), "Line 2 of the file: "
     "“many” is not a whole number of visitors. Write digits only, e.g. 1200."),
    ("negative", csv_file(HEADER, "1,A,10,-1,,"), "Line 2 of the file: "
     "Counts can't be negative (conversions: -1)."),
    ("conversions above visitors", csv_file(HEADER, "1,A,10,1,,", "1,B,10,11,,"),
     "Line 3 of the file: Conversions (11) can't exceed visitors (10)."),
    ("concluded", csv_file(HEADER, "2,A,10,1,,"), "Line 2 of the file: "
     "Experiment #2 is concluded, so it takes no more results."),
    ("bad date", csv_file(HEADER, "1,A,10,1,,02/03/2026"), "Line 2 of the file: "
     "“02/03/2026” is not a date and time. Write it in ISO 8601 like 2026-03-02T09:00:00Z"),
    ("wrong header", csv_file("exp,variant,visitors,conversions", "1,A,10,1"),
     "Line 1 of the file: “exp” is not a column I know. The first line must be the header "
     "experiment,variant,visitors,conversions,revenue,logged_at"),
    ("empty file", b"", "Line 1 of the file: the file is empty."),
    ("over 10000 rows", csv_file(HEADER, *["1,A,1,0,,"] * 10_001),
     "Line 10002 of the file: a file can hold at most 10000 results."),
    ("not utf-8", csv_file(HEADER, "1,A,10,1,,") + "1,Б,1,0,,\n".encode("cp1251"),
     "Line 3 of the file: the file is not UTF-8 text."),
]  # fmt: skip


async def test_each_bad_file_names_its_line_and_changes_nothing(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    await say(alice_chat, "/new Landing headline")
    await say(alice_chat, "/new Finished")
    await say(alice_chat, "/conclude #2 lost")
    await say(alice_chat, "/log #1 A 100 5")
    for case, content, expected in BAD_FILES:
        reply = await upload(alice_chat, f"{case}.csv", content)
        assert reply.startswith("⚠️ " + expected), (case, reply)
        assert reply.endswith(
            "Nothing from this file was imported; correct that line and send the file again."
        )
        assert await bot.rows(Observation) == 1, case
        assert await totals(bot, alice_chat, 1) == [("A", 100, 5), ("B", 0, 0)], case


async def test_a_file_over_a_megabyte_is_refused_before_download(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    await say(alice_chat, "/new Landing headline")
    content = csv_file(HEADER, *["1,A,1000,50,," + " " * 200] * 6000)
    reply = await upload(alice_chat, "big.csv", content)
    assert reply.startswith("⚠️ That file is 1")
    assert "KB; I import files up to 1 MB (10000 results). Split it" in reply
    assert bot.emulator.calls_to("getFile") == []
    assert await bot.rows(Observation) == 0


async def test_another_chats_experiment_is_answered_like_an_unknown_one(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    await say(alice_chat, "/new Alice's test")
    bob = bot.emulator.user(first_name="Bob", language_code="en")
    bob_chat = bot.emulator.private_chat(bob)
    await say(bob_chat, "/start")
    theirs = await upload(bob_chat, "a.csv", csv_file(HEADER, "1,A,10,1,,"))
    missing = await upload(bob_chat, "b.csv", csv_file(HEADER, "5,A,10,1,,"))
    assert theirs == missing.replace("#5", "#1")
    assert "There is no experiment #1 here." in theirs
    assert await bot.rows(Observation) == 0
