"""Maker names folded to one key, and the repository interface behind maker lookup-or-create.

"J.R.R. Tolkien", "J. R. R. Tolkien" and "Tolkien, J.R.R." share the key "j r r tolkien", so they
are one maker. The pipeline backs MakerRepository with DynamoDB; InMemoryMakerRepository serves
tests and local runs.
"""

import hashlib
import re
import threading
import unicodedata
from typing import Protocol

from pydantic import BaseModel, ConfigDict

# Letters NFKD does not take apart.
FOLDED_LETTERS = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ß": "ss"})
COMPANY_SUFFIXES = {"inc", "ltd", "llc", "co", "gmbh", "as", "a/s", "ab", "sa", "plc", "spa"}


class Maker(BaseModel):
    model_config = ConfigDict(frozen=True)

    maker_id: str
    name: str
    key: str


class MakerRepository(Protocol):
    def get_or_create(self, key: str, name: str) -> Maker:
        """The maker stored under `key`, created with display `name` when there is none."""
        ...


def uninvert(name: str) -> str:
    """ "Tolkien, J.R.R." -> "J.R.R. Tolkien"; company names such as "Smith, Inc." stay."""
    parts = [part.strip() for part in name.split(",")]
    if len(parts) != 2 or not all(parts):
        return name.strip()
    family, given = parts
    # Limitation: "Surname, Given" is a guess; a brand such as "Paris, Texas" would be inverted.
    if given.lower().rstrip(".") in COMPANY_SUFFIXES or len(given.split()) > 3:
        return name.strip()
    return f"{given} {family}"


def maker_key(name: str) -> str:
    text = unicodedata.normalize("NFKD", uninvert(name).casefold().translate(FOLDED_LETTERS))
    text = "".join(char for char in text if not unicodedata.combining(char))
    text = text.replace("&", " and ").replace("'", "").replace("\u2019", "")
    return " ".join(re.findall(r"[a-z0-9]+", text))


def display_name(name: str) -> str:
    return " ".join(uninvert(name).split())


def maker_id_for(key: str) -> str:
    """A stable id from the key, so every backend names the same maker the same way."""
    return "mkr-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


class InMemoryMakerRepository:
    def __init__(self) -> None:
        self.makers: dict[str, Maker] = {}
        self._lock = threading.Lock()

    def get_or_create(self, key: str, name: str) -> Maker:
        with self._lock:
            if key not in self.makers:
                self.makers[key] = Maker(maker_id=maker_id_for(key), name=name, key=key)
            return self.makers[key]
