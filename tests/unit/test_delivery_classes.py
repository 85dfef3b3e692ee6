"""Which delivery class each outbound message gets when an update's messages are written to the outbox."""

from __future__ import annotations

from domain.delivery import Priority
from handlers.events import ClearButtons, EditCard, OutMessage, SendCard, SendFile
from handlers.outbound import FAN_OUT, delivery_classes

STUDENT, OFFICER, GROUP = 501, 502, -100777
REPLY, NOTICE, BULK = Priority.REPLY, Priority.NOTICE, Priority.BULK


def test_what_goes_to_the_acting_persons_chat_is_a_reply_and_to_others_a_notice() -> None:
    outbound = [ClearButtons(STUDENT, 9), OutMessage(STUDENT, "Tiket KEL-2026-00001 diterima"),
                SendCard(GROUP, 1, "KEL-2026-00001"), OutMessage(OFFICER, "Tiket baru")]

    assert delivery_classes(outbound, {STUDENT}) == [REPLY, REPLY, NOTICE, NOTICE]


def test_a_press_in_the_staff_group_is_answered_in_the_group_and_in_the_pressers_private_chat() -> None:
    outbound = [EditCard(GROUP, 1, "KEL-2026-00001 · diambil"), OutMessage(OFFICER, "Anda menangani KEL-2026-00001"),
                OutMessage(STUDENT, "Laporan Anda sedang diperiksa")]

    assert delivery_classes(outbound, {GROUP, OFFICER}) == [REPLY, REPLY, NOTICE]


def test_one_change_telling_more_than_the_fan_out_limit_of_chats_makes_their_messages_bulk() -> None:
    many = [OutMessage(1000 + n, "Keluhan Anda telah diselesaikan") for n in range(FAN_OUT + 1)]
    few = many[:FAN_OUT]

    assert delivery_classes([OutMessage(OFFICER, "LK ditutup"), *many], {OFFICER}) == [REPLY] + [BULK] * len(many)
    assert delivery_classes(few, {OFFICER}) == [NOTICE] * FAN_OUT


def test_several_messages_to_one_chat_count_once_toward_the_fan_out() -> None:
    outbound = [OutMessage(1000 + n // 2, f"pesan {n}") for n in range(2 * FAN_OUT)]  # FAN_OUT chats, two each

    assert set(delivery_classes(outbound, ())) == {NOTICE}


def test_a_message_that_states_its_class_keeps_it() -> None:
    outbound = [OutMessage(STUDENT, "pengingat", priority=BULK), SendFile(OFFICER, "photo", "f1", priority=REPLY),
                *(OutMessage(1000 + n, "ringkasan", priority=NOTICE) for n in range(FAN_OUT + 5))]

    assert delivery_classes(outbound, {STUDENT}) == [BULK, REPLY] + [NOTICE] * (FAN_OUT + 5)


def test_without_an_acting_person_nothing_is_a_reply() -> None:
    assert delivery_classes([OutMessage(STUDENT, "a"), OutMessage(OFFICER, "b")], ()) == [NOTICE, NOTICE]
