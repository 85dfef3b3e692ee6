"""The sandbox's terminal chat against a real Bot API emulator, the test playing the bot over HTTP (no bot needed).

What a person at the terminal sees: every bot message with its number and numbered buttons, everything that
arrived in a chat while they were elsewhere, edited cards shown again and marked, any earlier message's
buttons pressable with ``/press``, and one clear line for every mistyped ``/press``.
"""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from PIL import Image
from pypdf import PdfReader

from bot.clock import AdjustableClock
from bot.emulator import BotApiEmulator
from bot.emulator.samples import TINY_JPEG
from bot.sandbox_chat import DEFAULT_USER, STAFF_GROUP, TerminalChat
from bot.sandbox_files import readable_name
from storage.stripping import strip_metadata

ADMIN = 9000
BUDI = 1002
CARD_BUTTONS = [["🙋 Ambil"], ["❗ Tidak sesuai", "✔ Sesuai…"]]
MENU = [["📝 Keluhan atau saran baru"], ["📋 Tiket saya", "🌐 Bahasa"]]


class TheBot:
    """The test's side of the emulator: Bot API calls over HTTP, as the real bot makes them."""

    def __init__(self, session: aiohttp.ClientSession, emulator: BotApiEmulator) -> None:
        self.session, self.emulator = session, emulator

    async def call(self, method: str, **params: Any) -> Any:
        url = f"{self.emulator.base_url}/bot{self.emulator.token}/{method}"
        async with self.session.post(url, json=params) as response:
            body = await response.json()
        assert body["ok"], body
        return body["result"]

    async def say(self, chat_id: int, text: str, buttons: list[list[str]] | None = None) -> int:
        """Send ``text`` (buttons carry their own text, lower-cased, as callback data); returns the message id."""
        params: dict[str, Any] = {"chat_id": chat_id, "text": text}
        if buttons:
            params["reply_markup"] = keyboard(buttons)
        return int((await self.call("sendMessage", **params))["message_id"])

    async def edit(self, chat_id: int, message_id: int, text: str, buttons: list[list[str]] | None = None) -> None:
        params: dict[str, Any] = {"chat_id": chat_id, "message_id": message_id, "text": text}
        if buttons:
            params["reply_markup"] = keyboard(buttons)
        await self.call("editMessageText", **params)

    async def clear_buttons(self, chat_id: int, message_id: int) -> None:
        await self.call("editMessageReplyMarkup", chat_id=chat_id, message_id=message_id)


def keyboard(rows: list[list[str]]) -> dict[str, Any]:
    return {"inline_keyboard": [[{"text": text, "callback_data": text.casefold()} for text in row] for row in rows]}


class Screen:
    """What the terminal printed, and the typed lines, one at a time."""

    def __init__(self, emulator: BotApiEmulator) -> None:
        self.lines: list[str] = []
        self.chat = TerminalChat(emulator, frozenset({ADMIN}), self.lines.append)

    def type(self, *typed: str) -> str:
        """Type the lines, then let the terminal catch up; returns what was printed meanwhile."""
        start = len(self.lines)
        for line in typed:
            assert self.chat.handle(line)
        self.chat.show_new()
        return "\n".join(self.lines[start:])

    def look(self) -> str:
        start = len(self.lines)
        self.chat.show_new()
        return "\n".join(self.lines[start:])


@pytest.fixture
async def emulator() -> AsyncIterator[BotApiEmulator]:
    async with BotApiEmulator(rate_limits=False) as emu:
        yield emu


@pytest.fixture
async def bot(emulator: BotApiEmulator) -> AsyncIterator[TheBot]:
    async with aiohttp.ClientSession() as session:
        yield TheBot(session, emulator)


@pytest.fixture
def screen(emulator: BotApiEmulator) -> Screen:
    return Screen(emulator)


def pressed(emulator: BotApiEmulator, update_id: int) -> tuple[int, int, str]:
    """(chat, message id, callback data) of the press behind an update."""
    query = emulator.callback(update_id)
    return query.chat_id, query.message_id, query.data


