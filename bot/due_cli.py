"""``tanggap due [--at 2027-01-15T08:00+07:00]``: what the due-work engine would send at that moment, and to whom,
without sending anything — for operators checking the reminders, and for tests."""

from __future__ import annotations

from datetime import datetime

from bot.bootstrap import build, migrate
from bot.settings import Settings
from handlers.due import Hours
from handlers.due.engine import due_now, goes_at


async def print_due(settings: Settings, at: datetime | None) -> None:
    app = build(settings)
    try:
        await migrate(app)
        now = at or app.deps.clock()
        async with app.make_uow() as uow:
            dues = await due_now(uow, app.deps, now)
            names: dict[int, str] = {}
            complainants: dict[str, str] = {}
            for due in dues:
                if due.hours is Hours.COMPLAINANT:  # never a complainant's name (an anonymous one's is nobody's)
                    tickets = [await uow.tickets.get(tid) for tid in due.about]
                    complainants[due.key] = "the complainant of " + (
                        ", ".join(t.number for t in tickets if t is not None) or "—")
                    continue
                for pid in due.to:
                    person = await uow.persons.get(pid)
                    names[pid] = f"{person.name} ({person.telegram_id})" if person else f"#{pid}"
        local = now.astimezone(app.deps.tz)
        if not dues:
            print(f"Nothing would go out at {local:%Y-%m-%d %H:%M %Z}.")
            return
        notices = "1 notice" if len(dues) == 1 else f"{len(dues)} notices"
        print(f"At {local:%Y-%m-%d %H:%M %Z}, {notices} would go out:")
        for due in sorted(dues, key=lambda d: (d.kind, d.key)):
            to = complainants.get(due.key) or (", ".join(names[pid] for pid in due.to) if due.to else "the staff group")
            ready = goes_at(app.deps, due, due.ready).astimezone(app.deps.tz)
            print(f"  {due.kind:<19} {due.key:<48} → {to}  (due since {ready:%Y-%m-%d %H:%M})")
    finally:
        await app.close()
