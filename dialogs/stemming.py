"""Indonesian word forms (bentuk kata): "dilegalisir" → "legalisir", "terlambat" → "lambat", "pembayaran" → "bayar".

Search (:mod:`dialogs.search`), the service matcher and the recurrence similarity compare stems, so a ticket saying
"sudah dilegalisir" is found by "legalisir". The stemmer is Sastrawi's (Nazief–Adriani with its dictionary of root
words), whose dictionary lacks campus words — ``stem("dilegalisir")`` is "dilegalisir" with it alone — so it is built
with our catalogue's words (service names and aliases) and :data:`CAMPUS_WORDS` added. Sastrawi strips Indonesian
affixes only from words whose root it finds in the dictionary: English words ("processing", "delayed") stay as they
are. It is slow (~0.1 ms a word), so each word is stemmed once per process (a dict of words seen).

Built once in the composition root and passed in (STYLE 17); :data:`IDENTITY` stems nothing (tests, tools).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from Sastrawi.Dictionary.ArrayDictionary import ArrayDictionary
from Sastrawi.Stemmer.Stemmer import Stemmer as SastrawiStemmer
from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

CAMPUS_WORDS = frozenset(
    """
    legalisir legalisasi transkrip ijazah ijasah krs khs khs ukt wisuda yudisium skpi ktm frs sks ipk nim nrp
    beasiswa akademik registrasi cuti skripsi tesis disertasi dosen wali rektorat dekanat departemen fakultas
    prodi loket portal sistem login verifikasi validasi cetak unggah unduh upload download daftar heregistrasi
    sertifikat toefl surat aktif kuliah nilai jadwal semester tagihan bayar virtual akun email password
    """.split()
)
"""Root words of campus services Sastrawi's dictionary lacks (a few it has are listed too, harmlessly)."""

MAX_CACHED = 200_000
"""Words remembered; beyond (a flood of typos) a word is stemmed each time instead of remembered."""
_LETTERS = re.compile(r"[a-z]+")

Stem = Callable[[str], str]


class IndonesianStemmer:
    """``stem(word)``: a lower-case word's root (the word itself if none is known), remembered per word."""

    def __init__(self, extra_words: Iterable[str] = ()) -> None:
        words = set(StemmerFactory().get_words())
        words |= CAMPUS_WORDS
        for text in extra_words:
            words.update(_LETTERS.findall(text.casefold()))
        self._stemmer = SastrawiStemmer(ArrayDictionary(sorted(words)))
        self._seen: dict[str, str] = {}

    def __call__(self, word: str) -> str:
        stem = self._seen.get(word)
        if stem is None:
            # only plain words of 4+ letters carry affixes worth stripping ("krs", "ktm2026" stay)
            stem = self._stemmer.stem(word) if len(word) > 3 and word.isalpha() and word.isascii() else word
            stem = stem or word
            if len(self._seen) < MAX_CACHED:
                self._seen[word] = stem
        return stem


def identity(word: str) -> str:
    """Stems nothing: words as they are."""
    return word


IDENTITY: Stem = identity

__all__ = ["CAMPUS_WORDS", "IDENTITY", "IndonesianStemmer", "Stem", "identity"]
