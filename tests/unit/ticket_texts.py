"""Generated complaint texts for search tests: Indonesian and English, informal, with typos (seeded, repeatable)."""

from __future__ import annotations

import random

SERVICES = {
    "transcript": ("Penerbitan Transkrip Akademik", ["transkrip", "transkrip nilai", "transcript", "daftar nilai"]),
    "legalisation": ("Legalisir Ijazah dan Transkrip", ["legalisir ijazah", "legalisir", "legalisasi ijazah"]),
    "active_student_letter": ("Surat Keterangan Aktif Kuliah", ["surat aktif kuliah", "surat keterangan aktif"]),
    "re_registration": ("Daftar Ulang Semester", ["daftar ulang", "her registrasi", "registrasi ulang"]),
    "course_registration": ("Pengisian FRS/KRS", ["frs", "krs", "pengisian frs", "course registration"]),
    "academic_leave": ("Cuti Akademik", ["cuti akademik", "cuti kuliah", "academic leave"]),
    "graduation": ("Yudisium dan Wisuda", ["wisuda", "yudisium", "graduation"]),
    "tuition": ("Uang Kuliah Tunggal", ["ukt", "uang kuliah", "keringanan ukt", "tuition fee"]),
    "student_card": ("Kartu Tanda Mahasiswa", ["ktm", "kartu mahasiswa", "student card"]),
    "academic_account": ("Akun myITS", ["akun myits", "email mahasiswa", "password myits", "login portal"]),
}
PROBLEMS_ID = [
    "{thing} saya belum terbit padahal sudah {n} minggu", "{thing} tidak bisa diproses karena sistem error",
    "petugas loket bilang {thing} harus menunggu tanda tangan dekan", "{thing}nya salah nama dan salah nrp",
    "antrean {thing} sangat panjang dan loket tutup lebih awal", "sudah bayar tapi {thing} belum diverifikasi",
    "{thing} ditolak tanpa alasan yang jelas", "tidak ada informasi kapan {thing} selesai",
    "berkas {thing} hilang setelah diserahkan ke departemen", "{thing} terlambat {n} hari dari jadwal",
]
PROBLEMS_EN = [
    "my {thing} has not been issued after {n} weeks", "the {thing} page shows an error when I submit",
    "staff at the counter said my {thing} needs the dean's signature first", "my {thing} has the wrong name",
    "I paid but my {thing} is still not verified", "the {thing} was rejected without any reason",
    "nobody can tell me when the {thing} will be ready", "the queue for {thing} is very long every morning",
]
EXTRAS = [
    "mohon segera ditindaklanjuti", "saya butuh untuk beasiswa", "untuk melamar kerja minggu depan",
    "sudah menghubungi departemen tapi tidak dibalas", "please help, I need it for my visa",
    "I emailed twice and got no answer", "dosen wali juga tidak tahu", "di gedung rektorat lantai 1",
    "", "", "",
]


def typo(word: str, rnd: random.Random) -> str:
    """One typing slip: a letter dropped, doubled or two letters swapped."""
    if len(word) < 5:
        return word
    i = rnd.randrange(1, len(word) - 1)
    slip = rnd.randrange(3)
    if slip == 0:
        return word[:i] + word[i + 1 :]
    if slip == 1:
        return word[:i] + word[i] + word[i:]
    return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]


def ticket_text(rnd: random.Random) -> tuple[str, str]:
    """``(service code, description + service name)`` of one made-up ticket."""
    code = rnd.choice(list(SERVICES))
    name, things = SERVICES[code]
    template = rnd.choice(PROBLEMS_ID if rnd.random() < 0.7 else PROBLEMS_EN)
    text = template.format(thing=rnd.choice(things), n=rnd.randint(2, 9)) + ". " + rnd.choice(EXTRAS)
    if rnd.random() < 0.3:
        parts = text.split()
        k = rnd.randrange(len(parts))
        parts[k] = typo(parts[k], rnd)
        text = " ".join(parts)
    if rnd.random() < 0.1:
        text += f" NRP 50252{rnd.randint(10000, 99999)}"
    return code, f"{text} {name}"


def tickets(count: int, seed: int = 7) -> list[tuple[int, str, str, str]]:
    """``(ticket_id, number, text, service code)`` for ``count`` made-up tickets."""
    rnd = random.Random(seed)
    made = []
    for i in range(1, count + 1):
        code, text = ticket_text(rnd)
        made.append((i, f"KEL-2026-{i:05d}", text, code))
    return made
