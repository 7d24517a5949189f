"""The local S3 POST policy check on its own: forms signed by botocore, checked without a server."""

from datetime import UTC, datetime, timedelta

import boto3
import pytest
from botocore.config import Config

from snaplist_local.serve.s3_post import FormUpload, UploadRefused, check_policy, parse_form

CREDENTIALS = {"access_key": "AKIDLOCALTEST", "secret_key": "local-secret"}
BUCKET = "uploads-bucket"


def signed_form(content_type: str = "image/jpeg", max_bytes: int = 100) -> dict[str, str]:
    client = boto3.client(
        "s3",
        region_name="us-east-1",
        aws_access_key_id=CREDENTIALS["access_key"],
        aws_secret_access_key=CREDENTIALS["secret_key"],
        config=Config(signature_version="s3v4"),
    )
    form = client.generate_presigned_post(
        Bucket=BUCKET,
        Key="uploads/lst-1/1",
        Fields={"Content-Type": content_type},
        Conditions=[{"Content-Type": content_type}, ["content-length-range", 1, max_bytes]],
        ExpiresIn=300,
    )
    return {name: str(value) for name, value in form["fields"].items()}


def test_given_a_signed_form_when_everything_matches_then_it_passes() -> None:
    check_policy(FormUpload(signed_form(), "p.jpg", b"x" * 10), BUCKET, CREDENTIALS)


def test_given_a_signed_form_when_its_policy_expired_then_it_is_refused() -> None:
    later = datetime.now(UTC) + timedelta(minutes=10)

    with pytest.raises(UploadRefused, match="Policy expired") as refused:
        check_policy(FormUpload(signed_form(), "p.jpg", b"x"), BUCKET, CREDENTIALS, later)

    assert refused.value.status == 403


def test_given_a_signed_form_when_signed_with_another_secret_then_the_signature_fails() -> None:
    other = {**CREDENTIALS, "secret_key": "not-the-secret"}

    with pytest.raises(UploadRefused) as refused:
        check_policy(FormUpload(signed_form(), "p.jpg", b"x"), BUCKET, other)

    assert refused.value.code == "SignatureDoesNotMatch"


def test_given_a_signed_form_when_a_field_is_added_then_it_is_refused_as_extra() -> None:
    fields = {**signed_form(), "acl": "public-read"}

    with pytest.raises(UploadRefused, match="Extra input fields: acl"):
        check_policy(FormUpload(fields, "p.jpg", b"x"), BUCKET, CREDENTIALS)


def test_given_a_signed_form_when_posted_to_another_bucket_then_it_is_refused() -> None:
    with pytest.raises(UploadRefused, match=r"\$bucket"):
        check_policy(FormUpload(signed_form(), "p.jpg", b"x"), "other-bucket", CREDENTIALS)


def test_given_a_multipart_body_when_parsed_then_binary_file_bytes_are_kept_exactly() -> None:
    data = bytes(range(256)) * 4 + b"\r\n--not-the-boundary\r\n"
    body = (
        b'--b0und\r\nContent-Disposition: form-data; name="key"\r\n\r\nuploads/lst-1/1\r\n'
        b'--b0und\r\nContent-Disposition: form-data; name="file"; filename="p.jpg"\r\n'
        b"Content-Type: image/jpeg\r\n\r\n" + data + b"\r\n--b0und--\r\n"
    )

    form = parse_form("multipart/form-data; boundary=b0und", body)

    assert form.fields == {"key": "uploads/lst-1/1"}
    assert form.filename == "p.jpg"
    assert form.data == data
