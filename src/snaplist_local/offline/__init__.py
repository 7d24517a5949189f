"""The embedded offline vision model: an OpenAI-compatible server made of packaged models.

EfficientNet-Lite0 (ImageNet) recognises the kind of object, RapidOCR reads printed text and
zxing-cpp decodes barcodes. See docs/offline-model.md. Local only: never in a Lambda package.
"""

from snaplist_local.offline.protocol import MODEL_ID

__all__ = ["MODEL_ID"]
