"""LK documents for the renderer's tests and benchmark: a whole case, an anonymous one, and a huge one."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from reports.lk_model import (
    Evidence,
    LkDocument,
    ProgrammeAction,
    RatingLine,
    Response,
    RoundApproval,
    Signature,
    SourceTicket,
    Verification,
)

WIB = ZoneInfo("Asia/Jakarta")
AT = datetime(2026, 11, 25, 10, 0, tzinfo=WIB)


def action(i: int, text: str = "Terbitkan transkrip mahasiswa hari ini dan catat “nomor surat”.") -> ProgrammeAction:
    return ProgrammeAction(i, 1 + i // 150, ("koreksi", "tindakan korektif", "tindakan pencegahan")[i % 3],
                           f"{text} ({i})", "Olivia Officer", date(2026, 12, 1) + timedelta(days=i % 20),
                           date(2026, 12, 2) if i % 2 else None, "selesai" if i % 2 else "terbuka",
                           "Foto surat terlampir 📎" if i % 2 else "")


def whole_case(actions: int = 3) -> LkDocument:
    return LkDocument(
        institution="Institut Teknologi Sepuluh Nopember", unit="Biro Administrasi Akademik (BAPKM)",
        sop_number="PM-BAPKM.AP.1-24", revision="00", number="LK-2026-001", title="Laporan Ketidaksesuaian",
        status="ditutup", round=2, opened=date(2026, 11, 25), closed=date(2026, 12, 20),
        tickets=(SourceTicket("KEL-2026-00001", "Telegram", date(2026, 11, 24), "bernama", "keluhan · mahasiswa"),
                 SourceTicket("KEL-2026-00007", "surat", date(2026, 11, 26), "anonim", "keluhan")),
        service="Legalisir ijazah dan transkrip", procedure_ref="SOP Akademik 3.2 butir 4",
        description="Transkrip saya belum terbit setelah lima hari kerja — “segera” katanya. 😡",
        evidence=(Evidence("KEL-2026-00001", "foto: bukti-pengajuan.jpg", "ab" * 32),
                  Evidence("#2", "dokumen: surat-tugas.pdf", None)),
        root_cause="Pejabat penandatangan sedang dinas luar dan tidak ada pejabat pengganti.",
        actions=tuple(action(i) for i in range(1, actions + 1)),
        responses=(Response("setelah koreksi", date(2026, 12, 3),
                            "Transkrip Anda sudah terbit dan dapat diambil di loket BAPKM."),
                   Response("setelah koreksi putaran 2", date(2026, 12, 12),
                            "Pejabat pengganti kini menandatangani bila pejabat utama dinas luar."),
                   Response("saat penutupan", date(2026, 12, 20),
                            "Langkah perbaikan terbukti efektif; keterlambatan tidak terulang.")),
        verifications=(Verification(1, "tidak efektif", "Maya Monitor", AT + timedelta(days=10), "Masih terlambat."),
                       Verification(2, "efektif", "Ani Approver", AT + timedelta(days=25))),
        ratings=(RatingLine("KEL-2026-00001", 4, "Cepat setelah dilaporkan 👍"),),
        approvals=(RoundApproval(1, Signature("Olivia Officer", "petugas", AT),
                                 Signature("Rudi Reviewer", "pemeriksa", AT + timedelta(hours=3)),
                                 Signature("Ani Approver", "pemberi persetujuan", AT + timedelta(days=1))),
                   RoundApproval(2, Signature("Budi Officer", "petugas", AT + timedelta(days=11)),
                                 Signature("Rina Reviewer", "pemeriksa", AT + timedelta(days=12)),
                                 Signature("Ani Approver", "pemberi persetujuan", AT + timedelta(days=13)))),
        segregation_notes=(),
        found_by="keluhan melalui Telegram: KEL-2026-00001; keluhan melalui surat: KEL-2026-00007",
    )


def huge_case() -> LkDocument:
    long = ("Keterangan panjang tentang ketidaksesuaian layanan, lokasi, dan bukti objektif. " * 130)[:10_000]
    return replace(whole_case(0), description=long, root_cause=long,
                   responses=(Response("saat penutupan", date(2026, 12, 20), long),),
                   actions=tuple(action(i, long[: 200 + (i % 7) * 400]) for i in range(1, 201)))
