"""Turn the evidence from the photos into a classification or an extraction reply.

Every value here has a reason that can be pointed at in the photo: a classifier probability, an
OCR line, a decoded barcode. A field without such a reason is left empty with a suggestion, and
enum fields only ever take values from the list the request allowed.
"""

import re
from dataclasses import dataclass, field
from typing import Any

from snaplist_local.offline.brands import find_makers, find_near_makers, known_makers, normalise
from snaplist_local.offline.language import LanguageGuess, guess_language, language_of_isbn
from snaplist_local.offline.schema import FieldSpec
from snaplist_local.offline.type_map import GENERIC
from snaplist_local.offline.vision import PhotoEvidence, TextLine

ISBN_BARCODE_CONFIDENCE = 0.97
ISBN_TEXT_CONFIDENCE = 0.85
# How far a maker that only makes one kind of thing moves the type towards that kind.
MAKER_TYPE_PULL = 0.6
# The classifier's book-cover probability a photo needs before its big text counts as a title.
MIN_COVER_PROBABILITY = 0.3
CLASS_NOUN_MIN_PROBABILITY = 0.5
# A maker read with a letter or two wrong: 0.5 to 0.7 by the OCR score, shown yellow for checking.
NEAR_MAKER_BASE = 0.5
NEAR_MAKER_SPAN = 0.2
# Lines of the title's size count only when OCR read them about as surely as the surest one.
TITLE_LINE_SCORE_GAP = 0.15

SUGGESTIONS: dict[str, str] = {
    "title": "Write a short title: what it is, the maker, the model.",
    "maker": "Add the maker, brand, author or artist if you know it.",
    "condition": "Choose the condition: the photo cannot show wear reliably.",
    "price": "Set your asking price: the photos say nothing about value.",
    "currency": "Choose the currency of your asking price.",
    "dimensions_cm": "Measure the item: size cannot be read from a photo.",
    "weight_kg": "Weigh the item for shipping.",
    "year": "Add the year or era if you know it.",
    "description": "Describe the item in your own words: history, flaws, what is included.",
    "isbn": "Type the ISBN from the back cover, or photograph its barcode.",
    "language": "Choose the language of the book.",
    "model": "Add the model name or number, usually printed on a label.",
    "signed": "Say whether the work is signed.",
}

FIELD_TYPES: tuple[tuple[str, str], ...] = (
    ("isbn", "book"),
    ("movement", "watch"),
    ("medium", "artwork"),
    ("style", "furniture"),
    ("stone", "jewellery"),
    ("model", "electronics"),
)

# Friendlier names for ImageNet classes used in titles.
CLASS_NOUNS: dict[str, str] = {
    "analog clock": "watch",
    "cellular telephone": "mobile phone",
    "notebook": "laptop",
    "teddy": "teddy bear",
    "joystick": "game controller",
    "reflex camera": "camera",
    "chiffonier": "chest of drawers",
}

# Classes that name a scene, a screen or food rather than an item someone would sell.
NOT_ITEMS = frozenset(
    [
        "web site",
        "menu",
        "crossword puzzle",
        "restaurant",
        "patio",
        "ice cream",
        "espresso",
        "trifle",
        "plate",
        "comic book",
        "book jacket",
        "jigsaw puzzle",
        "doormat",
        "bubble",
    ]
)

_ISBN_TEXT = re.compile(r"ISBN[\s:-]*(?:1[03][\s:]*)?([0-9][0-9\s-]{8,16}[0-9Xx])")