class TestRendering:
    async def test_each_bot_message_is_shown_with_its_number_and_its_buttons_numbered(
        self, bot: TheBot, screen: Screen
    ) -> None:
        number = await bot.say(DEFAULT_USER, "Selamat datang", MENU)
        assert screen.look() == (
            f"\n🤖 #{number}  Selamat datang\n   [1] 📝 Keluhan atau saran baru\n   [2] 📋 Tiket saya   [3] 🌐 Bahasa"
        )

    async def test_files_say_what_they_are_and_link_buttons_say_they_are_links(
        self, bot: TheBot, screen: Screen
    ) -> None:
        lk = "https://x.example/LK-2026-001.pdf"
        await bot.call("sendDocument", chat_id=DEFAULT_USER, document=lk, caption="LK-2026-001")
        link = {"inline_keyboard": [[{"text": "Baca", "url": "https://x.example/sop"}]]}
        await bot.call("sendMessage", chat_id=DEFAULT_USER, text="SOP", reply_markup=link)
        shown = screen.look()
        assert "  📄 LK-2026-001.pdf (0 B)\n   LK-2026-001" in shown
        assert "[1] Baca (link)" in shown

    async def test_an_uploaded_document_shows_its_name_and_size_then_its_caption(
        self, bot: TheBot, screen: Screen
    ) -> None:
        form = aiohttp.FormData()
        form.add_field("chat_id", str(DEFAULT_USER))
        form.add_field("caption", "LK <b>LK-2026-001</b>")
        form.add_field("parse_mode", "HTML")
        form.add_field("document", b"%PDF-1.7 " + b"x" * 34 * 1024, filename="LK-2026-001.pdf")
        url = f"{bot.emulator.base_url}/bot{bot.emulator.token}/sendDocument"
        async with bot.session.post(url, data=form) as response:
            assert (await response.json())["ok"]
        assert screen.look().endswith("  📄 LK-2026-001.pdf (34 kB)\n   LK LK-2026-001")

    async def test_a_message_the_bot_deleted_is_shown_as_deleted(self, bot: TheBot, screen: Screen) -> None:
        number = await bot.say(DEFAULT_USER, "sementara")
        screen.look()
        await bot.call("deleteMessage", chat_id=DEFAULT_USER, message_id=number)
        assert screen.look() == f"\n🗑 #{number} (the bot deleted this message)"


class TestWhileYouWereAway:
    async def test_becoming_someone_shows_everything_that_arrived_for_them_then_new_ones_live(
        self, bot: TheBot, screen: Screen
    ) -> None:
        screen.type(f"/as {BUDI} Budi")
        screen.type("/as 1001")
        for n in range(1, 6):
            await bot.say(BUDI, f"Kabar {n}")
        assert screen.look() == "\n(📨 Budi: 5 new — /as 1002)"
        assert screen.look() == ""  # announced once
        shown = screen.type("/as 1002")
        assert shown.startswith("  You are now Budi (1002).")
        assert [line for line in shown.split("\n") if "Kabar" in line] == [
            f"🤖 #{n}  Kabar {n}" for n in range(1, 6)
        ]  # all five, not the last three
        await bot.say(BUDI, "Kabar 6")
        assert screen.look() == "\n🤖 #6  Kabar 6"

    async def test_coming_back_shows_only_what_you_had_not_seen(self, bot: TheBot, screen: Screen) -> None:
        await bot.say(DEFAULT_USER, "lama")
        screen.look()
        screen.type("/group")
        await bot.say(DEFAULT_USER, "baru")
        assert screen.look() == "\n(📨 your private chat: 1 new — /private)"
        shown = screen.type("/private")
        assert "baru" in shown and "lama" not in shown

    async def test_a_chat_with_nothing_new_says_so(self, screen: Screen) -> None:
        assert screen.type("/group") == "  Now in the staff group.\n  (nothing new here)"

    async def test_the_staff_group_shows_every_card_posted_while_you_were_in_private(
        self, bot: TheBot, screen: Screen
    ) -> None:
        for n in range(1, 5):
            await bot.say(STAFF_GROUP, f"KEL-2026-0000{n}", CARD_BUTTONS)
        assert screen.look() == "\n(👥 staff group: 4 new — /group)"
        shown = screen.type("/group")
        assert all(f"🤖 #{n}  KEL-2026-0000{n}" in shown for n in range(1, 5))


