"""Which ImageNet classes count as evidence for which snaplist product type.

A class maps to one product type with a weight in 0..1: the share of that class's probability that
counts for the type. The rest of the probability, and every unlisted class, counts for "generic".
Weights below 1 mark classes whose ImageNet pictures are only sometimes the product type.
"""

from snaplist_local.offline.imagenet_labels import LABELS

GENERIC = "generic"

# First name of the ImageNet class -> (product type, weight).
CLASS_TYPES: dict[str, tuple[str, float]] = {
    # Book covers. Comic book also fires on printed drawings, so only half counts.
    "book jacket": ("book", 1.0),
    "comic book": ("book", 0.5),
    # Limitation: ImageNet has no painting or print class; jigsaw puzzle (a printed picture) is the
    # nearest, so artwork is rarely confident and usually falls to generic.
    "jigsaw puzzle": ("artwork", 0.5),
    # Limitation: ImageNet has necklaces but no rings, earrings or bracelets, so small jewellery
    # in studio shots usually falls to generic.
    "necklace": ("jewellery", 1.0),
    "bolo tie": ("jewellery", 1.0),
    "chain": ("jewellery", 0.5),
    "hair slide": ("jewellery", 0.5),
    # Watches and clocks.
    "analog clock": ("watch", 1.0),
    "digital watch": ("watch", 1.0),
    "stopwatch": ("watch", 1.0),
    "digital clock": ("watch", 0.5),
    "wall clock": ("watch", 0.5),
    # Electronics.
    "iPod": ("electronics", 1.0),
    "cellular telephone": ("electronics", 1.0),
    "dial telephone": ("electronics", 1.0),
    "laptop": ("electronics", 1.0),
    "notebook": ("electronics", 1.0),
    "desktop computer": ("electronics", 1.0),
    "hand-held computer": ("electronics", 1.0),
    "joystick": ("electronics", 1.0),
    "reflex camera": ("electronics", 1.0),
    "Polaroid camera": ("electronics", 1.0),
    "monitor": ("electronics", 1.0),
    "screen": ("electronics", 1.0),
    "television": ("electronics", 1.0),
    "home theater": ("electronics", 1.0),
    "remote control": ("electronics", 1.0),
    "mouse": ("electronics", 1.0),
    "computer keyboard": ("electronics", 1.0),
    "space bar": ("electronics", 1.0),
    "modem": ("electronics", 1.0),
    "printer": ("electronics", 1.0),
    "photocopier": ("electronics", 1.0),
    "projector": ("electronics", 1.0),
    "loudspeaker": ("electronics", 1.0),
    "microphone": ("electronics", 1.0),
    "tape player": ("electronics", 1.0),
    "cassette player": ("electronics", 1.0),
    "CD player": ("electronics", 1.0),
    "radio": ("electronics", 1.0),
    "hard disc": ("electronics", 1.0),
    "lens cap": ("electronics", 0.5),
    "cassette": ("electronics", 0.5),
    # Furniture.
    "rocking chair": ("furniture", 1.0),
    "folding chair": ("furniture", 1.0),
    "barber chair": ("furniture", 1.0),
    "throne": ("furniture", 1.0),
    "park bench": ("furniture", 1.0),
    "studio couch": ("furniture", 1.0),
    "chiffonier": ("furniture", 1.0),
    "china cabinet": ("furniture", 1.0),
    "wardrobe": ("furniture", 1.0),
    "desk": ("furniture", 1.0),
    "dining table": ("furniture", 1.0),
    "bookcase": ("furniture", 1.0),
    "chest": ("furniture", 1.0),
    "file": ("furniture", 1.0),
    "medicine chest": ("furniture", 1.0),
    "four-poster": ("furniture", 1.0),
    "cradle": ("furniture", 1.0),
    "crib": ("furniture", 1.0),
    "entertainment center": ("furniture", 1.0),
    "pool table": ("furniture", 1.0),
    "plate rack": ("furniture", 0.5),
    "table lamp": ("furniture", 0.5),
    "lampshade": ("furniture", 0.5),
}


def first_name(label: str) -> str:
    return label.split(",")[0].strip()


def index_weights() -> dict[int, tuple[str, float]]:
    """Class index -> (product type, weight), checked against the label list at import."""
    by_name = {first_name(label): index for index, label in enumerate(LABELS)}
    missing = sorted(set(CLASS_TYPES) - set(by_name))
    if missing:
        raise ValueError(f"type map names unknown ImageNet classes: {missing}")
    return {by_name[name]: mapping for name, mapping in CLASS_TYPES.items()}
