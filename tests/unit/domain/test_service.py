"""The vision service: one model call per step, thresholds, budgets and combined verdicts."""

import pytest
from tests.support.scripted_provider import ScriptedProvider, json_reply
from tests.unit.domain.support import extraction_reply, field, image_parts, noisy_photo

from snaplist.domain import (
    PROVIDERS,
    Classification,
    OpenAICompatibleProvider,
    ProductType,
    ProviderSettings,
    TokenUsage,
    UnsupportedImage,
    VisionPromptBuilder,
    VisionService,
    VisionSettings,
    combine_classifications,
    load_vision_settings,
)
from snaplist.domain.errors import ConfigurationError

PHOTO = noisy_photo(1600, 1200)


def classified(product_type: str, confidence: float, tokens: tuple[int, int] = (100, 20)):
    return json_reply({"product_type": product_type, "confidence": confidence}, tokens=tokens)


def vote(guess: ProductType, confidence: float) -> Classification:
    usage = TokenUsage(input_tokens=100, output_tokens=10, cost_usd=0.001)
    return Classification(
        product_type=guess,
        confidence=confidence,
        guessed_type=guess,
        guessed_confidence=confidence,
        usage=usage,
        model="m",
    )


def test_given_confident_classification_then_its_type_is_used(
    scripted: ScriptedProvider, service: VisionService
) -> None:
    scripted.script(classified("book", 0.91))

    result = service.classify_product([PHOTO])

    assert (result.product_type, result.confidence) == (ProductType.BOOK, 0.91)
    assert result.guessed_type == ProductType.BOOK


def test_given_confidence_below_threshold_then_generic_is_used_and_the_guess_kept(
    scripted: ScriptedProvider, service: VisionService
) -> None:
    scripted.script(classified("artwork", 0.69))

    result = service.classify_product([PHOTO])

    assert result.product_type == ProductType.GENERIC
    assert (result.guessed_type, result.guessed_confidence) == (ProductType.ARTWORK, 0.69)


def test_given_a_lower_configured_threshold_then_the_same_guess_is_accepted(
    scripted: ScriptedProvider, provider: OpenAICompatibleProvider, builder: VisionPromptBuilder
) -> None:
    scripted.script(classified("artwork", 0.69))
    settings = load_vision_settings({"SNAPLIST_CONFIDENCE_THRESHOLD": "0.6"})

    result = VisionService(provider, builder, settings).classify_product([PHOTO])

    assert result.product_type == ProductType.ARTWORK


def test_given_a_bad_threshold_setting_then_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="SNAPLIST_CONFIDENCE_THRESHOLD"):
        load_vision_settings({"SNAPLIST_CONFIDENCE_THRESHOLD": "1.5"})


def test_given_several_photos_then_they_are_classified_together_in_one_call(
    scripted: ScriptedProvider, service: VisionService
) -> None:
    scripted.script(classified("watch", 0.9))

    service.classify_product([PHOTO, PHOTO, PHOTO])

    assert len(scripted.requests) == 1
    assert len(image_parts(scripted.requests[0])) == 3
    schema = scripted.requests[0]["body"]["response_format"]["json_schema"]
    assert schema["name"] == "snaplist_classification"


def test_given_classify_then_extract_then_classification_spends_fewer_image_tokens(
    scripted: ScriptedProvider, service: VisionService
) -> None:
    scripted.script(classified("watch", 0.9), json_reply(extraction_reply(ProductType.WATCH)))

    service.classify_product([PHOTO])
    service.extract_product_data(ProductType.WATCH, [PHOTO])

    classify_image, extract_image = (image_parts(r)[0]["image_url"] for r in scripted.requests)
    assert len(classify_image["url"]) < len(extract_image["url"]) / 2
    assert (classify_image["detail"], extract_image["detail"]) == ("low", "high")


def test_given_extraction_then_all_photos_go_in_one_call_with_the_types_schema(
    scripted: ScriptedProvider, service: VisionService
) -> None:
    reply = extraction_reply(ProductType.BOOK, title=field("The Hobbit", 0.95))
    scripted.script(json_reply(reply, tokens=(2400, 380)))

    extraction = service.extract_product_data(ProductType.BOOK, [PHOTO, PHOTO])

    assert len(scripted.requests) == 1
    body = scripted.requests[0]["body"]
    assert len(image_parts(scripted.requests[0])) == 2
    schema = body["response_format"]["json_schema"]["schema"]
    assert {"language", "format", "isbn"} <= set(schema["properties"])
    assert "paperback" in body["messages"][0]["content"]
    assert extraction.fields["title"].value == "The Hobbit"
    assert (extraction.usage.input_tokens, extraction.usage.output_tokens) == (2400, 380)


