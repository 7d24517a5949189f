"""The listing routes over real HTTP: validation, ownership, confirmation, numbers, CORS."""

import json
from pathlib import Path
from typing import Any

import pytest

from snaplist.pipeline.api import openapi_document
from tests.api.conftest import PHOTO_CAP_BYTES, Served, upload

OPENAPI_PATH = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"


def ready_listing(served: Served, photo: bytes, user: str | None = None) -> dict[str, Any]:
    created = served.create(("image/jpeg", len(photo)), user=user)
    assert upload(created["uploads"][0], photo).status_code == 204
    listing = served.wait(created["listing_id"])
    assert listing["status"] == "READY", listing
    return dict(listing)


def assert_error_shape(response: Any, status: int, code: str) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message"}
    assert body["error"]["code"] == code
    return str(body["error"]["message"])


@pytest.mark.parametrize(
    ("photos", "says"),
    [
        ([{"content_type": "text/plain", "size_bytes": 10}], "photos.0.content_type"),
        ([{"content_type": "image/jpeg", "size_bytes": 0}], "photos.0.size_bytes"),
        ([], "photos"),
        ([{"content_type": "image/jpeg", "size_bytes": 10}] * 9, "photos"),
        ([{"content_type": "image/jpeg", "size_bytes": 10, "key": "mine"}], "photos.0.key"),
    ],
)
def test_given_an_invalid_photo_list_when_creating_then_400_names_the_problem(
    served: Served, photos: list[dict[str, Any]], says: str
) -> None:
    response = served.api("POST", "/listings", json={"photos": photos})

    message = assert_error_shape(response, 400, "invalid_request")
    assert says in message


def test_given_a_content_type_in_capitals_when_creating_then_it_is_the_same_image_type(
    served: Served,
) -> None:
    photos = [{"content_type": " IMAGE/JPEG", "size_bytes": 10}]

    response = served.api("POST", "/listings", json={"photos": photos})

    assert response.status_code == 201, response.text
    form = response.json()["uploads"][0]
    assert "image/jpeg" in json.dumps(form)
    assert "IMAGE/JPEG" not in json.dumps(form)


def test_given_a_photo_over_the_cap_when_creating_then_400_states_the_limit(
    served: Served,
) -> None:
    photos = [{"content_type": "image/png", "size_bytes": PHOTO_CAP_BYTES + 1}]

    response = served.api("POST", "/listings", json={"photos": photos})

    message = assert_error_shape(response, 400, "photo_too_large")
    assert str(PHOTO_CAP_BYTES) in message


def test_given_a_listing_when_another_user_reads_or_saves_it_then_404_not_403(
    served: Served, photo: bytes
) -> None:
    listing = ready_listing(served, photo)
    path = f"/listings/{listing['listing_id']}"

    read = served.api("GET", path, user="second-seller")
    saved = served.api("PUT", path, user="second-seller", json={"fields": {"title": "Mine"}})

    assert_error_shape(read, 404, "listing_not_found")
    assert_error_shape(saved, 404, "listing_not_found")
    assert served.api("GET", path).json()["status"] == "READY"


def test_given_a_ready_draft_when_read_then_numbers_are_json_numbers(
    served: Served, photo: bytes
) -> None:
    listing = ready_listing(served, photo)

    raw = served.api("GET", f"/listings/{listing['listing_id']}").text
    body = json.loads(raw)

    assert body["fields"]["price"]["value"] == 12.5
    assert isinstance(body["fields"]["price"]["value"], float)
    assert isinstance(body["fields"]["price"]["confidence"], float)
    assert body["fields"]["dimensions_cm"]["value"] == {"length": 18, "width": 11, "height": 2}
    assert isinstance(body["tokens_in"], int) and body["tokens_in"] > 0
    assert isinstance(body["cost_usd"], float) and body["cost_usd"] > 0
    assert '"12.5"' not in raw
    assert body["fields"]["price"]["tier"] == "green"
    assert body["fields"]["price"]["kind"] == "number"


