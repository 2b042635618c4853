"""Imports that are safe to repeat, undone as a whole, with every bad line named at once."""

from __future__ import annotations

from db.models import ImportRecord, Observation
from emulator import BotMessage, SimChat
from tests.e2e.conftest import BotUnderTest, press, say
from tests.e2e.test_export_import import HEADER, csv_file, totals, two_experiments_with_results


async def upload(chat: SimChat, filename: str, content: bytes) -> BotMessage:
    await chat.upload(filename, content)
    return await chat.next_reply()


async def snapshot(bot: BotUnderTest, chat: SimChat) -> tuple[object, ...]:
    return (
        await bot.rows(Observation),
        await bot.rows(ImportRecord),
        await totals(bot, chat, 1),
        await totals(bot, chat, 2),
    )


WEEK = csv_file(
    HEADER,
    "1,A,1000,40,,2026-03-01T10:00:00Z",
    "1,B,1000,52,80.00,2026-03-01T10:00:00Z",
    "2,new,300,30,,2026-03-01T11:00:00Z",
)


async def test_the_same_file_sent_again_is_refused_with_when_and_changes_nothing(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    await say(alice_chat, "/new Landing headline")
    await say(alice_chat, "/new Pricing | old, new")
    first = await upload(alice_chat, "week 9.csv", WEEK)
    assert first.text.startswith("📥 Imported 3 results:")
    assert [b.text for row in first.buttons for b in row] == ["↩️ Undo this import"]
    before = await snapshot(bot, alice_chat)
    bot.clock.advance(hours=2)
    again = await upload(alice_chat, "week 9 (1).csv", WEEK)
    assert again.text.splitlines() == [
        "⚠️ This file was already imported on 3/2/26, 9:00\u202fAM by Alice (3 results).",
        "Nothing was imported again. To import it anew, undo that import first.",
    ]
    assert [b.text for row in again.buttons for b in row] == ["↩️ Undo that import"]
    assert await snapshot(bot, alice_chat) == before


async def test_the_bots_own_export_sent_back_is_refused(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    await two_experiments_with_results(alice_chat)
    exported = await say(alice_chat, "/export")
    assert exported.document is not None
    before = await snapshot(bot, alice_chat)
    reply = await upload(alice_chat, "back.csv", exported.document.content)
    assert reply.text.splitlines() == [
        "⚠️ 4 of this file's 4 results are already logged, with the same experiment, variant, "
        "visitors, conversions, revenue and time: lines 2, 3, 4, 5.",
        "They were logged on Mar 2, 2026.",
        "Nothing was imported.",
    ]
    assert reply.buttons == []
    assert await snapshot(bot, alice_chat) == before


async def test_a_resaved_reordered_export_is_recognised_too(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    await two_experiments_with_results(alice_chat)
    bot.clock.advance(minutes=1, seconds=7)  # 09:01:07: a spreadsheet shows minutes only
    await say(alice_chat, "/log #1 A 700 30")
    exported = await say(alice_chat, "/export")
    assert exported.document is not None
    header, *lines = exported.document.content.decode().splitlines()
    assert "1,A,700,30,,2026-03-02T09:01:07Z" in lines
    # As a spreadsheet saves it: semicolons, decimal commas, no seconds, its own row order.
    resaved = [header.replace(",", ";")]
    for line in reversed(lines):
        experiment, variant, visitors, conversions, revenue, logged_at = line.split(",")
        moment = logged_at.replace("T", " ")[:16]
        resaved.append(
            ";".join(
                [experiment, variant, visitors, conversions, revenue.replace(".", ","), moment]
            )
        )
    content = ("\r\n".join(resaved) + "\r\n").encode("utf-8-sig")
    before = await snapshot(bot, alice_chat)
    reply = await upload(alice_chat, "back.csv", content)
    assert reply.text.startswith(
        "⚠️ 5 of this file's 5 results are already logged, with the same experiment, variant, "
        "visitors, conversions, revenue and time: lines 2, 3, 4, 5, 6."
    )
    assert await snapshot(bot, alice_chat) == before


async def test_a_file_with_one_result_already_logged_and_new_ones_names_that_line(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    await say(alice_chat, "/new Landing headline")
    await say(alice_chat, "/new Pricing | old, new")
    await upload(alice_chat, "week 9.csv", WEEK)
    before = await snapshot(bot, alice_chat)
    later = csv_file(
        HEADER, "1,A,900,35,,2026-03-02T08:00:00Z", "1,B,1000,52,80,2026-03-01T10:00:00Z"
    )
    reply = await upload(alice_chat, "week 10.csv", later)
    assert reply.text.splitlines()[:2] == [
        "⚠️ 1 of this file's 2 results is already logged, with the same experiment, variant, "
        "visitors, conversions, revenue and time: line 3.",
        "They came with the file “week 9.csv”, imported on 3/2/26, 9:00\u202fAM by Alice.",
    ]
    assert reply.text.splitlines()[2] == (
        "Nothing was imported yet. “Import only the new ones” adds the 1 other result and "
        "leaves out those already logged."
    )
    assert [b.text for row in reply.buttons for b in row] == [
        "📥 Import only the new ones",
        "↩️ Undo that import",
    ]
    assert await snapshot(bot, alice_chat) == before


async def test_import_only_the_new_ones_leaves_out_what_is_logged(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    await two_experiments_with_results(alice_chat)
    exported = await say(alice_chat, "/export")
    assert exported.document is not None
    # The export, with this week's results added at the end in a spreadsheet.
    grown = exported.document.content + b"1,A,800,33,,2026-03-02T08:00:00Z\n2,old,300,12,,\n"
    refused = await upload(alice_chat, "grown.csv", grown)
    assert refused.text.startswith("⚠️ 4 of this file's 6 results are already logged")
    before = await totals(bot, alice_chat, 1)
    query = await press(alice_chat, refused, "Import only the new ones")
    imported = await alice_chat.next_reply()
    await alice_chat.callback_answer(query)
    assert imported.text.splitlines() == [
        "📥 Imported 2 results:",
        "• #1 Landing headline: 1 entry, 800 visitors, 33 conversions",
        "• #2 Pricing: 1 entry, 300 visitors, 12 conversions",
        "4 results already logged were left out.",
        "/readout shows where each experiment stands now.",
    ]
    assert [b.text for row in imported.buttons for b in row] == ["↩️ Undo this import"]
    assert await totals(bot, alice_chat, 1) == [("A", 1800, 73), *before[1:]]
    assert await bot.rows(Observation) == 6
    # The file is imported now: sent again, it is refused as such.
    again = await upload(alice_chat, "grown.csv", grown)
    assert again.text.startswith("⚠️ This file was already imported on")
    assert await bot.rows(Observation) == 6


async def test_an_older_refusals_button_imports_nothing(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    await say(alice_chat, "/new Landing headline")
    await say(alice_chat, "/new Pricing | old, new")
    await upload(alice_chat, "week 9.csv", WEEK)
    first = await upload(alice_chat, "a.csv", WEEK + b"1,A,5,1,,\n")
    await upload(alice_chat, "b.csv", WEEK + b"1,A,6,1,,\n")
    before = await snapshot(bot, alice_chat)
    await press(alice_chat, first, "Import only the new ones")
    stale = await alice_chat.next_reply()
    assert stale.text == "That file is no longer waiting; send it again to import it."
    assert await snapshot(bot, alice_chat) == before


async def test_undo_this_import_removes_the_whole_file_and_a_second_press_says_so(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    await say(alice_chat, "/new Landing headline")
    await say(alice_chat, "/new Pricing | old, new")
    await say(alice_chat, "/log #1 A 100 5")
    imported = await upload(alice_chat, "week 9.csv", WEEK)
    assert await totals(bot, alice_chat, 1) == [("A", 1100, 45), ("B", 1000, 52)]
    bot.clock.advance(hours=1)
    query = await press(alice_chat, imported, "Undo this import")
    undone = await alice_chat.next_reply()
    await alice_chat.callback_answer(query)
    assert undone.text.splitlines() == [
        "↩️ Undid the import of “week 9.csv” (3/2/26, 9:00\u202fAM): 3 results removed.",
        "• #1 Landing headline",
        "• #2 Pricing",
        "/readout shows where each experiment stands now.",
    ]
    assert await totals(bot, alice_chat, 1) == [("A", 100, 5), ("B", 0, 0)]
    assert await totals(bot, alice_chat, 2) == [("old", 0, 0), ("new", 0, 0)]
    before = await snapshot(bot, alice_chat)
    query = await press(alice_chat, imported, "Undo this import")
    again = await alice_chat.next_reply()
    await alice_chat.callback_answer(query)
    assert again.text == "⚠️ That import was already undone; nothing changed."
    assert await snapshot(bot, alice_chat) == before
    # Undone, the file may come in again.
    reimported = await upload(alice_chat, "week 9.csv", WEEK)
    assert reimported.text.startswith("📥 Imported 3 results:")


async def test_an_import_into_an_experiment_concluded_since_is_not_undone(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    await say(alice_chat, "/new Landing headline")
    await say(alice_chat, "/new Pricing | old, new")
    imported = await upload(alice_chat, "week 9.csv", WEEK)
    await say(alice_chat, "/conclude #2 lost")
    before = await snapshot(bot, alice_chat)
    query = await press(alice_chat, imported, "Undo this import")
    reply = await alice_chat.next_reply()
    await alice_chat.callback_answer(query)
    assert reply.text == (
        "⚠️ Experiment #2 is concluded since this file was imported, so its results stay. "
        "Nothing was undone."
    )
    assert await snapshot(bot, alice_chat) == before


async def test_several_bad_lines_are_listed_in_one_reply_in_line_order(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    await say(alice_chat, "/new Landing headline")
    await say(alice_chat, "/new Pricing | old, new")
    await say(alice_chat, "/log #1 A 100 5")
    content = csv_file(
        HEADER,
        "1,A,10,1,,",
        "1,A,ten,1,,",
        "1,C,10,1,,",
        "1,B,10,2,,",
        "1,B,10,11,,",
        "7,A,10,1,,",
    )
    before = await snapshot(bot, alice_chat)
    reply = await upload(alice_chat, "two bad.csv", content)
    assert reply.text.splitlines() == [
        "⚠️ Some lines of the file have problems, so nothing from it was imported:",
        "Line 3: “ten” is not a whole number of visitors. Write digits only, e.g. 1200.",
        "Line 4: Experiment #1 has no variant “C”. Its variants are: A, B.",
        "Line 6: Conversions (11) can't exceed visitors (10). Try: /log #1 B 10 10",
        "Line 7: There is no experiment #7 here. /list shows your experiments.",
        "Correct those lines and send the file again.",
    ]
    assert await snapshot(bot, alice_chat) == before


async def test_at_most_twenty_bad_lines_are_named_and_the_rest_counted(
    bot: BotUnderTest, alice_chat: SimChat
) -> None:
    await say(alice_chat, "/new Landing headline")
    content = csv_file(HEADER, *[f"1,A,{n},x,," for n in range(25)])
    reply = await upload(alice_chat, "bad.csv", content)
    lines = reply.text.splitlines()
    assert len(lines) == 1 + 20 + 2
    assert [line.split(":")[0] for line in lines[1:21]] == [f"Line {n}" for n in range(2, 22)]
    assert lines[-2:] == ["…and 5 more.", "Correct those lines and send the file again."]
    assert await bot.rows(Observation) == 0
    assert await bot.rows(ImportRecord) == 0
