"""The LK form as PDF (issue 13 §2): p95 time to build the document (its content hash and verification code) and
render an LK with 20 actions — the work ``/lk pdf`` does off the event loop; the database reads before it are
those of ``/lk``. Target: <= 300 ms."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, date, datetime, timedelta

from bench.common import Figure, Size, percentile
from reports.lk_model import (
    Evidence,
    Issue,
    LkDocument,
    ProgrammeAction,
    RatingLine,
    Response,
    RoundApproval,
    Signature,
    SourceTicket,
    Verification,
    content_hash,
    verification_code,
)
from reports.lk_pdf import render

RUNS = {"tiny": 3, "full": 40}


def document(actions: int) -> LkDocument:
    at = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
    text = "Terbitkan transkrip mahasiswa yang terlambat dan tunjuk pejabat pengganti penandatangan. "
    return LkDocument(
        "Institut Teknologi Sepuluh Nopember", "Biro Administrasi Akademik (BAPKM)", "PM-BAPKM.AP.1-24",
        "00", "LK-2026-001", "Laporan Ketidaksesuaian", "ditutup", 1, date(2026, 11, 25), date(2026, 12, 20),
        tuple(SourceTicket(f"KEL-2026-{n:05d}", "Telegram", date(2026, 11, 24), f"Mahasiswa {n}", "mahasiswa")
              for n in range(1, 4)),
        "Legalisir ijazah dan transkrip", "SOP Akademik 3.2 butir 4", text * 8,
        (Evidence("KEL-2026-00001", "foto: bukti.jpg", "ab" * 32),), text * 4,
        tuple(ProgrammeAction(i, 1, "tindakan korektif", text * 2, "Olivia", date(2026, 12, 1) + timedelta(days=i),
                              date(2026, 12, 2), "selesai", "Surat keputusan 12/2026") for i in range(1, actions + 1)),
        (Response("setelah koreksi", date(2026, 12, 3), text * 3),
         Response("saat penutupan", date(2026, 12, 20), text)),
        (Verification(1, "efektif", "Maya", at),),
        (RatingLine("KEL-2026-00001", 5, "Terima kasih"),),
        (RoundApproval(1, Signature("Olivia", "petugas", at), Signature("Rudi", "pemeriksa", at),
                       Signature("Ani", "pemberi persetujuan", at)),))


def once() -> float:
    start = time.perf_counter()
    doc = document(20)
    code = verification_code(content_hash(doc), "id")
    render(doc, lambda s: s, Issue(code, 1, datetime.now(UTC)))
    return (time.perf_counter() - start) * 1000


async def run(size: Size) -> list[Figure]:
    await asyncio.to_thread(once)  # the fonts' metrics are read once per process
    times = [await asyncio.to_thread(once) for _ in range(RUNS[size])]
    p95 = percentile(times, 95)
    return [Figure("lk_pdf", "LK PDF with 20 actions, build + render p95 (ms)", round(p95, 1), "ms", "<= 300 ms",
                   p95 <= 300, f"{len(times)} runs; p50 {percentile(times, 50):.1f} ms"),]
