"""Classification and extraction: one model call each, with every photo of the item."""

import os
from collections import defaultdict
from collections.abc import Mapping, Sequence

from snaplist.domain.errors import ConfigurationError, UnsupportedImage
from snaplist.domain.images import prepare_image
from snaplist.domain.models import (
    Classification,
    Extraction,
    PixelBudget,
    PreparedImage,
    ProductType,
    TokenUsage,
)
from snaplist.domain.observability import logger
from snaplist.domain.parsing import parse_classification, parse_extraction
from snaplist.domain.paths import prompts_dir, taxonomy_dir
from snaplist.domain.prompts import VisionPromptBuilder
from snaplist.domain.provider import ChatRequest, OpenAICompatibleProvider, build_provider
from snaplist.domain.providers import (
    VisionSettings,
    api_key_from_env,
    resolve_provider_settings,
)
from snaplist.domain.taxonomy import load_taxonomy

# base64 grows bytes by 4/3; the rest of the request (prompt, schema) needs room as well.
REQUEST_BYTES_FOR_IMAGES = 0.9
SHRINK_ATTEMPTS = 3


class VisionService:
    def __init__(
        self,
        provider: OpenAICompatibleProvider,
        prompt_builder: VisionPromptBuilder,
        settings: VisionSettings | None = None,
    ) -> None:
        self.provider = provider
        self.prompt_builder = prompt_builder
        self.settings = settings or VisionSettings()

    def classify_product(self, images: Sequence[bytes]) -> Classification:
        prepared = self._prepare(images, self.settings.classify_budget)
        request = ChatRequest(
            system_prompt=self.prompt_builder.classification_prompt(),
            images=prepared,
            detail=self.settings.classify_detail,
            schema_name="snaplist_classification",
            json_schema=self.prompt_builder.classification_schema(),
            max_tokens=self.settings.classify_max_tokens,
        )
        result = self.provider.complete(request)
        guessed_type, confidence = parse_classification(result, request.max_tokens)
        classification = decide(
            guessed_type, confidence, self.settings.confidence_threshold, result.usage, result.model
        )
        logger.info(
            "product classified",
            product_type=classification.product_type.value,
            guessed_type=guessed_type.value,
            confidence=confidence,
            photos=len(prepared),
        )
        return classification

    def extract_product_data(
        self, product_type: ProductType, images: Sequence[bytes]
    ) -> Extraction:
        prepared = self._prepare(images, self.settings.extract_budget)
        request = ChatRequest(
            system_prompt=self.prompt_builder.extraction_prompt(product_type),
            images=prepared,
            detail=self.settings.extract_detail,
            schema_name="snaplist_extraction",
            json_schema=self.prompt_builder.extraction_schema(product_type),
            max_tokens=self.settings.extract_max_tokens,
        )
        result = self.provider.complete(request)
        fields = parse_extraction(
            result, product_type, self.prompt_builder.taxonomy, request.max_tokens
        )
        logger.info(
            "product data extracted",
            product_type=product_type.value,
            photos=len(prepared),
            fields_with_value=sum(field.value not in (None, []) for field in fields.values()),
        )
        return Extraction(
            product_type=product_type, fields=fields, usage=result.usage, model=result.model
        )

    def _prepare(self, images: Sequence[bytes], budget: PixelBudget) -> tuple[PreparedImage, ...]:
        """Photos sized to the provider; shrunk together until the request fits its byte cap."""
        if not images:
            raise UnsupportedImage("no photos were given")
        if len(images) > self.settings.max_photos:
            # Limitation: photos beyond max_photos are not sent; the first ones usually matter most.
            logger.warning("photos beyond limit ignored", photos=len(images))
            images = images[: self.settings.max_photos]

        capabilities = self.provider.settings.capabilities
        budget = budget.model_copy(
            update={
                "max_pixels": min(budget.max_pixels, capabilities.max_pixels),
                "side_multiple": capabilities.side_multiple,
            }
        )
        limit = capabilities.max_request_bytes * REQUEST_BYTES_FOR_IMAGES
        for _ in range(SHRINK_ATTEMPTS + 1):
            prepared = tuple(prepare_image(image, budget) for image in images)
            if sum(len(image.data_url) for image in prepared) <= limit:
                return prepared
            budget = budget.model_copy(update={"max_pixels": budget.max_pixels // 2})
        raise UnsupportedImage("the photos do not fit the provider's request size limit")


def decide(
    guessed_type: ProductType,
    confidence: float,
    threshold: float,
    usage: TokenUsage | None = None,
    model: str = "",
) -> Classification:
    """Below the threshold the generic type is used; the guess is kept for the record."""
    product_type = guessed_type if confidence >= threshold else ProductType.GENERIC
    return Classification(
        product_type=product_type,
        confidence=confidence,
        guessed_type=guessed_type,
        guessed_confidence=confidence,
        usage=usage or TokenUsage(),
        model=model,
    )


def combine_classifications(
    classifications: Sequence[Classification], threshold: float = 0.7
) -> Classification:
    """One verdict from per-photo classifications: a confidence-weighted vote.

    A "generic" vote abstains (a photo of a barcode says little), unless every photo abstains.
    The winner's confidence is its mean confidence, scaled by its share of the specific votes,
    so photos that disagree pull the verdict towards generic.
    """
    if not classifications:
        raise ValueError("combine_classifications needs at least one classification")
    usage = TokenUsage.total([item.usage for item in classifications])
    model = classifications[0].model
    specific = [c for c in classifications if c.guessed_type is not ProductType.GENERIC]
    if not specific:
        best = max(c.guessed_confidence for c in classifications)
        return decide(ProductType.GENERIC, best, threshold, usage, model)

    scores: dict[ProductType, list[float]] = defaultdict(list)
    for item in specific:
        scores[item.guessed_type].append(item.guessed_confidence)
    winner = max(scores, key=lambda kind: (sum(scores[kind]), max(scores[kind])))
    total = sum(sum(votes) for votes in scores.values())
    share = sum(scores[winner]) / total if total else 0.0
    mean = sum(scores[winner]) / len(scores[winner])
    return decide(winner, round(mean * share, 4), threshold, usage, model)


def load_vision_settings(env: Mapping[str, str] | None = None) -> VisionSettings:
    env = os.environ if env is None else env
    raw = env.get("SNAPLIST_CONFIDENCE_THRESHOLD")
    if not raw:
        return VisionSettings()
    try:
        return VisionSettings(confidence_threshold=float(raw))
    except ValueError as error:
        raise ConfigurationError(
            f"SNAPLIST_CONFIDENCE_THRESHOLD must be a number from 0 to 1, got {raw!r}"
        ) from error


def build_vision_service(env: Mapping[str, str] | None = None) -> VisionService:
    """The service as configured by the environment, with taxonomy and prompts from data_root()."""
    settings = resolve_provider_settings(env)
    provider = build_provider(settings, api_key_from_env(env))
    builder = VisionPromptBuilder(prompts_dir(), load_taxonomy(taxonomy_dir()))
    return VisionService(provider, builder, load_vision_settings(env))
