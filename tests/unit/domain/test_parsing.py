"""Model replies as small models really write them, read through the service and real HTTP."""

import json

import pytest
from tests.support.scripted_provider import Reply, ScriptedProvider, chat_reply, json_reply
from tests.unit.domain.support import encode, extraction_reply, field, two_tone

from snaplist.domain import (
    ModelOutputInvalid,
    ModelOutputTruncated,
    ModelRefused,
    ProductType,
    VisionService,
)

PHOTO = encode(two_tone(320, 240), "JPEG")
CLASSIFIED = json.dumps({"product_type": "watch", "confidence": 0.92})


@pytest.mark.parametrize(
    "content",
    [
        f"```json\n{CLASSIFIED}\n```",
        f"<think>\nThe dial says SEIKO, so {{maybe}} a watch.\n</think>\n{CLASSIFIED}",
        f"Here is the classification you asked for:\n{CLASSIFIED}",
        f"<think>hmm</think>\nSure! ```json\n{CLASSIFIED}\n``` Hope this helps.",
        f"Sure. {{not json}} Then: {CLASSIFIED}",
    ],
    ids=["fenced", "think-prefixed", "prose-prefixed", "think-and-fence", "stray-brace"],
)
def test_given_json_wrapped_the_way_small_models_answer_then_it_is_read(
    scripted: ScriptedProvider, service: VisionService, content: str
) -> None:
    scripted.script(chat_reply(content))

    classification = service.classify_product([PHOTO])

    assert (classification.product_type, classification.confidence) == (ProductType.WATCH, 0.92)


def test_given_reply_cut_at_the_token_limit_then_truncated_never_a_half_listing(
    scripted: ScriptedProvider, service: VisionService
) -> None:
    half = json.dumps(extraction_reply(ProductType.BOOK, title=field("The Hobbit")))[:400]
    scripted.script(chat_reply(half, finish_reason="length"))

    with pytest.raises(ModelOutputTruncated):
        service.extract_product_data(ProductType.BOOK, [PHOTO])


def test_given_complete_json_but_length_finish_then_still_truncated(
    scripted: ScriptedProvider, service: VisionService
) -> None:
    scripted.script(chat_reply(CLASSIFIED, finish_reason="length"))

    with pytest.raises(ModelOutputTruncated):
        service.classify_product([PHOTO])


@pytest.mark.parametrize(
    "content",
    [
        "I cannot help with that.",
        "I'm sorry, but I can't identify people in photos.",
        "Sorry, I am unable to assist with this request.",
    ],
)
def test_given_a_refusal_then_model_refused(
    scripted: ScriptedProvider, service: VisionService, content: str
) -> None:
    scripted.script(chat_reply(content))

    with pytest.raises(ModelRefused):
        service.extract_product_data(ProductType.GENERIC, [PHOTO])


def test_given_a_refusal_inside_the_title_then_it_is_an_error_not_a_title(
    scripted: ScriptedProvider, service: VisionService
) -> None:
    reply = extraction_reply(ProductType.GENERIC, title=field("I cannot help with that", 0.9))
    scripted.script(json_reply(reply))

    with pytest.raises(ModelRefused):
        service.extract_product_data(ProductType.GENERIC, [PHOTO])


def test_given_the_provider_refusal_field_then_model_refused(
    scripted: ScriptedProvider, service: VisionService
) -> None:
    reply = chat_reply("")
    reply.body["choices"][0]["message"]["refusal"] = "I can't help with that request."
    scripted.script(reply)

    with pytest.raises(ModelRefused, match="can't help"):
        service.classify_product([PHOTO])


@pytest.mark.parametrize(
    "content",
    [
        "This is a lovely steel diver's watch.",
        "",
        "<think>It looks like a watch, the answer is",
        '{"product_type": "watch", "confidence": 0.9',
    ],
    ids=["prose-only", "empty", "unclosed-think", "broken-json"],
)
def test_given_no_json_then_model_output_invalid_and_no_default(
    scripted: ScriptedProvider, service: VisionService, content: str
) -> None:
    scripted.script(chat_reply(content))

    with pytest.raises(ModelOutputInvalid, match="no JSON"):
        service.classify_product([PHOTO])


@pytest.mark.parametrize(
    ("reply", "message"),
    [
        ({"product_type": "toaster", "confidence": 0.9}, "not an allowed product type"),
        ({"product_type": "watch", "confidence": 1.5}, "from 0 to 1"),
        ({"product_type": "watch", "confidence": "high"}, "expected a number"),
        ({"product_type": "watch"}, "from 0 to 1"),
        ({"type": "watch", "confidence": 0.9}, "product_type is missing"),
    ],
)
def test_given_classification_json_breaking_the_schema_then_model_output_invalid(
    scripted: ScriptedProvider, service: VisionService, reply: dict[str, object], message: str
) -> None:
    scripted.script(json_reply(reply))

    with pytest.raises(ModelOutputInvalid, match=message):
        service.classify_product([PHOTO])


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": "The Hobbit"}, "title: expected an object"),
        ({"price": field("cheap")}, "price: expected a number"),
        ({"price": field(-5)}, "must not be negative"),
        ({"materials": field({"paper": True})}, "materials: expected a list"),
        ({"condition": field(3)}, "condition: expected one allowed value"),
        ({"dimensions_cm": field("20 x 13 cm")}, "expected length, width and height"),
        ({"title": {"value": "x", "confidence": 0.9, "suggestion": 3}}, "suggestion"),
    ],
)
def test_given_extraction_json_breaking_the_schema_then_model_output_invalid(
    scripted: ScriptedProvider,
    service: VisionService,
    overrides: dict[str, object],
    message: str,
) -> None:
    scripted.script(json_reply(extraction_reply(ProductType.BOOK, **overrides)))

    with pytest.raises(ModelOutputInvalid, match=message):
        service.extract_product_data(ProductType.BOOK, [PHOTO])


