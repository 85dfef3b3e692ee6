"""Webhook mode: the emulator POSTs updates to the bot's URL like Telegram, and retries until a 2xx."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiogram import Bot
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

from bot.emulator import BotApiEmulator, WebhookDelivery
from tests.emulator.test_emulator_polling import aiogram_dispatcher, converse

USER = 42
OTHER = 43
SECRET = "s3cr3t_-X"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


@dataclass(frozen=True)
class Received:
    """One POST as the bot's endpoint saw it."""

    body: dict[str, Any]
    content_type: str
    secret: str | None

    @property
    def update_id(self) -> int:
        return int(self.body["update_id"])

    @property
    def text(self) -> str:
        return str(self.body["message"]["text"])


@dataclass
class Receiver:
    """A bot's webhook endpoint: records every POST and the order of answers; can fail or hold updates."""

    received: list[Received] = field(default_factory=list)
    events: list[tuple[str, str]] = field(default_factory=list)  # ("in" | "out <status>", text) in order
    failures: dict[str, int] = field(default_factory=dict)  # text -> how many POSTs answer 500 first
    gates: dict[str, asyncio.Event] = field(default_factory=dict)  # text -> answered only once set
    delay: float = 0.0  # before answering the first POST (to provoke a timeout)
    url: str = ""
    _runner: web.AppRunner | None = None
    _stopping: asyncio.Event = field(default_factory=asyncio.Event)

    async def start(self, port: int = 0) -> str:
        app = web.Application()
        app.router.add_post("/hook", self.handle)
        self._runner = web.AppRunner(app, shutdown_timeout=0.5)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", port).start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}/hook"
        return self.url

    async def stop(self) -> None:
        self._stopping.set()
        for gate in self.gates.values():
            gate.set()
        if self._runner is not None:
            await self._runner.cleanup()

    async def handle(self, request: web.Request) -> web.Response:
        seen = Received(await request.json(), request.content_type, request.headers.get(SECRET_HEADER))
        self.received.append(seen)
        message = seen.body.get("message")
        text = str(message.get("text", "")) if isinstance(message, dict) else ""  # push_raw may send anything
        self.events.append(("in", text))
        if self.delay:
            self.delay, delay = 0.0, self.delay
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), delay)
        if text in self.gates:
            await self.gates[text].wait()
        status = 200
        if self.failures.get(text):
            self.failures[text] -= 1
            status = 500
        self.events.append((f"out {status}", text))
        return web.json_response({}, status=status)

    def texts(self) -> list[str]:
        return [seen.text for seen in self.received]


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    bot = Receiver()
    await bot.start()
    try:
        yield bot
    finally:
        await bot.stop()


