"""Presigned POST uploads over real HTTP: the policy decides, as in S3."""

from tests.api.conftest import PHOTO_CAP_BYTES, Served, upload


def test_given_a_form_for_jpeg_when_a_png_is_posted_then_s3_refuses_and_stores_nothing(
    served: Served, photo: bytes
) -> None:
    created = served.create(("image/jpeg", len(photo)))

    response = upload(created["uploads"][0], photo, content_type="image/png")

    assert response.status_code == 403
    assert "<Code>AccessDenied</Code>" in response.text
    assert "$Content-Type" in response.text
    listing = served.api("GET", f"/listings/{created['listing_id']}").json()
    assert listing["status"] == "AWAITING_UPLOADS"
    assert listing["photos_received"] == 0
    bucket = served.stack.physical_id("UploadsBucket")
    stored = served.stack.client("s3").list_objects_v2(Bucket=bucket).get("KeyCount", 0)
    assert stored == 0


def test_given_a_form_when_the_file_is_over_the_cap_then_s3_refuses_it_as_too_large(
    served: Served, photo: bytes
) -> None:
    created = served.create(("image/jpeg", len(photo)))

    response = upload(created["uploads"][0], b"\xff" * (PHOTO_CAP_BYTES + 1))

    assert response.status_code == 400
    assert "<Code>EntityTooLarge</Code>" in response.text


def test_given_a_form_when_the_file_is_empty_then_s3_refuses_it_as_too_small(
    served: Served, photo: bytes
) -> None:
    created = served.create(("image/jpeg", len(photo)))

    response = upload(created["uploads"][0], b"")

    assert response.status_code == 400
    assert "<Code>EntityTooSmall</Code>" in response.text


def test_given_a_form_when_its_key_is_changed_then_s3_refuses_it(
    served: Served, photo: bytes
) -> None:
    form = served.create(("image/jpeg", len(photo)))["uploads"][0]
    form["fields"]["key"] = "uploads/someone-else/1"

    response = upload(form, photo)

    assert response.status_code == 403
    assert "$key" in response.text


def test_given_the_forms_when_every_photo_is_posted_then_the_listing_becomes_ready(
    served: Served, photo: bytes
) -> None:
    created = served.create(("image/jpeg", len(photo)), ("image/jpeg", len(photo)))

    responses = [upload(form, photo) for form in created["uploads"]]

    assert [response.status_code for response in responses] == [204, 204]
    assert [form["key"] for form in created["uploads"]] == [
        f"uploads/{created['listing_id']}/1",
        f"uploads/{created['listing_id']}/2",
    ]
    listing = served.wait(created["listing_id"])
    assert listing["status"] == "READY"
    assert listing["photos_received"] == 2