class TestEditedCards:
    async def test_a_card_edited_in_view_is_shown_again_marked(self, bot: TheBot, screen: Screen) -> None:
        screen.type("/group")
        card = await bot.say(STAFF_GROUP, "KEL-2026-00001\nStatus: tercatat", CARD_BUTTONS)
        screen.look()
        await bot.edit(STAFF_GROUP, card, "KEL-2026-00001\nStatus: sedang dikonfirmasi", [["❗ Tidak sesuai"]])
        assert screen.look() == (
            f"\n🤖 #{card} ✏️ (edited)  KEL-2026-00001\nStatus: sedang dikonfirmasi\n   [1] ❗ Tidak sesuai"
        )

    async def test_a_card_edited_while_you_were_away_is_announced_and_shown_marked_on_return(
        self, bot: TheBot, screen: Screen
    ) -> None:
        screen.type("/group")
        card = await bot.say(STAFF_GROUP, "KEL-2026-00001 tercatat", CARD_BUTTONS)
        screen.look()
        screen.type("/private")
        await bot.edit(STAFF_GROUP, card, "KEL-2026-00001 dikonfirmasi", CARD_BUTTONS)
        assert screen.look() == "\n(👥 staff group: 1 updated — /group)"
        assert f"🤖 #{card} ✏️ (edited)  KEL-2026-00001 dikonfirmasi" in screen.type("/group")

    async def test_a_card_edited_before_you_first_saw_it_is_still_marked(self, bot: TheBot, screen: Screen) -> None:
        card = await bot.say(STAFF_GROUP, "KEL-2026-00001 tercatat", CARD_BUTTONS)
        await bot.edit(STAFF_GROUP, card, "KEL-2026-00001 ditutup")
        assert f"🤖 #{card} ✏️ (edited)  KEL-2026-00001 ditutup" in screen.type("/group")

    async def test_buttons_taken_away_after_a_press_are_not_shown_again(self, bot: TheBot, screen: Screen) -> None:
        question = await bot.say(DEFAULT_USER, "Keluhan atau saran?", [["Keluhan", "Saran"]])
        screen.look()
        await bot.clear_buttons(DEFAULT_USER, question)
        assert screen.look() == ""
        assert screen.type(f"/press {question} 1") == f"  Message #{question} has no buttons any more."


class TestPressing:
    async def test_press_presses_a_button_of_an_earlier_message_by_number(
        self, bot: TheBot, screen: Screen, emulator: BotApiEmulator
    ) -> None:
        menu = await bot.say(DEFAULT_USER, "Selamat datang", MENU)
        await bot.say(DEFAULT_USER, "Keluhan atau saran?", [["Keluhan", "Saran"]])
        screen.look()
        assert screen.type(f"/press {menu} 3") == f"  👆 #{menu} [3] 🌐 Bahasa"
        assert pressed(emulator, screen.chat.presses[-1]) == (DEFAULT_USER, menu, "🌐 bahasa")

    @pytest.mark.parametrize("wanted", ["tiket saya", "Tiket", "📋 TIKET SAYA"], ids=["text", "part", "any case"])
    async def test_press_finds_a_button_by_its_text(
        self, bot: TheBot, screen: Screen, emulator: BotApiEmulator, wanted: str
    ) -> None:
        menu = await bot.say(DEFAULT_USER, "Selamat datang", MENU)
        screen.look()
        assert screen.type(f"/press {menu} {wanted}") == f"  👆 #{menu} [2] 📋 Tiket saya"
        assert pressed(emulator, screen.chat.presses[-1]) == (DEFAULT_USER, menu, "📋 tiket saya")

    async def test_press_takes_the_message_number_as_shown_with_its_hash(
        self, bot: TheBot, screen: Screen, emulator: BotApiEmulator
    ) -> None:
        menu = await bot.say(DEFAULT_USER, "Selamat datang", MENU)
        screen.look()
        assert screen.type(f"/press #{menu} 1") == f"  👆 #{menu} [1] 📝 Keluhan atau saran baru"

    async def test_a_plain_number_presses_the_newest_message_with_buttons(
        self, bot: TheBot, screen: Screen, emulator: BotApiEmulator
    ) -> None:
        await bot.say(DEFAULT_USER, "Selamat datang", MENU)
        question = await bot.say(DEFAULT_USER, "Keluhan atau saran?", [["Keluhan", "Saran"]])
        await bot.say(DEFAULT_USER, "Ceritakan apa yang terjadi.")
        screen.look()
        assert screen.type("2") == f"  👆 #{question} [2] Saran"
        assert pressed(emulator, screen.chat.presses[-1]) == (DEFAULT_USER, question, "saran")

    async def test_a_plain_number_that_is_no_button_there_goes_to_the_bot_as_text(
        self, bot: TheBot, screen: Screen
    ) -> None:
        await bot.say(DEFAULT_USER, "Keluhan atau saran?", [["Keluhan", "Saran"]])
        screen.look()
        assert screen.type("2026") == ""
        (update,) = await bot.call("getUpdates")
        assert update["message"]["text"] == "2026" and screen.chat.presses == []

    async def test_in_the_staff_group_you_press_as_yourself_in_the_group(
        self, bot: TheBot, screen: Screen, emulator: BotApiEmulator
    ) -> None:
        screen.type(f"/as {ADMIN}", "/group")
        card = await bot.say(STAFF_GROUP, "KEL-2026-00001", CARD_BUTTONS)
        screen.look()
        screen.type(f"/press {card} ambil")
        query = emulator.callback(screen.chat.presses[-1])
        assert (query.user_id, query.chat_id, query.message_id, query.data) == (ADMIN, STAFF_GROUP, card, "🙋 ambil")

    async def test_the_bots_answer_to_a_press_is_shown(self, bot: TheBot, screen: Screen) -> None:
        await bot.say(DEFAULT_USER, "Keluhan atau saran?", [["Keluhan", "Saran"]])
        screen.look()
        screen.type("1")
        query = screen.chat.emulator.callback(screen.chat.presses[-1])
        await bot.call("answerCallbackQuery", callback_query_id=query.id, text="Dipilih: Keluhan")
        assert screen.look() == "\n💬 Dipilih: Keluhan"
        assert screen.chat.presses == []