@dataclass
class Evidence:
    """The evidence of all photos of one item, merged."""

    photos: list[PhotoEvidence]
    type_probabilities: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        totals: dict[str, float] = {}
        for photo in self.photos:
            for product_type, probability in photo.type_probabilities.items():
                totals[product_type] = totals.get(product_type, 0.0) + probability
        count = max(1, len(self.photos))
        self.type_probabilities = {name: total / count for name, total in totals.items()}

    @property
    def lines(self) -> list[TextLine]:
        return [line for photo in self.photos for line in photo.lines]

    @property
    def text(self) -> str:
        return "\n".join(photo.text for photo in self.photos)

    @property
    def words(self) -> list[str]:
        return re.findall(r"[\w&'-]+", self.text)

    @property
    def all_reads(self) -> list[TextLine]:
        """Every line read, the less sure reads of the same places included."""
        return self.lines + [line for photo in self.photos for line in photo.other_reads]

    def isbn(self) -> tuple[str, float] | None:
        for photo in self.photos:
            for barcode in photo.barcodes:
                if barcode.symbology == "EAN13" and is_isbn13(barcode.text):
                    return barcode.text, ISBN_BARCODE_CONFIDENCE
        for match in _ISBN_TEXT.finditer(self.text):
            isbn = normalise_isbn(match.group(1))
            if isbn:
                return isbn, ISBN_TEXT_CONFIDENCE
        return None

    def makers(self) -> list[str]:
        found = find_makers(self.words)
        return found + [name for name in find_makers(self._other_words()) if name not in found]

    def near_makers(self) -> list[tuple[str, str]]:
        """(maker, word as read) for words a misread letter or two from a maker's name."""
        found = find_near_makers(self.words)
        names = {name for name, _ in found}
        others = find_near_makers(self._other_words())
        return found + [(name, read) for name, read in others if name not in names]

    def _other_words(self) -> list[str]:
        others = "\n".join(line.text for photo in self.photos for line in photo.other_reads)
        return re.findall(r"[\w&'-]+", others)


def is_isbn13(digits: str) -> bool:
    if not re.fullmatch(r"97[89]\d{10}", digits):
        return False
    total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(digits[:12]))
    return (10 - total % 10) % 10 == int(digits[12])