def test_given_a_priced_provider_then_every_call_reports_its_cost(
    scripted: ScriptedProvider, builder: VisionPromptBuilder
) -> None:
    settings = PROVIDERS["siliconflow"].model_copy(update={"base_url": scripted.base_url})
    service = VisionService(OpenAICompatibleProvider(settings, "key"), builder)
    scripted.script(
        classified("watch", 0.9, tokens=(300, 20)),
        json_reply(extraction_reply(ProductType.WATCH), tokens=(2000, 400)),
    )

    classification = service.classify_product([PHOTO])
    extraction = service.extract_product_data(ProductType.WATCH, [PHOTO])

    assert classification.usage.cost_usd == pytest.approx(320 * 0.14 / 1e6)
    assert extraction.usage.cost_usd == pytest.approx(2400 * 0.14 / 1e6)


def test_given_a_provider_with_a_small_request_cap_then_photos_are_shrunk_to_fit(
    scripted: ScriptedProvider, provider_settings: ProviderSettings, builder: VisionPromptBuilder
) -> None:
    capabilities = provider_settings.capabilities.model_copy(update={"max_request_bytes": 400_000})
    settings = provider_settings.model_copy(update={"capabilities": capabilities})
    service = VisionService(OpenAICompatibleProvider(settings, None), builder)
    scripted.script(json_reply(extraction_reply(ProductType.WATCH)))

    service.extract_product_data(ProductType.WATCH, [PHOTO, PHOTO])

    urls = [part["image_url"]["url"] for part in image_parts(scripted.requests[0])]
    assert sum(len(url) for url in urls) <= 400_000


def test_given_photos_that_cannot_fit_the_request_cap_then_unsupported_image(
    scripted: ScriptedProvider, provider_settings: ProviderSettings, builder: VisionPromptBuilder
) -> None:
    capabilities = provider_settings.capabilities.model_copy(update={"max_request_bytes": 2_000})
    settings = provider_settings.model_copy(update={"capabilities": capabilities})
    service = VisionService(OpenAICompatibleProvider(settings, None), builder)

    with pytest.raises(UnsupportedImage, match="request size limit"):
        service.extract_product_data(ProductType.WATCH, [PHOTO])
    assert scripted.requests == []


def test_given_more_photos_than_the_limit_then_only_the_first_ones_are_sent(
    scripted: ScriptedProvider, provider: OpenAICompatibleProvider, builder: VisionPromptBuilder
) -> None:
    service = VisionService(provider, builder, VisionSettings(max_photos=2))
    scripted.script(classified("watch", 0.9))

    service.classify_product([PHOTO] * 5)

    assert len(image_parts(scripted.requests[0])) == 2


def test_given_no_photos_then_unsupported_image_and_no_call(
    scripted: ScriptedProvider, service: VisionService
) -> None:
    with pytest.raises(UnsupportedImage, match="no photos"):
        service.classify_product([])
    assert scripted.requests == []


def test_given_photos_that_agree_then_the_combined_type_is_theirs() -> None:
    result = combine_classifications(
        [vote(ProductType.BOOK, 0.95), vote(ProductType.BOOK, 0.8)], threshold=0.7
    )

    assert (result.product_type, result.confidence) == (ProductType.BOOK, 0.875)
    assert result.usage == TokenUsage(input_tokens=200, output_tokens=20, cost_usd=0.002)


def test_given_a_photo_that_cannot_tell_then_it_abstains() -> None:
    # A barcode close-up says "generic"; the cover photos still decide.
    result = combine_classifications(
        [vote(ProductType.BOOK, 0.9), vote(ProductType.GENERIC, 0.6), vote(ProductType.BOOK, 0.8)]
    )

    assert (result.product_type, result.confidence) == (ProductType.BOOK, 0.85)


def test_given_photos_that_disagree_then_the_verdict_falls_back_to_generic() -> None:
    result = combine_classifications([vote(ProductType.BOOK, 0.9), vote(ProductType.WATCH, 0.8)])

    assert result.product_type == ProductType.GENERIC
    assert result.guessed_type == ProductType.BOOK
    assert result.guessed_confidence == pytest.approx(0.9 * 0.9 / 1.7, abs=1e-4)


def test_given_a_strong_majority_then_one_dissenting_photo_does_not_flip_it() -> None:
    votes = [vote(ProductType.WATCH, 0.95)] * 4 + [vote(ProductType.JEWELLERY, 0.3)]

    result = combine_classifications(votes)

    assert result.product_type == ProductType.WATCH
    assert result.confidence == pytest.approx(0.95 * 3.8 / 4.1, abs=1e-4)


def test_given_only_generic_votes_then_the_verdict_is_generic() -> None:
    result = combine_classifications([vote(ProductType.GENERIC, 0.8)])

    assert (result.product_type, result.confidence) == (ProductType.GENERIC, 0.8)


def test_given_no_classifications_then_combining_is_an_error() -> None:
    with pytest.raises(ValueError, match="at least one"):
        combine_classifications([])