class TestBadInput:
    """Each mistake gets one line that says what is wrong, and nothing reaches the bot."""

    @pytest.mark.parametrize(("typed", "says"), [
        ("/press 99 1", "  There is no message #99 from the bot in this chat."),
        ("/press {menu} 7", "  Message #{menu} has buttons 1 to 3; there is no button 7."),
        ("/press {menu} 0", "  Message #{menu} has buttons 1 to 3; there is no button 0."),
        ("/press {plain} 1", "  Message #{plain} has no buttons."),
        ("/press {menu} Hapus", '  Message #{menu} has no button "Hapus"; its buttons: [1] 📝 Keluhan atau saran '
                                "baru, [2] 📋 Tiket saya, [3] 🌐 Bahasa."),
        ("/press {menu} a", '  "a" fits 3 buttons of message #{menu}: [1] 📝 Keluhan atau saran baru, '
                            "[2] 📋 Tiket saya, [3] 🌐 Bahasa; give its number."),
        ("/press", "  usage: /press <message> <button>   e.g. /press 12 1, or /press 12 Ambil (a button's number or "
                   "text)"),
        ("/press {menu}", "  usage: /press <message> <button>   e.g. /press 12 1, or /press 12 Ambil (a button's "
                          "number or text)"),
        ("/press satu 1", "  usage: /press <message> <button>   e.g. /press 12 1, or /press 12 Ambil (a button's "
                          "number or text)"),
        ("/as Budi", "  usage: /as <telegram id> [name]   e.g. /as 1002 Budi (a person's id is a positive number)"),
        ("/as -5", "  usage: /as <telegram id> [name]   e.g. /as 1002 Budi (a person's id is a positive number)"),
        ("", ""),
    ], ids=["no message", "button too high", "button zero", "no buttons", "no such text", "several fit", "nothing",
            "no button", "not a number", "as a name", "as negative", "empty line"])  # fmt: skip
    async def test_a_mistake_gets_one_clear_line(
        self, bot: TheBot, screen: Screen, emulator: BotApiEmulator, typed: str, says: str
    ) -> None:
        menu = await bot.say(DEFAULT_USER, "Selamat datang", MENU)
        plain = await bot.say(DEFAULT_USER, "Terima kasih.")
        screen.look()
        assert screen.type(typed.format(menu=menu, plain=plain)) == says.format(menu=menu, plain=plain)
        assert emulator.pending_updates() == 0 and screen.chat.presses == []

    async def test_a_message_in_the_staff_group_is_pointed_out_from_the_private_chat(
        self, bot: TheBot, screen: Screen
    ) -> None:
        cards = [await bot.say(STAFF_GROUP, f"KEL-2026-0000{n}", CARD_BUTTONS) for n in range(1, 4)]
        await bot.say(DEFAULT_USER, "Selamat datang", MENU)
        screen.look()
        assert screen.type(f"/press {cards[-1]} 1") == (
            f"  There is no message #{cards[-1]} from the bot in this chat (there is one in the staff group: "
            "/group first)."
        )

    async def test_a_deleted_message_cannot_be_pressed(self, bot: TheBot, screen: Screen) -> None:
        menu = await bot.say(DEFAULT_USER, "Selamat datang", MENU)
        await bot.call("deleteMessage", chat_id=DEFAULT_USER, message_id=menu)
        screen.look()
        assert screen.type(f"/press {menu} 1") == f"  Message #{menu} was deleted by the bot; its buttons are gone."