def normalise_isbn(raw: str) -> str | None:
    """An ISBN-10 or ISBN-13 with a valid check digit, as ISBN-13; else None."""
    compact = re.sub(r"[\s-]", "", raw).upper()
    if len(compact) == 13:
        return compact if is_isbn13(compact) else None
    if len(compact) != 10 or not re.fullmatch(r"\d{9}[\dX]", compact):
        return None
    check = sum((10 - i) * (10 if c == "X" else int(c)) for i, c in enumerate(compact))
    if check % 11:
        return None
    body = "978" + compact[:9]
    total = sum(int(d) * (1 if i % 2 == 0 else 3) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


# ---- classification -------------------------------------------------------------------------


def classify(evidence: Evidence, allowed: tuple[str, ...]) -> dict[str, Any]:
    scores = dict(evidence.type_probabilities)

    isbn = evidence.isbn()
    if isbn:
        scores["book"] = max(scores.get("book", 0.0), isbn[1])
        scores[GENERIC] = 1.0 - scores["book"]
    for maker in evidence.makers():
        kinds = known_makers()[maker]
        if len(kinds) == 1 and kinds[0] != GENERIC:
            current = scores.get(kinds[0], 0.0)
            scores[kinds[0]] = current + (1.0 - current) * MAKER_TYPE_PULL
            scores[GENERIC] = scores.get(GENERIC, 0.0) * (1.0 - MAKER_TYPE_PULL)

    candidates = {name: score for name, score in scores.items() if not allowed or name in allowed}
    if not candidates:
        fallback = GENERIC if not allowed or GENERIC in allowed else allowed[0]
        return {"product_type": fallback, "confidence": 0.0}
    best = max(candidates, key=lambda name: candidates[name])
    return {"product_type": best, "confidence": round(min(1.0, candidates[best]), 3)}


def type_from_fields(specs: list[FieldSpec], evidence: Evidence) -> str:
    names = {spec.name for spec in specs}
    for field_name, product_type in FIELD_TYPES:
        if field_name in names:
            return product_type
    return GENERIC


# ---- extraction -----------------------------------------------------------------------------


def empty(name: str, confidence: float = 0.1) -> dict[str, Any]:
    suggestion = SUGGESTIONS.get(name, f"Fill in the {name.replace('_', ' ')} yourself.")
    return {"value": None, "confidence": confidence, "suggestion": suggestion}


def found(value: Any, confidence: float, suggestion: str | None = None) -> dict[str, Any]:
    return {"value": value, "confidence": round(confidence, 3), "suggestion": suggestion}


def extract(evidence: Evidence, specs: list[FieldSpec]) -> dict[str, Any]:
    product_type = type_from_fields(specs, evidence)
    makers = evidence.makers()
    reply: dict[str, Any] = {}
    for spec in specs:
        reply[spec.name] = _fill(spec, product_type, evidence, makers) or empty(spec.name)
    return reply


def _fill(
    spec: FieldSpec, product_type: str, evidence: Evidence, makers: list[str]
) -> dict[str, Any] | None:
    if spec.name == "title":
        return _title(product_type, evidence, makers)
    if spec.name == "maker":
        return _author(evidence) if product_type == "book" else _brand(evidence, makers)
    if spec.name == "isbn" and spec.kind in ("string", "enum"):
        isbn = evidence.isbn()
        return found(isbn[0], isbn[1]) if isbn else None
    if spec.name == "language":
        return _language(spec, evidence)
    if spec.name == "description":
        return _description(product_type, evidence, makers)
    if spec.name in ("condition", "currency", "tags"):
        # Limitation: wear, the seller's currency and marketing tags are not visible evidence.
        return None
    if spec.allowed:
        return _enum_from_text(spec, evidence)
    return None


def _cover_lines(evidence: Evidence) -> list[TextLine]:
    covers = [p for p in evidence.photos if p.type_probabilities.get("book", 0.0) >= 0.3]
    lines = [line for photo in covers for line in photo.lines]
    return [line for line in lines if _is_wordy(line.text) and not _ISBN_TEXT.search(line.text)]


def _is_wordy(text: str) -> bool:
    letters = sum(char.isalpha() for char in text)
    return letters >= 3 and letters >= 0.6 * len(text.replace(" ", ""))


def _is_by_line(text: str) -> bool:
    return bool(re.match(r"(?i)by\b|by(?=[A-Z])", text))


def _book_title(evidence: Evidence) -> dict[str, Any] | None:
    lines = [line for line in _cover_lines(evidence) if not _is_by_line(line.text)]
    if not lines:
        return None

    # The title is the biggest text OCR read surely: a garbled line of the same size (a
    # stylised author name, a drawing read as letters) scores lower and is left out.
    biggest = max(line.height for line in lines)
    big = [line for line in lines if line.height >= 0.8 * biggest]
    surest = max(line.score for line in big)
    sure = [line for line in lines if line.score >= surest - TITLE_LINE_SCORE_GAP]
    tallest = max(sure, key=lambda line: line.height)
    near = [
        line
        for line in sure
        if line.height >= 0.8 * tallest.height
        and abs(line.top - tallest.top) <= 2.5 * tallest.height
    ]
    near.sort(key=lambda line: line.top)
    title = " ".join(line.text for line in near)
    cover = max(p.type_probabilities.get("book", 0.0) for p in evidence.photos)
    score = min(line.score for line in near)
    # Limitation: a layout heuristic; the biggest text on a cover is usually, not always, the
    # title, and OCR may glue or garble its words.
    confidence = min(0.65, 0.3 + 0.3 * cover) * score
    return found(title, confidence, "Check the title: read from the largest text on the cover.")


def _title(product_type: str, evidence: Evidence, makers: list[str]) -> dict[str, Any] | None:
    if product_type == "book":
        return _book_title(evidence)

    noun = _class_noun(product_type, evidence)
    maker = makers[0] if makers else None
    near = evidence.near_makers() if not maker else []
    if maker and noun:
        return found(f"{maker} {noun}", 0.55, "Add the model and main features to the title.")
    if near and noun:
        maker, read = near[0]
        suggestion = f"Check the brand: the photo reads '{read}', close to {maker}."
        return found(f"{maker} {noun}", 0.5, suggestion)
    if maker:
        return found(maker, 0.35, "Say what the item is in the title.")
    if noun:
        return found(noun.capitalize(), 0.3, "Add the maker and model to the title.")
    return None


def _class_noun(product_type: str, evidence: Evidence) -> str | None:
    photo = evidence.photos[0] if evidence.photos else None
    if photo is None or not photo.top_classes:
        return None
    name, probability = photo.top_classes[0]
    if probability < CLASS_NOUN_MIN_PROBABILITY or name in NOT_ITEMS:
        return "watch" if product_type == "watch" else None
    return CLASS_NOUNS.get(name, name)


def _brand(evidence: Evidence, makers: list[str]) -> dict[str, Any] | None:
    if not makers:
        return _near_brand(evidence)
    key = normalise(makers[0])
    scores = [line.score for line in evidence.all_reads if key in normalise(line.text)]
    # An exact list match read by OCR: strong, but a name printed on an item can be a fake.
    confidence = 0.85 * (max(scores) if scores else 0.8)
    return found(makers[0], confidence, "Check the brand: read from text on the item.")


def _near_brand(evidence: Evidence) -> dict[str, Any] | None:
    near = evidence.near_makers()
    if not near:
        return None
    maker, read = near[0]
    scores = [line.score for line in evidence.all_reads if normalise(read) in normalise(line.text)]
    # A name one or two letters off is a guess to check: always yellow, never green.
    confidence = NEAR_MAKER_BASE + NEAR_MAKER_SPAN * (max(scores) if scores else 0.0)
    return found(maker, confidence, f"Check the brand: the photo reads '{read}', close to {maker}.")


def _author(evidence: Evidence) -> dict[str, Any] | None:
    for line in _cover_lines(evidence):
        if not _is_by_line(line.text):
            continue
        name = re.sub(r"(?i)^by\s*", "", line.text).strip()
        words = name.split()
        if 2 <= len(words) <= 4 and all(re.fullmatch(r"[A-Z][\w.'-]*", w) for w in words):
            return found(name, 0.5 * line.score, "Check the author: read from a 'by' line.")
    # Limitation: only a clean "by First Last" line is read as the author; other covers
    # leave the author empty rather than guess which line is a person's name.
    return None


def _language(spec: FieldSpec, evidence: Evidence) -> dict[str, Any] | None:
    guesses: list[LanguageGuess] = []
    text_guess = guess_language(evidence.text)
    if text_guess:
        guesses.append(text_guess)
    isbn = evidence.isbn()
    isbn_guess = language_of_isbn(isbn[0]) if isbn else None
    if isbn_guess:
        guesses.append(isbn_guess)

    allowed = [g for g in guesses if not spec.allowed or g.code in spec.allowed]
    if not allowed:
        return None
    best = max(allowed, key=lambda guess: guess.confidence)
    agree = len({guess.code for guess in allowed}) == 1 and len(allowed) > 1
    confidence = min(0.9, best.confidence + (0.15 if agree else 0.0))
    evidence_text = " and ".join(guess.evidence for guess in allowed if guess.code == best.code)
    return found(best.code, confidence, f"Check the language: guessed from {evidence_text}.")


def _enum_from_text(spec: FieldSpec, evidence: Evidence) -> dict[str, Any] | None:
    """An allowed value printed on the item ("AUTOMATIC" -> movement automatic)."""
    words = {normalise(word) for word in evidence.words}
    matches = [value for value in spec.allowed if normalise(str(value)) in words]
    if not matches:
        return None
    if spec.is_array:
        return found(matches, 0.55, "Check: read from text on the item.")
    return found(matches[0], 0.6, "Check: read from text on the item.")


def _description(product_type: str, evidence: Evidence, makers: list[str]) -> dict[str, Any] | None:
    printed = [line.text for line in evidence.lines if _is_wordy(line.text)][:6]
    if not printed:
        return None
    noun = _class_noun(product_type, evidence) or (
        product_type if product_type != GENERIC else "item"
    )
    subject = f"{makers[0]} {noun}" if makers else noun.capitalize()
    text = f"{subject}. Text visible in the photos: " + "; ".join(printed) + "."
    return found(text, 0.3, SUGGESTIONS["description"])
