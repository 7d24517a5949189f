"""The vision domain: photos in, a validated listing draft out. Plain Python, no AWS."""

from snaplist.domain.checks import CheckReport, check_data
from snaplist.domain.errors import (
    ConfigurationError,
    ModelOutputInvalid,
    ModelOutputTruncated,
    ModelRefused,
    ProviderClientError,
    ProviderTransientError,
    SnaplistError,
    UnsupportedImage,
)
from snaplist.domain.fields import FORBIDDEN_FIELDS, FieldKind, FieldSpec, fields_for
from snaplist.domain.images import prepare_image, sniff_format
from snaplist.domain.makers import (
    InMemoryMakerRepository,
    Maker,
    MakerRepository,
    maker_id_for,
    maker_key,
)
from snaplist.domain.models import (
    Classification,
    Extraction,
    FieldValue,
    PixelBudget,
    PreparedImage,
    ProductType,
    Shipping,
    TokenUsage,
    ValidatedField,
    ValidatedListing,
)
from snaplist.domain.paths import data_root, prompts_dir, taxonomy_dir
from snaplist.domain.prompts import TaxonomyResolver, VisionPromptBuilder
from snaplist.domain.provider import (
    ChatRequest,
    ChatResult,
    OpenAICompatibleProvider,
    build_provider,
)
from snaplist.domain.providers import (
    PROVIDERS,
    ProviderCapabilities,
    ProviderSettings,
    VisionSettings,
    api_key_from_env,
    offline_settings,
    resolve_provider_settings,
)
from snaplist.domain.service import (
    VisionService,
    build_vision_service,
    combine_classifications,
    decide,
    load_vision_settings,
)
from snaplist.domain.taxonomy import Taxonomy, load_taxonomy, read_taxonomy
from snaplist.domain.validator import AIListingValidator, tier_of

__all__ = [
    "FORBIDDEN_FIELDS",
    "PROVIDERS",
    "AIListingValidator",
    "ChatRequest",
    "ChatResult",
    "CheckReport",
    "Classification",
    "ConfigurationError",
    "Extraction",
    "FieldKind",
    "FieldSpec",
    "FieldValue",
    "InMemoryMakerRepository",
    "Maker",
    "MakerRepository",
    "ModelOutputInvalid",
    "ModelOutputTruncated",
    "ModelRefused",
    "OpenAICompatibleProvider",
    "PixelBudget",
    "PreparedImage",
    "ProductType",
    "ProviderCapabilities",
    "ProviderClientError",
    "ProviderSettings",
    "ProviderTransientError",
    "Shipping",
    "SnaplistError",
    "Taxonomy",
    "TaxonomyResolver",
    "TokenUsage",
    "UnsupportedImage",
    "ValidatedField",
    "ValidatedListing",
    "VisionPromptBuilder",
    "VisionService",
    "VisionSettings",
    "api_key_from_env",
    "build_provider",
    "build_vision_service",
    "check_data",
    "combine_classifications",
    "data_root",
    "decide",
    "fields_for",
    "load_taxonomy",
    "load_vision_settings",
    "maker_id_for",
    "maker_key",
    "offline_settings",
    "prepare_image",
    "prompts_dir",
    "read_taxonomy",
    "resolve_provider_settings",
    "sniff_format",
    "taxonomy_dir",
    "tier_of",
]