async def test_the_clock_moves_forward_by_at_most_a_quarter_at_a_time(emulator: BotApiEmulator) -> None:
    """A slip of the finger (``/clock +2000w``) would leave the sandbox's database decades ahead for good (the
    clock never goes back): found in a walk, where every late notice then counted 9,866 working days."""
    lines: list[str] = []
    clock = AdjustableClock(datetime(2026, 12, 21, 2, 0, tzinfo=UTC))
    chat = TerminalChat(emulator, frozenset({ADMIN}), lines.append, clock)
    before = clock()
    for jump in ("+2000w", "+500w", "+93d"):
        chat.handle(f"/clock {jump}")
        assert "At most 92 days at a time" in lines[-1]
        assert clock() - before < timedelta(seconds=5)
    chat.handle("/clock +13w")
    assert timedelta(weeks=13) <= clock() - before < timedelta(weeks=13, seconds=5)
    assert lines[-1].startswith("  The bot's clock: ")


async def upload(bot: TheBot, chat_id: int, kind: str, data: bytes, file_name: str | None = None) -> int:
    """The bot sends a file by multipart upload, as it sends the LK's PDF or a chart; returns the message id."""
    form = aiohttp.FormData()
    form.add_field("chat_id", str(chat_id))
    form.add_field(kind, io.BytesIO(data), **({"filename": file_name} if file_name else {}))
    url = f"{bot.emulator.base_url}/bot{bot.emulator.token}/send{kind.capitalize()}"
    async with bot.session.post(url, data=form) as response:
        body = await response.json()
    assert body["ok"], body
    return int(body["result"]["message_id"])


