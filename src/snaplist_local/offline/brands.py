"""A small list of makers whose name printed on an item is evidence of the brand.

Matching is exact after normalising (case, accents, spaces and punctuation removed), on single OCR
words and on pairs of neighbouring words, so "BLACK BERRY" and "BlackBerry" both match.
`find_near_makers` also accepts a name that OCR misread by a letter or two ("SETKO" for SEIKO);
such a match is weaker evidence and is answered with a lower confidence.
"""

import os
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import yaml

from snaplist_local.offline.words import is_word

# Names this long or longer may be misread by one letter; shorter ones need the exact spelling.
NEAR_MIN_LETTERS = 5
# Names this long or longer may be misread by two letters (one dropped, one changed).
NEAR_TWO_EDITS_LETTERS = 8

# Display name -> product types the maker is known for (one type = evidence for that type).
MAKERS: dict[str, tuple[str, ...]] = {
    # Watches
    "Seiko": ("watch",),
    "Casio": ("watch", "electronics"),
    "Citizen": ("watch",),
    "Rolex": ("watch",),
    "Omega": ("watch",),
    "Tissot": ("watch",),
    "Swatch": ("watch",),
    "Longines": ("watch",),
    "Timex": ("watch",),
    "Tag Heuer": ("watch",),
    "Breitling": ("watch",),
    "Fossil": ("watch", "jewellery"),
    "Orient": ("watch",),
    "Hamilton": ("watch",),
    # Fashion houses (watches, jewellery and more)
    "Gucci": ("watch", "jewellery", "generic"),
    "Cartier": ("jewellery", "watch"),
    "Tiffany": ("jewellery",),
    "Pandora": ("jewellery",),
    "Swarovski": ("jewellery",),
    "Chanel": ("jewellery", "generic"),
    "Dior": ("jewellery", "generic"),
    # Electronics
    "Apple": ("electronics",),
    "Samsung": ("electronics",),
    "Sony": ("electronics",),
    "BlackBerry": ("electronics",),
    "Nokia": ("electronics",),
    "Motorola": ("electronics",),
    "Canon": ("electronics",),
    "Nikon": ("electronics",),
    "Olympus": ("electronics",),
    "Panasonic": ("electronics",),
    "Philips": ("electronics",),
    "Nintendo": ("electronics",),
    "Microsoft": ("electronics",),
    "Dell": ("electronics",),
    "Lenovo": ("electronics",),
    "Bose": ("electronics",),
    # Furniture
    "Ikea": ("furniture",),
    "Vitra": ("furniture",),
    "Herman Miller": ("furniture",),
    "Thonet": ("furniture",),
    # Other goods seen on second-hand markets
    "Converse": ("generic",),
    "Nike": ("generic",),
    "Adidas": ("generic",),
    "Lego": ("generic",),
}


def normalise(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return re.sub(r"[^a-z0-9]", "", decomposed.encode("ascii", "ignore").decode().lower())


def _data_roots() -> list[Path]:
    roots = [Path(os.environ["SNAPLIST_DATA_DIR"])] if os.environ.get("SNAPLIST_DATA_DIR") else []
    return [*roots, Path("/opt/snaplist-data"), Path(__file__).resolve().parents[3]]


@lru_cache(maxsize=1)
def known_makers() -> dict[str, tuple[str, ...]]:
    """The built-in list merged with the project's taxonomy/makers*.yaml (type -> names)."""
    merged = {name: set(kinds) for name, kinds in MAKERS.items()}
    root = next((r for r in _data_roots() if (r / "taxonomy").is_dir()), None)
    for path in sorted(root.glob("taxonomy/makers*.yaml")) if root else []:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for kind, names in data.items() if isinstance(data, dict) else []:
            for name in names if isinstance(names, list) else []:
                key = next(
                    (known for known in merged if normalise(known) == normalise(str(name))), None
                )
                merged.setdefault(key or str(name), set()).add(str(kind))
    return {name: tuple(sorted(kinds)) for name, kinds in merged.items()}


def _matches(candidate: str, name: str) -> bool:
    # Short names (HP, LG, HAY) are also ordinary words: they need the exact printed spelling.
    if len(normalise(name)) <= 3:
        return candidate == name
    return normalise(candidate) == normalise(name)


def find_makers(words: list[str], kinds: set[str] | None = None) -> list[str]:
    """Makers named by one word or two or three neighbouring words, in reading order."""
    makers = known_makers()
    by_key: dict[str, list[str]] = {}
    for name, types in makers.items():
        if kinds is None or kinds & set(types):
            by_key.setdefault(normalise(name), []).append(name)

    found: list[str] = []
    for candidate in _candidates(words, 3):
        for name in by_key.get(normalise(candidate), []):
            if _matches(candidate, name) and name not in found:
                found.append(name)
    return found


def find_near_makers(words: list[str]) -> list[tuple[str, str]]:
    """(maker, word as read) for words one or two OCR misreadings away from a listed maker.

    Only names of NEAR_MIN_LETTERS or more letters, only words that are neither a maker nor an
    English word of the list ("WATCH" is not a misread "Swatch"), and a difference that is not
    just a plural or past tense ending ("citizens").
    """
    # Limitation: without the recogniser's per-character alternatives this is plain edit
    # distance; a rare word that happens to sit one letter from a maker still reads as it.
    makers = known_makers()
    exact = {normalise(name) for name in makers}
    found: list[tuple[str, str]] = []
    for candidate in _candidates(words, 2):
        key = normalise(candidate)
        if key in exact or is_word(candidate) or len(key) < NEAR_MIN_LETTERS:
            continue
        for name in makers:
            if name not in (known for known, _ in found) and _near(key, normalise(name)):
                found.append((name, candidate))
    return found


def _candidates(words: list[str], longest: int) -> list[str]:
    candidates = list(words)
    for size in range(2, longest + 1):
        candidates += [
            "".join(group) for group in zip(*(words[i:] for i in range(size)), strict=False)
        ]
    return candidates


def _near(read: str, name: str) -> bool:
    if len(name) < NEAR_MIN_LETTERS or abs(len(read) - len(name)) > 2:
        return False
    for ending in ("s", "es", "ed"):
        if read == name + ending or name == read + ending:
            return False
    if len(name) < NEAR_TWO_EDITS_LETTERS:
        # One changed letter only: OCR swaps look-alike glyphs far more than it drops them.
        return len(read) == len(name) and sum(a != b for a, b in zip(read, name, strict=True)) == 1
    return edit_distance(read, name) <= 2


def edit_distance(first: str, second: str) -> int:
    """Levenshtein distance: insertions, deletions and substitutions, each costing one."""
    previous = list(range(len(second) + 1))
    for i, char in enumerate(first, start=1):
        current = [i]
        for j, other in enumerate(second, start=1):
            substitution = previous[j - 1] + (char != other)
            current.append(min(previous[j] + 1, current[j - 1] + 1, substitution))
        previous = current
    return previous[-1]
