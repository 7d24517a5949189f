"""Tokens per listing, constrained versus naive, from the same photos through the domain.

Constrained is the configured service: classification and extraction each get their pixel
budget, and prompts list only the taxonomy values of the product type. Naive sends every photo
at full resolution to both calls and injects the whole taxonomy into every prompt. Both send
through the same provider; each call's tokens are counted two ways: what the provider reports,
and text at about four characters a token plus image tokens by the Qwen-VL patch rule.
"""

import json
from dataclasses import dataclass, field
from typing import Any

from snaplist.domain.images import MAX_SOURCE_PIXELS
from snaplist.domain.models import PixelBudget, ProductType
from snaplist.domain.prompts import VisionPromptBuilder
from snaplist.domain.provider import ChatRequest, ChatResult, OpenAICompatibleProvider
from snaplist.domain.providers import QWEN25_VL, ProviderSettings, VisionSettings
from snaplist.domain.service import VisionService
from snaplist.domain.taxonomy import CategoryTerm, Taxonomy, TypeCategories, normalise_term
from snaplist_local.evaluation.tokens import QwenRule, text_tokens

# The sizes a Qwen2.5-VL provider accepts, so the constrained photos are what one would get.
CONSTRAINED_CAPABILITIES = QWEN25_VL.model_copy(update={"response_format": "json_schema"})
NAIVE_CAPABILITIES = CONSTRAINED_CAPABILITIES.model_copy(
    update={"max_pixels": MAX_SOURCE_PIXELS, "max_request_bytes": 2**40, "side_multiple": 1}
)
FULL_RESOLUTION = PixelBudget(max_pixels=MAX_SOURCE_PIXELS, jpeg_quality=95)


def whole_taxonomy(taxonomy: Taxonomy) -> Taxonomy:
    """Every value of every vocabulary offered to every product type."""
    seen: set[str] = set()
    every_category: list[CategoryTerm] = []
    for entry in taxonomy.categories.values():
        for term in entry.categories:
            keys = {normalise_term(term.slug), normalise_term(term.label)}
            if keys & seen:
                continue
            seen |= keys
            every_category.append(term.model_copy(update={"types": None}))
    categories = {
        product_type: TypeCategories(
            default_shipping=entry.default_shipping, categories=tuple(every_category)
        )
        for product_type, entry in taxonomy.categories.items()
    }
    makers = tuple(dict.fromkeys(name for names in taxonomy.makers.values() for name in names))
    return Taxonomy(
        categories=categories,
        vocabularies={
            name: tuple(term.model_copy(update={"types": None}) for term in terms)
            for name, terms in taxonomy.vocabularies.items()
        },
        tags=tuple(tag.model_copy(update={"types": None}) for tag in taxonomy.tags),
        makers=dict.fromkeys(ProductType, makers),
    )


@dataclass
class CallTokens:
    schema: str
    reported_in: int
    reported_out: int
    text_tokens: int
    image_tokens: int
    images: list[tuple[int, int]]
    request_bytes: int

    @property
    def counted_in(self) -> int:
        return self.text_tokens + self.image_tokens


class RecordingProvider(OpenAICompatibleProvider):
    """The domain's provider, noting every call's tokens both ways."""

    def __init__(self, settings: ProviderSettings, api_key: str | None, rule: QwenRule) -> None:
        super().__init__(settings, api_key)
        self.rule = rule
        self.calls: list[CallTokens] = []

    def complete(self, request: ChatRequest) -> ChatResult:
        result = super().complete(request)
        body = self.request_body(request)
        text = request.system_prompt + "".join(
            f"Photo {index} of {len(request.images)} of one item."
            for index in range(1, len(request.images) + 1)
        )
        # Limitation: a response_format schema is not counted as prompt text; servers that
        # constrain decoding with it do not put it in the prompt, others may.
        self.calls.append(
            CallTokens(
                schema=request.schema_name,
                reported_in=result.usage.input_tokens,
                reported_out=result.usage.output_tokens,
                text_tokens=text_tokens(text),
                image_tokens=sum(
                    self.rule.image_tokens(image.width, image.height) for image in request.images
                ),
                images=[(image.width, image.height) for image in request.images],
                request_bytes=len(json.dumps(body)),
            )
        )
        return result


@dataclass
class Configuration:
    name: str
    service: VisionService
    provider: RecordingProvider
    listings: list[list[CallTokens]] = field(default_factory=list)

    def run(self, photo: bytes, product_type: ProductType) -> list[CallTokens]:
        start = len(self.provider.calls)
        self.service.classify_product([photo])
        self.service.extract_product_data(product_type, [photo])
        calls = self.provider.calls[start:]
        self.listings.append(calls)
        return calls


def configurations(
    settings: ProviderSettings,
    api_key: str | None,
    builder: VisionPromptBuilder,
    prompts: Any,
    rule: QwenRule | None = None,
) -> tuple[Configuration, Configuration]:
    """(constrained, naive) services over the same provider endpoint."""
    rule = rule or QwenRule()
    constrained_provider = RecordingProvider(
        settings.model_copy(update={"capabilities": CONSTRAINED_CAPABILITIES}), api_key, rule
    )
    naive_provider = RecordingProvider(
        settings.model_copy(update={"capabilities": NAIVE_CAPABILITIES}), api_key, rule
    )
    naive_settings = VisionSettings(
        classify_budget=FULL_RESOLUTION, extract_budget=FULL_RESOLUTION, classify_detail="high"
    )
    naive_builder = VisionPromptBuilder(prompts, whole_taxonomy(builder.taxonomy))
    return (
        Configuration(
            "constrained",
            VisionService(constrained_provider, builder, VisionSettings()),
            constrained_provider,
        ),
        Configuration(
            "naive", VisionService(naive_provider, naive_builder, naive_settings), naive_provider
        ),
    )


def per_listing(listing: list[CallTokens]) -> dict[str, int]:
    return {
        "image_tokens": sum(call.image_tokens for call in listing),
        "text_tokens": sum(call.text_tokens for call in listing),
        "counted_in": sum(call.counted_in for call in listing),
        "reported_in": sum(call.reported_in for call in listing),
        "reported_out": sum(call.reported_out for call in listing),
        "request_bytes": sum(call.request_bytes for call in listing),
    }