class TestFilesTheBotSends:
    """Found in a new-user walk: the LK's PDF ended up only as data/archive/<sha256>, which nobody finds."""

    @pytest.fixture
    def files(self, tmp_path: Path) -> Path:
        return tmp_path / "sandbox-files"

    @pytest.fixture
    def saving(self, emulator: BotApiEmulator, files: Path) -> Screen:
        screen = Screen(emulator)
        screen.chat.stop_listening()
        screen.chat = TerminalChat(emulator, frozenset({ADMIN}), screen.lines.append, files=files)
        return screen

    async def test_a_document_is_saved_under_its_name_and_the_chat_shows_where(
        self, bot: TheBot, saving: Screen, files: Path
    ) -> None:
        pdf = b"%PDF-1.7 LK " + b"x" * 2048
        await upload(bot, DEFAULT_USER, "document", pdf, "LK-2026-001.pdf")
        shown = saving.look()
        saved = files / str(DEFAULT_USER) / "LK-2026-001.pdf"
        assert saved.read_bytes() == pdf
        assert "📄 LK-2026-001.pdf (2 kB)" in shown and f"💾 saved as {saved.resolve()}" in shown

    async def test_a_later_file_of_the_same_name_never_overwrites_the_earlier(
        self, bot: TheBot, saving: Screen, files: Path
    ) -> None:
        first, second = b"%PDF-1.7 version 1", b"%PDF-1.7 version 2"
        for data in (first, second, first):
            await upload(bot, DEFAULT_USER, "document", data, "LK-2026-001.pdf")
        shown = saving.look()
        folder = files / str(DEFAULT_USER)
        assert sorted(p.name for p in folder.iterdir()) == ["LK-2026-001 (2).pdf", "LK-2026-001.pdf"]
        assert (folder / "LK-2026-001.pdf").read_bytes() == first
        assert (folder / "LK-2026-001 (2).pdf").read_bytes() == second
        # the very same file sent again is not copied a third time: the chat points at the first copy
        assert shown.count(f"saved as {(folder / 'LK-2026-001.pdf').resolve()}") == 2

    async def test_photos_and_group_posts_get_readable_names_in_their_chats_folder(
        self, bot: TheBot, saving: Screen, files: Path
    ) -> None:
        saving.type(f"/as {BUDI} Budi", "/as 1001")
        chart = await upload(bot, STAFF_GROUP, "photo", TINY_JPEG)
        await upload(bot, BUDI, "document", b"a;b\n", "register.csv")
        saving.type("/group")
        assert (files / "staff-group" / f"photo-{chart}.jpg").read_bytes() == TINY_JPEG
        assert (files / str(BUDI) / "register.csv").read_bytes() == b"a;b\n"

    @pytest.mark.parametrize(("sent", "kind", "mime", "saved"), [
        ("LK-2026-001.pdf", "document", "application/pdf", "LK-2026-001.pdf"),
        ("../../etc/passwd", "document", None, "passwd"),
        ("C:\\Users\\x\\register.xlsx", "document", None, "register.xlsx"),
        ('a<b>:"c"?.csv', "document", None, "a_b_c_.csv"),
        ("chart", "photo", "image/png", "chart.png"),
        ("photo", "photo", "image/png", "photo-7.png"),
        (None, "photo", None, "photo-7.jpg"),
        ("..", "document", "application/pdf", "document-7.pdf"),
        ("x" * 300 + ".pdf", "document", None, "x" * 116 + ".pdf"),
    ])  # fmt: skip
    def test_a_name_is_the_one_sent_made_safe(self, sent: str | None, kind: str, mime: str | None, saved: str) -> None:
        assert readable_name(sent, kind, mime, 7) == saved

    async def test_without_a_folder_nothing_is_saved(self, bot: TheBot, screen: Screen, tmp_path: Path) -> None:
        await upload(bot, DEFAULT_USER, "document", b"%PDF-1.7", "LK-2026-001.pdf")
        assert "💾" not in screen.look()


class TestBecomingSomeone:
    async def test_a_name_given_to_someone_already_there_is_their_name_and_the_bot_sees_it(
        self, bot: TheBot, screen: Screen, emulator: BotApiEmulator
    ) -> None:
        """Found in a walk: ``/as 9000 Budi`` kept "Admin 9000" (the admin is in the sandbox from the start)."""
        assert screen.type(f"/as {ADMIN} Budi").startswith(f"  You are now Budi ({ADMIN}).")
        screen.type("/start")
        updates = await bot.call("getUpdates")
        assert updates[-1]["message"]["from"]["first_name"] == "Budi"
        assert updates[-1]["message"]["chat"]["first_name"] == "Budi"
        screen.type("/as 1001")
        assert screen.type(f"/as {ADMIN}").startswith(f"  You are now Budi ({ADMIN}).")  # no name: kept

    def test_someone_named_in_an_earlier_run_keeps_that_name(self, emulator: BotApiEmulator) -> None:
        lines: list[str] = []
        chat = TerminalChat(emulator, frozenset({ADMIN}), lines.append, known={ADMIN: "Budi", 9001: "Olivia"})
        chat.handle("/as 9001")
        assert lines[0] == "  You are now Olivia (9001)." and chat.names[ADMIN] == "Budi"
        chat.stop_listening()


async def test_the_simulated_users_files_are_what_they_claim(bot: TheBot, screen: Screen) -> None:
    """Found in a walk: the sandbox's ``/photo`` was no JPEG, so the archive logged a warning into the chat."""
    screen.type("/photo bukti", "/pdf surat")
    photo, document = (u["message"] for u in await bot.call("getUpdates"))
    jpeg = bot.emulator.file_content(photo["photo"][-1]["file_id"])
    with Image.open(io.BytesIO(jpeg)) as image:
        assert image.format == "JPEG" and image.size == (16, 16)
    assert strip_metadata(jpeg) is not None  # what the archive does with it: no "could not be read" warning
    pdf = bot.emulator.file_content(document["document"]["file_id"])
    assert PdfReader(io.BytesIO(pdf), strict=True).pages[0].extract_text() == "Tanggap sandbox document"