def test_given_a_ready_draft_when_the_seller_saves_then_it_is_confirmed_and_originals_kept(
    served: Served, photo: bytes
) -> None:
    listing = ready_listing(served, photo)
    path = f"/listings/{listing['listing_id']}"

    saved = served.api("PUT", path, json={"fields": {"title": "Oz, 1970s", "price": 20}})
    read_back = served.api("GET", path).json()

    assert saved.status_code == 200, saved.text
    assert read_back["status"] == "CONFIRMED"
    assert read_back["fields"]["title"]["value"] == "Oz, 1970s"
    assert read_back["fields"]["price"]["value"] == 20
    assert read_back["fields"]["title"]["edited"] is True
    assert read_back["fields"]["maker"]["edited"] is False
    stored = served.stack.client("dynamodb").get_item(
        TableName=served.stack.physical_id("ListingsTable"),
        Key={"listing_id": {"S": listing["listing_id"]}},
    )["Item"]
    model_title = stored["model_fields"]["M"]["title"]["M"]["value"]["S"]
    assert model_title == "The Wizard of Oz"
    assert stored["seller_values"]["M"]["price"] == {"N": "20"}


def test_given_a_confirmed_listing_when_a_late_pipeline_run_finishes_then_it_is_not_overwritten(
    served: Served, photo: bytes
) -> None:
    listing = ready_listing(served, photo)
    path = f"/listings/{listing['listing_id']}"
    served.api("PUT", path, json={"fields": {"title": "Seller's own title"}})
    client = served.stack.client("stepfunctions")
    machine = served.stack.physical_id("ListingStateMachine")
    first = client.list_executions(stateMachineArn=machine)["executions"][0]
    original_input = client.describe_execution(executionArn=first["executionArn"])["input"]

    late = client.start_execution(stateMachineArn=machine, name="late-rerun", input=original_input)
    outcome = _wait_execution(client, late["executionArn"])

    assert outcome == "SUCCEEDED"
    read_back = served.api("GET", path).json()
    assert read_back["status"] == "CONFIRMED"
    assert read_back["fields"]["title"]["value"] == "Seller's own title"


def _wait_execution(client: Any, arn: str) -> str:
    import time

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        status = str(client.describe_execution(executionArn=arn)["status"])
        if status != "RUNNING":
            return status
        time.sleep(0.1)
    raise AssertionError("the late execution did not finish")


def test_given_a_processing_listing_when_saved_then_409_says_to_wait(
    served: Served, photo: bytes
) -> None:
    created = served.create(("image/jpeg", len(photo)))

    response = served.api("PUT", f"/listings/{created['listing_id']}", json={"fields": {}})

    message = assert_error_shape(response, 409, "listing_not_ready")
    assert "AWAITING_UPLOADS" in message


@pytest.mark.parametrize(
    ("fields", "code", "says"),
    [
        ({"colour": "red"}, "unknown_fields", "colour"),
        ({"price": "12.50"}, "field_type_mismatch", "fields.price must be a JSON number"),
        ({"dimensions_cm": {"length": 1}}, "field_type_mismatch", "fields.dimensions_cm"),
        ({"tags": "vintage"}, "field_type_mismatch", "an array of strings"),
    ],
)
def test_given_a_ready_draft_when_saved_with_bad_fields_then_400_and_nothing_changes(
    served: Served, photo: bytes, fields: dict[str, Any], code: str, says: str
) -> None:
    listing = ready_listing(served, photo)
    path = f"/listings/{listing['listing_id']}"

    response = served.api("PUT", path, json={"fields": fields})

    assert says in assert_error_shape(response, 400, code)
    assert served.api("GET", path).json()["status"] == "READY"


def test_given_the_frontend_origin_when_preflighting_then_cors_allows_it(served: Served) -> None:
    headers = {
        "Origin": served.url,
        "Access-Control-Request-Method": "PUT",
        "Access-Control-Request-Headers": "authorization,content-type",
    }

    response = served.api("OPTIONS", "/listings/lst-x", headers=headers)

    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == served.url
    assert "authorization" in response.headers["Access-Control-Allow-Headers"].lower()


def test_given_an_unknown_route_then_404_has_the_error_shape(served: Served) -> None:
    assert_error_shape(served.api("GET", "/nothing-here"), 404, "no_such_route")


def test_given_the_routes_then_docs_openapi_json_is_the_generated_document(
    served: Served,
) -> None:
    generated = json.dumps(openapi_document(), indent=2, sort_keys=True) + "\n"
    served_document = served.api("GET", "/openapi.json").json()

    stale = not OPENAPI_PATH.exists() or OPENAPI_PATH.read_text(encoding="utf-8") != generated
    if stale:
        OPENAPI_PATH.write_text(generated, encoding="utf-8")

    assert served_document == json.loads(generated)
    assert set(served_document["paths"]) == {"/listings", "/listings/{listing_id}"}
    assert not stale, "docs/openapi.json was stale and has been rewritten: commit it"
