"""Shared fixtures: the shipped taxonomy and prompts, and a service on a scripted provider."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.support.scripted_provider import ScriptedProvider

from snaplist.domain import (
    InMemoryMakerRepository,
    OpenAICompatibleProvider,
    ProviderSettings,
    Taxonomy,
    VisionPromptBuilder,
    VisionService,
    VisionSettings,
    load_taxonomy,
    offline_settings,
)
from snaplist.domain.validator import AIListingValidator

REPOSITORY = Path(__file__).resolve().parents[3]
SAMPLES = REPOSITORY / ".." / "shared" / "samples"
TAXONOMY_DIR = REPOSITORY / "taxonomy"
PROMPTS_DIR = REPOSITORY / "prompts"


@pytest.fixture(scope="session")
def taxonomy() -> Taxonomy:
    return load_taxonomy(TAXONOMY_DIR)


@pytest.fixture(scope="session")
def builder(taxonomy: Taxonomy) -> VisionPromptBuilder:
    return VisionPromptBuilder(PROMPTS_DIR, taxonomy)


@pytest.fixture(scope="session")
def scripted_server() -> Iterator[ScriptedProvider]:
    # One server for the session: stopping one costs half a second of polling.
    with ScriptedProvider() as server:
        yield server


@pytest.fixture
def scripted(scripted_server: ScriptedProvider) -> ScriptedProvider:
    """The loopback provider with an empty script and no requests recorded yet."""
    scripted_server.requests.clear()
    return scripted_server.script()


@pytest.fixture
def provider_settings(scripted: ScriptedProvider) -> ProviderSettings:
    """The offline entry, pointed at the scripted loopback server."""
    return offline_settings(8765).model_copy(update={"base_url": scripted.base_url})


@pytest.fixture
def provider(provider_settings: ProviderSettings) -> OpenAICompatibleProvider:
    return OpenAICompatibleProvider(provider_settings, api_key=None)


@pytest.fixture
def service(provider: OpenAICompatibleProvider, builder: VisionPromptBuilder) -> VisionService:
    return VisionService(provider, builder, VisionSettings())


@pytest.fixture
def makers() -> InMemoryMakerRepository:
    return InMemoryMakerRepository()


@pytest.fixture
def validator(makers: InMemoryMakerRepository, taxonomy: Taxonomy) -> AIListingValidator:
    return AIListingValidator(makers, taxonomy)
