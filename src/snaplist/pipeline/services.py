"""The domain objects the steps use, built once per process from the settings.

The taxonomy and prompts are read once (cold start); the provider is rebuilt per call so a
rotated API key is picked up as soon as the Parameters cache expires.
"""

from functools import cache

from snaplist.domain import AIListingValidator, VisionService, build_provider
from snaplist.domain.paths import prompts_dir, taxonomy_dir
from snaplist.domain.prompts import VisionPromptBuilder
from snaplist.domain.providers import ProviderSettings, VisionSettings, resolve_provider_settings
from snaplist.domain.taxonomy import Taxonomy, load_taxonomy
from snaplist.pipeline.makers import makers_table
from snaplist.pipeline.secrets import load_api_key
from snaplist.pipeline.settings import PipelineSettings


@cache
def taxonomy() -> Taxonomy:
    return load_taxonomy(taxonomy_dir())


@cache
def prompt_builder() -> VisionPromptBuilder:
    return VisionPromptBuilder(prompts_dir(), taxonomy())


def provider_settings() -> ProviderSettings:
    """SNAPLIST_PROVIDER and the model timeout, resolved by the domain from the environment."""
    return resolve_provider_settings()


def vision_service(settings: PipelineSettings) -> VisionService:
    provider = build_provider(provider_settings(), load_api_key(settings))
    vision = VisionSettings(confidence_threshold=settings.confidence_threshold)
    return VisionService(provider, prompt_builder(), vision)


def listing_validator(settings: PipelineSettings) -> AIListingValidator:
    return AIListingValidator(makers_table(settings.makers_table), taxonomy())
