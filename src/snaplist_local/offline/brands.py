"""A small list of makers whose name printed on an item is evidence of the brand.

Matching is exact after normalising (case, accents, spaces and punctuation removed), on single OCR
words and on pairs of neighbouring words, so "BLACK BERRY" and "BlackBerry" both match.
"""

import itertools
import os
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import yaml

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
    # Limitation: exact matching only, so one misread letter ("SETKO") loses the brand; fuzzy
    # matching would also turn ordinary words into brands.
    makers = known_makers()
    by_key: dict[str, list[str]] = {}
    for name, types in makers.items():
        if kinds is None or kinds & set(types):
            by_key.setdefault(normalise(name), []).append(name)

    found: list[str] = []
    candidates = [*words, *map("".join, itertools.pairwise(words))]
    candidates += map("".join, zip(words, words[1:], words[2:], strict=False))
    for candidate in candidates:
        for name in by_key.get(normalise(candidate), []):
            if _matches(candidate, name) and name not in found:
                found.append(name)
    return found
