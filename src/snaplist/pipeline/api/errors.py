"""The API's named errors and the one place they become HTTP statuses.

Every error body has one shape: {"error": {"code": "...", "message": "..."}}. The message says
what to change in the request, for the developer of a client.
"""

from http import HTTPStatus


class ApiError(Exception):
    """Base of the errors a client can act on; `code` is stable, the message is for people."""

    status = HTTPStatus.BAD_REQUEST
    code = "bad_request"


class InvalidRequest(ApiError):
    code = "invalid_request"


class PhotoTooLarge(ApiError):
    code = "photo_too_large"

    def __init__(self, index: int, size_bytes: int, max_bytes: int) -> None:
        super().__init__(
            f"photos[{index}].size_bytes is {size_bytes}; the limit is {max_bytes} bytes"
        )


class UnknownFields(ApiError):
    code = "unknown_fields"

    def __init__(self, unknown: list[str], known: list[str]) -> None:
        super().__init__(
            f"unknown field(s) {', '.join(unknown)}; this listing has: {', '.join(known)}"
        )


class FieldTypeMismatch(ApiError):
    code = "field_type_mismatch"

    def __init__(self, name: str, expected: str) -> None:
        super().__init__(f"fields.{name} must be {expected} or null")


class Unauthenticated(ApiError):
    status = HTTPStatus.UNAUTHORIZED
    code = "unauthenticated"

    def __init__(self) -> None:
        super().__init__("no authenticated user: send a Cognito ID token in Authorization")


class ListingNotFound(ApiError):
    """Also what another user's listing looks like: its existence is not disclosed."""

    status = HTTPStatus.NOT_FOUND
    code = "listing_not_found"

    def __init__(self, listing_id: str) -> None:
        super().__init__(f"no listing {listing_id}")


class ListingNotReady(ApiError):
    status = HTTPStatus.CONFLICT
    code = "listing_not_ready"

    def __init__(self, listing_id: str, status: str) -> None:
        super().__init__(f"listing {listing_id} is {status}; it can be saved once it is READY")


def error_body(code: str, message: str) -> dict[str, dict[str, str]]:
    return {"error": {"code": code, "message": message}}
