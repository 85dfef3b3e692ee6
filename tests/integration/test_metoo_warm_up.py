"""The search index built when the bot starts (issue 14 §5, found by the 'me too' helper): the first student
filing after a start is answered without waiting for the index, the offer skipped while it is being built; once
built, the offer works — and the index was built by the warm-up, not by the student's turn."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from handlers.staff import search_index
from storage.uow import SqlUnitOfWork
from tests.integration.test_metoo import ANA, BUDI, CHRIS, FIRST, SIMILAR, buttons, file_until_offer, finish, make_desk


async def test_the_first_filing_does_not_wait_for_the_index_and_the_offer_works_once_built(
        new_uow: Callable[[], SqlUnitOfWork]) -> None:
    desk = await make_desk(new_uow)
    await file_until_offer(desk, ANA, FIRST)
    await finish(desk, ANA)
    search_index.forget_indexes()  # the bot starts again: no index in this process
    cache = search_index.cache_of(desk.deps)
    await cache.lock.acquire()  # the warm-up is held at its start, as a long build at 100k tickets would be
    warming = asyncio.create_task(search_index.warm_up(desk.make_uow, desk.deps))
    try:
        await asyncio.sleep(0)  # the warm-up has begun: it says so
        assert search_index.building(desk.deps)
        said = await file_until_offer(desk, CHRIS, SIMILAR[CHRIS])  # answered with the lock still held
        assert any("Files" in p.get("text", "") or p.get("buttons") for p in said)
        assert not any(b for p in said for b in buttons(p) if b[1].startswith("in:case:")), "skipped, not waited"
        assert cache.mark is None, "the student's turn did not build it"
    finally:
        cache.lock.release()
    await warming
    assert not search_index.building(desk.deps) and cache.mark is not None
    offer = (await file_until_offer(desk, BUDI, SIMILAR[BUDI]))[-1]  # the next student, once it is built
    assert any(b[1].startswith("in:case:") for b in buttons(offer)), "offered once built"


async def test_a_failed_warm_up_leaves_the_build_to_the_first_request(new_uow: Callable[[], SqlUnitOfWork]) -> None:
    desk = await make_desk(new_uow)
    await file_until_offer(desk, ANA, FIRST)
    await finish(desk, ANA)
    search_index.forget_indexes()

    def broken() -> SqlUnitOfWork:
        raise ConnectionError("database away")

    await search_index.warm_up(broken, desk.deps)
    assert not search_index.building(desk.deps) and search_index.cache_of(desk.deps).mark is None
    offer = (await file_until_offer(desk, CHRIS, SIMILAR[CHRIS]))[-1]
    assert any(b[1].startswith("in:case:") for b in buttons(offer))


async def test_a_rebuild_due_later_is_made_in_the_background_not_in_a_students_turn(
        new_uow: Callable[[], SqlUnitOfWork]) -> None:
    """Found in review: the 6-hourly rebuild (and one after 1,000 changes, e.g. a mass case closed) ran inside the
    turn of the student who came next, holding its transaction — on SQLite the write lock — for the whole build."""
    desk = await make_desk(new_uow)
    await file_until_offer(desk, ANA, FIRST)
    await finish(desk, ANA)
    search_index.forget_indexes()
    await search_index.warm_up(desk.make_uow, desk.deps)
    cache = search_index.cache_of(desk.deps)
    built = cache.built
    cache.built -= search_index.REBUILD_AFTER + 1  # six hours later
    said = await file_until_offer(desk, CHRIS, SIMILAR[CHRIS])
    assert not any(b for p in said for b in buttons(p) if b[1].startswith("in:case:")), "skipped, not built in turn"
    assert cache.rebuilding is not None
    await cache.rebuilding
    assert cache.built > built and not search_index.building(desk.deps)
    offer = (await file_until_offer(desk, BUDI, SIMILAR[BUDI]))[-1]
    assert any(b[1].startswith("in:case:") for b in buttons(offer)), "offered once rebuilt"
