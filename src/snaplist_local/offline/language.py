"""Guess the language of printed text from its script and its most common short words."""

import re
from dataclasses import dataclass

from snaplist_local.offline.words import ENGLISH_WORDS

# A few very frequent words per language; short texts rarely hold more than two or three.
_COMMON_WORDS = {
    "en": "the of and to in is for with by on from this that are an",
    "de": "der die das und ist mit von den dem ein eine nicht für auf im",
    "fr": "le la les et des du est une pour dans par sur au aux avec",
    "es": "el la los las y del en es una por con para al como su",
    "it": "il lo la gli le e di che per una con del della sono nel",
    "nl": "de het een en van in is op te dat met voor zijn niet",
    "pt": "o a os as e do da em um uma para com por não dos das",
}
STOPWORDS = {code: frozenset(words.split(" ")) for code, words in _COMMON_WORDS.items()}

# Unicode ranges whose script alone tells the language (or the nearest ISO 639-1 code).
SCRIPTS: tuple[tuple[str, str], ...] = (
    ("ja", r"[\u3040-\u30ff]"),  # hiragana / katakana
    ("ko", r"[\uac00-\ud7af]"),
    ("zh", r"[\u4e00-\u9fff]"),
    ("ru", r"[\u0400-\u04ff]"),
    ("el", r"[\u0370-\u03ff]"),
    ("ar", r"[\u0600-\u06ff]"),
    ("he", r"[\u0590-\u05ff]"),
)
# OCR invents the odd CJK glyph on textures; a script counts only from this many characters.
MIN_SCRIPT_CHARS = 4
# Distinct words of the English list (one of them a common short word) that make text English
# when the short words alone are too few: a cover rarely prints more than "The ... of".
MIN_ENGLISH_WORDS = 3


@dataclass(frozen=True)
class LanguageGuess:
    code: str
    confidence: float
    evidence: str


def guess_language(text: str) -> LanguageGuess | None:
    for code, pattern in SCRIPTS:
        count = len(re.findall(pattern, text))
        if count >= MIN_SCRIPT_CHARS:
            return LanguageGuess(code, min(0.9, 0.5 + 0.05 * count), f"{count} {code} characters")

    words = re.findall(r"[a-zà-ÿ]+", text.lower())
    # Distinct words: "the" printed three times is no more English than printed once.
    hits = {code: len(set(words) & stop) for code, stop in STOPWORDS.items()}
    best = max(hits, key=lambda code: hits[code])
    runner_up = max(hits[code] for code in hits if code != best)
    margin = hits[best] - runner_up
    if hits[best] < 2 or margin < 1:
        return _english_by_vocabulary(words, hits)
    confidence = min(0.85, 0.4 + 0.1 * hits[best] + 0.05 * margin)
    return LanguageGuess(best, confidence, f"{hits[best]} common {best} words")


def _english_by_vocabulary(words: list[str], hits: dict[str, int]) -> LanguageGuess | None:
    # Limitation: only English has a word list here; "original" or "piano" is also Spanish or
    # Italian, so at least one English short word must be among them and none of another
    # language's, and the confidence stays moderate.
    english = sorted({word for word in words if word in ENGLISH_WORDS})
    others = sum(count for code, count in hits.items() if code != "en")
    if hits["en"] < 1 or others > 0 or len(english) < MIN_ENGLISH_WORDS:
        return None
    confidence = min(0.6, 0.4 + 0.05 * len(english))
    return LanguageGuess("en", confidence, f"{len(english)} English words ({', '.join(english)})")


# ISBN registration groups that map to one language (978-0/1 are English-speaking countries).
ISBN_GROUPS: tuple[tuple[str, str], ...] = (
    ("9780", "en"),
    ("9781", "en"),
    ("9782", "fr"),
    ("9783", "de"),
    ("9784", "ja"),
    ("9785", "ru"),
    ("9787", "zh"),
    ("97884", "es"),
    ("97888", "it"),
    ("97890", "nl"),
    ("97894", "nl"),
)


def language_of_isbn(isbn: str) -> LanguageGuess | None:
    # Limitation: a registration group names a country or region, not the book's language; a
    # Spanish-group ISBN can belong to a Catalan or English book, so confidence stays moderate.
    for prefix, code in ISBN_GROUPS:
        if isbn.startswith(prefix):
            return LanguageGuess(code, 0.6, f"ISBN group {prefix[3:]}")
    return None