def test_given_a_missing_field_then_model_output_invalid_names_it(
    scripted: ScriptedProvider, service: VisionService
) -> None:
    reply = extraction_reply(ProductType.WATCH)
    del reply["movement"]
    scripted.script(json_reply(reply))

    with pytest.raises(ModelOutputInvalid, match="movement"):
        service.extract_product_data(ProductType.WATCH, [PHOTO])


def test_given_values_off_only_by_case_or_spacing_then_they_map_to_the_allowed_value(
    scripted: ScriptedProvider, service: VisionService
) -> None:
    reply = extraction_reply(
        ProductType.GENERIC,
        category=field("Shoes ", 0.85),
        condition=field("Very Good", 0.7),
        materials=field(["LEATHER", "rubber"], 0.6),
        currency=field("dkk", 0.9),
        tags=field(["Vintage"], 0.8),
    )
    scripted.script(json_reply(reply))

    fields = service.extract_product_data(ProductType.GENERIC, [PHOTO]).fields

    assert fields["category"].value == "shoes" and fields["category"].confidence == 0.85
    assert fields["condition"].value == "very_good"
    assert fields["materials"].value == ["leather", "rubber"]
    assert fields["currency"].value == "DKK"
    assert fields["tags"].value == ["vintage"]


def test_given_a_value_outside_the_allowed_list_then_it_is_dropped_with_a_suggestion(
    scripted: ScriptedProvider, service: VisionService
) -> None:
    reply = extraction_reply(
        ProductType.GENERIC,
        category=field("sneakers", 0.95),
        materials=field(["leather", "vegan suede"], 0.8),
        tags=field(["hypebeast"], 0.9),
    )
    scripted.script(json_reply(reply))

    fields = service.extract_product_data(ProductType.GENERIC, [PHOTO]).fields

    assert (fields["category"].value, fields["category"].confidence) == (None, 0.0)
    assert "sneakers" in (fields["category"].suggestion or "")
    assert fields["materials"].value == ["leather"]
    assert "vegan suede" in (fields["materials"].suggestion or "")
    assert (fields["tags"].value, fields["tags"].confidence) == ([], 0.0)


def test_given_a_value_of_another_product_type_then_it_is_not_allowed(
    scripted: ScriptedProvider, service: VisionService
) -> None:
    # "paperback" is a book format; a watch's category list does not hold it.
    reply = extraction_reply(ProductType.WATCH, category=field("paperback", 0.9))
    scripted.script(json_reply(reply))

    fields = service.extract_product_data(ProductType.WATCH, [PHOTO]).fields

    assert fields["category"].value is None


def test_given_lenient_but_unambiguous_values_then_they_are_read(
    scripted: ScriptedProvider, service: VisionService
) -> None:
    reply = extraction_reply(
        ProductType.ARTWORK,
        year=field(1893, 0.6),
        price=field("450", 0.5),
        signed=field("yes", 0.8),
        dimensions_cm=field({"length": 91, "width": 73.5, "height": None}, 0.4),
    )
    scripted.script(json_reply(reply))

    fields = service.extract_product_data(ProductType.ARTWORK, [PHOTO]).fields

    assert fields["year"].value == "1893"
    assert fields["price"].value == 450.0
    assert fields["signed"].value is True
    assert fields["dimensions_cm"].value == {"length": 91.0, "width": 73.5, "height": None}


def test_given_forbidden_fields_in_the_reply_then_they_are_passed_on_to_be_stripped(
    scripted: ScriptedProvider, service: VisionService
) -> None:
    reply = extraction_reply(ProductType.ELECTRONICS, imei=field("356938035643809"))
    reply["colour_name"] = field("red")
    scripted.script(json_reply(reply))

    fields = service.extract_product_data(ProductType.ELECTRONICS, [PHOTO]).fields

    assert "imei" in fields
    assert "colour_name" not in fields


def test_given_an_http_error_then_nothing_is_parsed(
    scripted: ScriptedProvider, service: VisionService
) -> None:
    scripted.script(Reply(status=503, body={"error": {"message": "maintenance"}}))

    with pytest.raises(Exception, match="maintenance") as raised:
        service.classify_product([PHOTO])

    assert type(raised.value).__name__ == "ProviderTransientError"