def free_port() -> int:
    """A loopback port nobody listens on (connections to it are refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    """Poll: the conditions span the emulator and the receiver, which share no event to wait on."""
    async with asyncio.timeout(timeout):
        while not condition():  # noqa: ASYNC110
            await asyncio.sleep(0.01)


async def set_webhook(raw: Any, url: str, **params: Any) -> dict[str, Any]:
    status, body = await raw.json("setWebhook", url=url, **params)
    assert (status, body["description"]) == (200, "Webhook was set"), body
    return body


async def webhook_info(raw: Any) -> dict[str, Any]:
    status, body = await raw.json("getWebhookInfo")
    assert status == 200
    return dict(body["result"])


class TestDelivery:
    async def test_the_update_getupdates_would_give_is_posted_with_the_secret_then_confirmed(
        self, emulator: BotApiEmulator, raw: Any, receiver: Receiver
    ) -> None:
        update_id = emulator.send_text(USER, "/start")
        polled = (await raw.json("getUpdates"))[1]["result"]
        await set_webhook(raw, receiver.url, secret_token=SECRET)
        await emulator.wait_idle(timeout=5)
        assert [seen.body for seen in receiver.received] == polled
        assert [(seen.content_type, seen.secret) for seen in receiver.received] == [("application/json", SECRET)]
        assert emulator.webhook_deliveries == [WebhookDelivery(update_id, 200, SECRET)]
        assert emulator.pending_updates() == 0
        info = await webhook_info(raw)
        assert info == {
            "url": receiver.url,
            "has_custom_certificate": False,
            "pending_update_count": 0,
            "max_connections": 40,
            "ip_address": "127.0.0.1",
        }

    async def test_without_a_secret_no_header_is_sent(
        self, emulator: BotApiEmulator, raw: Any, receiver: Receiver
    ) -> None:
        await set_webhook(raw, receiver.url)
        update_id = emulator.send_text(USER, "halo")
        await emulator.wait_idle(timeout=5)
        assert [(seen.update_id, seen.secret) for seen in receiver.received] == [(update_id, None)]
        assert emulator.webhook_deliveries == [(update_id, 200, None)]

    async def test_raw_updates_are_posted_as_given_each_in_its_own_queue(
        self, emulator: BotApiEmulator, raw: Any, receiver: Receiver
    ) -> None:
        """``push_raw`` payloads have no usable chat or sender: each is ordered alone, and none stops the sender."""
        await set_webhook(raw, receiver.url)
        odd = [emulator.push_raw("message", {"chat": "oops"}), emulator.push_raw("message", "not an object"),
               emulator.push_raw("callback_query", {"from": {"id": "x"}})]
        await emulator.wait_idle(timeout=5)
        assert sorted(seen.update_id for seen in receiver.received) == odd
        assert receiver.received[0].body == {"update_id": odd[0], "message": {"chat": "oops"}}
        assert emulator.pending_updates() == 0

    async def test_a_new_update_is_posted_at_once(self, emulator: BotApiEmulator, raw: Any, receiver: Receiver) -> None:
        await set_webhook(raw, receiver.url)
        started = time.monotonic()
        emulator.send_text(USER, "cepat")
        await until(lambda: bool(receiver.received))
        assert time.monotonic() - started < 0.5

    async def test_an_aiogram_dispatcher_behind_its_webhook_handler_converses(
        self, emulator: BotApiEmulator, raw: Any, aiogram_bot: Bot
    ) -> None:
        app = web.Application()
        SimpleRequestHandler(aiogram_dispatcher(), aiogram_bot, secret_token=SECRET).register(app, "/tg")
        runner = web.AppRunner(app, shutdown_timeout=0.5)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        try:
            port = runner.addresses[0][1]
            assert await aiogram_bot.set_webhook(f"http://127.0.0.1:{port}/tg", secret_token=SECRET)
            await converse(emulator)
            assert {status for _, status, _ in emulator.webhook_deliveries} == {200}
            assert len(emulator.webhook_deliveries) == 2  # /start and the button press
        finally:
            await runner.cleanup()


class TestRetries:
    async def test_a_500_is_retried_until_a_2xx_and_reported_by_getwebhookinfo(
        self, emulator: BotApiEmulator, raw: Any, receiver: Receiver
    ) -> None:
        receiver.failures["halo"] = 2
        await set_webhook(raw, receiver.url, secret_token=SECRET)
        before = int(time.time())
        update_id = emulator.send_text(USER, "halo")
        await emulator.wait_idle(timeout=5)
        assert emulator.webhook_deliveries == [
            (update_id, 500, SECRET),
            (update_id, 500, SECRET),
            (update_id, 200, SECRET),
        ]
        assert [seen.body for seen in receiver.received[1:]] == [receiver.received[0].body] * 2
        info = await webhook_info(raw)
        assert info["pending_update_count"] == 0
        assert info["last_error_message"] == "Wrong response from the webhook: 500 Internal Server Error"
        assert before <= info["last_error_date"] <= int(time.time())

    async def test_a_refused_connection_keeps_the_update_until_the_bot_listens(
        self, emulator: BotApiEmulator, raw: Any
    ) -> None:
        port = free_port()
        await set_webhook(raw, f"http://127.0.0.1:{port}/hook")
        update_id = emulator.send_text(USER, "halo")
        await until(lambda: len(emulator.webhook_deliveries) >= 2)
        assert set(emulator.webhook_deliveries) == {(update_id, None, None)}
        info = await webhook_info(raw)
        assert (info["pending_update_count"], info["last_error_message"]) == (1, "Connection refused")
        with pytest.raises(TimeoutError, match=r"1 updates pending.*last webhook error: Connection refused"):
            await emulator.wait_idle(timeout=0.3)
        late = Receiver()
        await late.start(port)
        try:
            await emulator.wait_idle(timeout=5)  # the backoff is at most ~2 s
            assert [seen.update_id for seen in late.received] == [update_id]
            assert emulator.webhook_deliveries[-1] == (update_id, 200, None)
        finally:
            await late.stop()

    async def test_a_slow_answer_times_out_and_is_retried(
        self, raw_for: Callable[[BotApiEmulator], Any], receiver: Receiver
    ) -> None:
        emu = BotApiEmulator(webhook_timeout=0.2)
        emu.add_user(USER, "Siti")
        await emu.start()
        try:
            receiver.delay = 1.0
            await set_webhook(raw_for(emu), receiver.url)
            update_id = emu.send_text(USER, "lambat")
            await emu.wait_idle(timeout=5)
            assert emu.webhook_deliveries == [(update_id, None, None), (update_id, 200, None)]
            assert (await webhook_info(raw_for(emu)))["last_error_message"] == "Read timeout expired"
        finally:
            await emu.stop()

    async def test_a_new_setwebhook_starts_without_backoff_and_clears_the_error(
        self, emulator: BotApiEmulator, raw: Any, receiver: Receiver
    ) -> None:
        await set_webhook(raw, f"http://127.0.0.1:{free_port()}/hook")
        update_id = emulator.send_text(USER, "halo")
        await until(lambda: len(emulator.webhook_deliveries) >= 4)  # backoff: 0.1, 0.2, 0.4, then 0.8 s
        assert "last_error_message" in await webhook_info(raw)
        started = time.monotonic()
        await set_webhook(raw, receiver.url)
        assert "last_error_message" not in await webhook_info(raw)
        await emulator.wait_idle(timeout=5)
        assert time.monotonic() - started < 0.5
        assert [seen.update_id for seen in receiver.received] == [update_id]


class TestOrder:
    async def test_a_chat_waits_for_its_2xx_while_another_users_updates_pass(
        self, emulator: BotApiEmulator, raw: Any, receiver: Receiver
    ) -> None:
        emulator.add_user(OTHER, "Budi")
        receiver.gates["satu"] = asyncio.Event()
        await set_webhook(raw, receiver.url)
        for user, text in ((USER, "satu"), (USER, "dua"), (OTHER, "a"), (OTHER, "b"), (USER, "tiga")):
            emulator.send_text(user, text)
        await until(lambda: ("out 200", "b") in receiver.events)
        await asyncio.sleep(0.2)  # time enough for a wrong "dua" to be posted
        assert receiver.texts() == ["satu", "a", "b"]
        assert emulator.pending_updates() == 3  # satu (held), dua, tiga
        receiver.gates["satu"].set()
        await emulator.wait_idle(timeout=5)
        assert receiver.texts() == ["satu", "a", "b", "dua", "tiga"]
        mine = [event for event in receiver.events if event[1] in ("satu", "dua", "tiga")]
        assert mine == [(step, text) for text in ("satu", "dua", "tiga") for step in ("in", "out 200")]

    async def test_a_failing_update_holds_back_its_chat_but_not_the_others(
        self, emulator: BotApiEmulator, raw: Any, receiver: Receiver
    ) -> None:
        emulator.add_user(OTHER, "Budi")
        receiver.failures["satu"] = 3
        await set_webhook(raw, receiver.url)
        emulator.send_text(USER, "satu")
        emulator.send_text(USER, "dua")
        emulator.send_text(OTHER, "a")
        await emulator.wait_idle(timeout=5)
        assert receiver.texts().count("satu") == 4
        assert receiver.texts().index("a") < receiver.texts().index("satu", 1)  # not behind the retries
        assert receiver.texts()[-1] == "dua"  # only after satu's 2xx
        assert receiver.events.index(("out 200", "satu")) < receiver.events.index(("in", "dua"))

    async def test_max_connections_limits_the_posts_in_flight(
        self, emulator: BotApiEmulator, raw: Any, receiver: Receiver
    ) -> None:
        emulator.add_user(OTHER, "Budi")
        receiver.gates["satu"] = asyncio.Event()
        await set_webhook(raw, receiver.url, max_connections=1)
        assert (await webhook_info(raw))["max_connections"] == 1
        emulator.send_text(USER, "satu")
        emulator.send_text(OTHER, "a")
        await until(lambda: bool(receiver.received))
        await asyncio.sleep(0.2)
        assert receiver.texts() == ["satu"]  # OTHER waits for the only connection
        receiver.gates["satu"].set()
        await emulator.wait_idle(timeout=5)
        assert receiver.texts() == ["satu", "a"]

    @pytest.mark.parametrize(("asked", "kept"), [(1000, 100), (0, 1), (7, 7)])
    async def test_max_connections_is_clamped_to_1_100(
        self, raw: Any, receiver: Receiver, asked: int, kept: int
    ) -> None:
        await set_webhook(raw, receiver.url, max_connections=asked)
        assert (await webhook_info(raw))["max_connections"] == kept


class TestSetWebhook:
    @pytest.mark.parametrize(
        ("secret", "description"),
        [
            ("a" * 257, "Bad Request: secret token is too long"),
            ("a b", "Bad Request: secret token contains unallowed characters"),
            ("a+b/c=", "Bad Request: secret token contains unallowed characters"),
            ("rahasia!", "Bad Request: secret token contains unallowed characters"),
            ("sécret", "Bad Request: secret token contains unallowed characters"),
        ],
    )
    async def test_a_bad_secret_is_refused_and_nothing_changes(
        self, emulator: BotApiEmulator, raw: Any, receiver: Receiver, secret: str, description: str
    ) -> None:
        assert await raw.json("setWebhook", url=receiver.url, secret_token=secret) == (
            400,
            {"ok": False, "error_code": 400, "description": description},
        )
        assert emulator.webhook == ("", None)

    async def test_the_longest_secret_is_accepted_and_an_empty_one_means_none(
        self, emulator: BotApiEmulator, raw: Any, receiver: Receiver
    ) -> None:
        await set_webhook(raw, receiver.url, secret_token="x" * 256)
        assert emulator.webhook == (receiver.url, "x" * 256)
        await set_webhook(raw, receiver.url, secret_token="")
        assert emulator.webhook == (receiver.url, None)

    @pytest.mark.parametrize(
        ("url", "description"),
        [
            ("http://bot.example/hook", "Bad Request: bad webhook: An HTTPS URL must be provided for webhook"),
            ("ftp://bot.example/hook", "Bad Request: bad webhook: An HTTPS URL must be provided for webhook"),
            (
                "https://bot.example:8080/hook",
                "Bad Request: bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443",
            ),
            ("https://10.1.2.3/hook", "Bad Request: bad webhook: IP address 10.1.2.3 is reserved"),
            ("https:///hook", "Bad Request: invalid webhook URL specified"),
        ],
    )
    async def test_real_hosts_need_https_on_a_telegram_port(
        self, emulator: BotApiEmulator, raw: Any, url: str, description: str
    ) -> None:
        assert await raw.json("setWebhook", url=url) == (
            400,
            {"ok": False, "error_code": 400, "description": description},
        )
        assert emulator.webhook == ("", None)

    @pytest.mark.parametrize(
        "url", ["https://bot.example/hook", "https://bot.example:8443/hook", "http://localhost:8081/x"]
    )
    async def test_https_or_plain_http_on_loopback_is_accepted(
        self, emulator: BotApiEmulator, raw: Any, url: str
    ) -> None:
        await set_webhook(raw, url)  # nothing is pending, so nothing is posted
        assert emulator.webhook == (url, None)
        assert emulator.webhook_deliveries == []

    async def test_ipv6_loopback_is_allowed_too(self, raw: Any) -> None:
        await set_webhook(raw, "http://[::1]:9/hook")
        assert (await webhook_info(raw))["ip_address"] == "::1"

    async def test_the_same_webhook_again_is_already_set(self, raw: Any, receiver: Receiver) -> None:
        await set_webhook(raw, receiver.url, secret_token=SECRET)
        status, body = await raw.json("setWebhook", url=receiver.url, secret_token=SECRET)
        assert (status, body["description"]) == (200, "Webhook is already set")

    async def test_allowed_updates_filters_and_is_reported(
        self, emulator: BotApiEmulator, raw: Any, receiver: Receiver
    ) -> None:
        await set_webhook(raw, receiver.url, allowed_updates=["callback_query"])
        assert (await webhook_info(raw))["allowed_updates"] == ["callback_query"]
        emulator.send_text(USER, "tidak diteruskan")
        sent = (await raw.json("sendMessage", chat_id=USER, text="x", reply_markup={
            "inline_keyboard": [[{"text": "Ya", "callback_data": "ya"}]]}))[1]["result"]  # fmt: skip
        update_id = emulator.press(USER, sent["message_id"], "ya")
        await emulator.wait_idle(timeout=5)
        assert [(seen.update_id, seen.body["callback_query"]["data"]) for seen in receiver.received] == [
            (update_id, "ya")
        ]


class TestPendingUpdates:
    async def test_drop_pending_updates_on_set_and_on_delete(
        self, emulator: BotApiEmulator, raw: Any, receiver: Receiver
    ) -> None:
        emulator.send_text(USER, "lama")
        emulator.send_text(USER, "lama juga")
        await set_webhook(raw, receiver.url, drop_pending_updates=True)
        assert emulator.pending_updates() == 0
        kept = emulator.send_text(USER, "baru")
        await emulator.wait_idle(timeout=5)
        assert [seen.update_id for seen in receiver.received] == [kept]

        await set_webhook(raw, f"http://127.0.0.1:{free_port()}/hook")
        emulator.send_text(USER, "tidak sampai")
        await until(lambda: len(emulator.webhook_deliveries) >= 2)
        status, body = await raw.json("deleteWebhook", drop_pending_updates=True)
        assert (status, body["description"]) == (200, "Webhook was deleted")
        assert emulator.pending_updates() == 0
        assert await webhook_info(raw) == {"url": "", "has_custom_certificate": False, "pending_update_count": 0}

    async def test_an_update_is_pending_until_its_post_got_a_2xx(
        self, emulator: BotApiEmulator, raw: Any, receiver: Receiver
    ) -> None:
        receiver.gates["tahan"] = asyncio.Event()
        await set_webhook(raw, receiver.url)
        emulator.send_text(USER, "tahan")
        await until(lambda: bool(receiver.received))
        assert emulator.pending_updates() == 1
        assert (await webhook_info(raw))["pending_update_count"] == 1
        with pytest.raises(TimeoutError, match="1 updates pending"):
            await emulator.wait_idle(timeout=0.3)
        receiver.gates["tahan"].set()
        await emulator.wait_idle(timeout=5)
        assert emulator.pending_updates() == 0

    async def test_redeliver_posts_the_same_update_again(
        self, emulator: BotApiEmulator, raw: Any, receiver: Receiver
    ) -> None:
        await set_webhook(raw, receiver.url)
        update_id = emulator.send_text(USER, "/start")
        await emulator.wait_idle(timeout=5)
        emulator.redeliver(update_id)
        await emulator.wait_idle(timeout=5)
        assert [seen.update_id for seen in receiver.received] == [update_id, update_id]
        assert receiver.received[0].body == receiver.received[1].body
        assert emulator.webhook_deliveries == [(update_id, 200, None)] * 2

    async def test_redeliver_while_its_post_runs_posts_it_once_more(
        self, emulator: BotApiEmulator, raw: Any, receiver: Receiver
    ) -> None:
        receiver.gates["dua kali"] = asyncio.Event()
        await set_webhook(raw, receiver.url)
        update_id = emulator.send_text(USER, "dua kali")
        await until(lambda: bool(receiver.received))
        emulator.redeliver(update_id)
        receiver.gates["dua kali"].set()
        await emulator.wait_idle(timeout=5)
        assert [seen.update_id for seen in receiver.received] == [update_id, update_id]


class TestSwitchingModes:
    async def test_getupdates_is_409_while_a_webhook_is_set_and_works_again_after_delete(
        self, emulator: BotApiEmulator, raw: Any
    ) -> None:
        await set_webhook(raw, f"http://127.0.0.1:{free_port()}/hook")
        update_id = emulator.send_text(USER, "halo")
        status, body = await raw.json("getUpdates")
        assert (status, body["error_code"]) == (409, 409)
        assert body["description"].startswith("Conflict: can't use getUpdates method while webhook is active")
        await raw.json("deleteWebhook")
        status, body = await raw.json("getUpdates")
        assert (status, [update["update_id"] for update in body["result"]]) == (200, [update_id])

    async def test_setwebhook_ends_a_waiting_long_poll(
        self, emulator: BotApiEmulator, raw: Any, receiver: Receiver
    ) -> None:
        poll = asyncio.create_task(raw.json("getUpdates", timeout=10))
        await asyncio.sleep(0.2)
        await set_webhook(raw, receiver.url)
        assert await asyncio.wait_for(poll, 5) == (
            409,
            {"ok": False, "error_code": 409, "description": "Conflict: terminated by setWebhook request"},
        )
        update_id = emulator.send_text(USER, "lewat webhook")
        await emulator.wait_idle(timeout=5)
        assert [seen.update_id for seen in receiver.received] == [update_id]

    async def test_after_delete_nothing_more_is_posted(
        self, emulator: BotApiEmulator, raw: Any, receiver: Receiver
    ) -> None:
        await set_webhook(raw, receiver.url)
        await raw.json("deleteWebhook")
        assert (await raw.json("deleteWebhook"))[1]["description"] == "Webhook is already deleted"
        emulator.send_text(USER, "untuk getUpdates")
        await asyncio.sleep(0.2)
        assert receiver.received == []
        assert emulator.pending_updates() == 1


class TestStop:
    async def test_stop_cancels_running_posts_and_leaves_their_updates_queued(
        self, raw_for: Callable[[BotApiEmulator], Any], receiver: Receiver
    ) -> None:
        emu = BotApiEmulator()
        emu.add_user(USER, "Siti")
        await emu.start()
        receiver.gates["tertahan"] = asyncio.Event()
        await set_webhook(raw_for(emu), receiver.url)
        emu.send_text(USER, "tertahan")
        await until(lambda: bool(receiver.received))
        await emu.stop()
        assert emu.pending_updates() == 1
        assert emu.webhook_deliveries == []
        assert not [task for task in asyncio.all_tasks() if task.get_name() == "webhook delivery"]
        await emu.stop()  # twice is harmless
