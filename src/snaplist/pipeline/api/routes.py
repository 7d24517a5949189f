"""The seller's API: create a listing with presigned uploads, read the draft, confirm it.

Routes live on one Powertools resolver with validation on, so request bodies are checked by the
pydantic models and the OpenAPI document is generated from the same models.
"""

import uuid
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, CORSConfig, Response
from aws_lambda_powertools.event_handler.exceptions import NotFoundError
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError
from aws_lambda_powertools.event_handler.openapi.models import APIKey, APIKeyIn

from snaplist.domain.fields import FieldKind, fields_for
from snaplist.domain.models import ProductType, ValidatedField
from snaplist.pipeline.api.errors import (
    ApiError,
    FieldTypeMismatch,
    ListingNotFound,
    ListingNotReady,
    PhotoTooLarge,
    Unauthenticated,
    UnknownFields,
    error_body,
)
from snaplist.pipeline.api.models import (
    ConfirmListingRequest,
    CreateListingRequest,
    CreateListingResponse,
    ErrorResponse,
    FieldView,
    ListingView,
    PhotoUploadForm,
)
from snaplist.pipeline.api.presign import photo_key, presigned_upload
from snaplist.pipeline.api.settings import frontend_origin, get_api_settings
from snaplist.pipeline.listings import seller_listings
from snaplist.pipeline.models import ListingRecord, ListingStatus
from snaplist.pipeline.observability import bind_listing, logger

API_TITLE = "snaplist seller API"
API_VERSION = "1.0.0"
SAVABLE = (ListingStatus.READY, ListingStatus.CONFIRMED)
_ERRORS: dict[int, dict[str, Any]] = {
    400: {"description": "The request is invalid; the message says what to change"},
    404: {"description": "No such listing for this user"},
}
_ERROR_CONTENT = {"application/json": {"schema": ErrorResponse.model_json_schema()}}
_RESPONSES_WITH_ERRORS: dict[int, Any] = {
    code: {**value, "content": _ERROR_CONTENT} for code, value in _ERRORS.items()
}


class FrontendCors(CORSConfig):
    """CORS for the one frontend origin, read per request like every other setting, so a
    process that serves several stacks (tests, `snaplist serve`) never answers a stale one."""

    def __init__(self) -> None:
        super().__init__(allow_origin=frontend_origin(), allow_headers=["Authorization"])

    def _refresh(self) -> None:
        self._allowed_origins = [frontend_origin()]

    def to_dict(self, origin: str | None) -> dict[str, str]:
        self._refresh()
        return super().to_dict(origin)

    def allowed_origin(self, extracted_origin: str) -> str | None:
        self._refresh()
        return super().allowed_origin(extracted_origin)


app = APIGatewayRestResolver(enable_validation=True, cors=FrontendCors())


def _owner() -> str:
    claims = app.current_event.request_context.authorizer.claims or {}
    subject = claims.get("sub")
    if not subject:
        raise Unauthenticated()
    return str(subject)


def _error_response(status: int, code: str, message: str) -> Response[Any]:
    return Response(
        status_code=status, content_type="application/json", body=error_body(code, message)
    )


@app.exception_handler(ApiError)
def _api_error(error: ApiError) -> Response[Any]:
    """The one mapping from named errors to HTTP: each error class carries its status."""
    logger.info("request refused", extra={"code": error.code, "status": int(error.status)})
    return _error_response(int(error.status), error.code, str(error))


@app.exception_handler(RequestValidationError)
def _invalid_request(error: RequestValidationError) -> Response[Any]:
    problems = []
    for detail in error.errors():
        where = ".".join(str(part) for part in detail.get("loc", ()) if part != "body")
        problems.append(f"{where or 'body'}: {detail.get('msg', 'invalid')}")
    logger.info("request refused", extra={"code": "invalid_request", "status": 400})
    return _error_response(400, "invalid_request", "; ".join(problems) or "invalid request")


@app.not_found
def _no_route(error: NotFoundError) -> Response[Any]:
    path = app.current_event.path
    return _error_response(404, "no_such_route", f"no route {app.current_event.http_method} {path}")


@app.post("/listings", responses={201: {"description": "Created"}, **_RESPONSES_WITH_ERRORS})
def create_listing(request: CreateListingRequest) -> Response[CreateListingResponse]:
    """Create a listing and one presigned POST per photo; upload them to start the pipeline."""
    settings = get_api_settings()
    for index, photo in enumerate(request.photos):
        if photo.size_bytes > settings.max_photo_bytes:
            raise PhotoTooLarge(index, photo.size_bytes, settings.max_photo_bytes)

    listing_id = f"lst-{uuid.uuid4().hex[:16]}"
    bind_listing(listing_id)
    owner = _owner()
    record = seller_listings(settings.listings_table).create(
        listing_id, owner, expected_photos=len(request.photos)
    )

    uploads = []
    for index, photo in enumerate(request.photos, start=1):
        key = photo_key(listing_id, index)
        url, fields, expires_at = presigned_upload(
            settings.uploads_bucket,
            key,
            photo.content_type.value,
            settings.max_photo_bytes,
            settings.upload_expires_seconds,
            settings.uploads_endpoint_url,
        )
        uploads.append(
            PhotoUploadForm(
                index=index,
                key=key,
                url=url,
                fields=fields,
                content_type=photo.content_type,
                max_bytes=settings.max_photo_bytes,
                expires_at=expires_at,
            )
        )
    logger.info("listing created", extra={"expected_photos": record.expected_photos})
    body = CreateListingResponse(
        listing_id=listing_id,
        status=record.status,
        expected_photos=record.expected_photos,
        uploads=uploads,
    )
    return Response(
        status_code=HTTPStatus.CREATED,
        content_type="application/json",
        body=body,
    )


@app.get("/listings/<listing_id>", responses=_RESPONSES_WITH_ERRORS)
def get_listing(listing_id: str) -> ListingView:
    """The listing's status and, once READY, its draft fields with confidence and tier."""
    bind_listing(listing_id)
    record = seller_listings(get_api_settings().listings_table).get_owned(listing_id, _owner())
    if record is None:
        raise ListingNotFound(listing_id)
    return listing_view(record)


@app.put("/listings/<listing_id>", responses=_RESPONSES_WITH_ERRORS)
def confirm_listing(listing_id: str, request: ConfirmListingRequest) -> ListingView:
    """Save the seller's reviewed fields and mark the listing CONFIRMED (re-saving is allowed)."""
    bind_listing(listing_id)
    owner = _owner()
    listings = seller_listings(get_api_settings().listings_table)
    record = listings.get_owned(listing_id, owner)
    if record is None:
        raise ListingNotFound(listing_id)
    if record.status not in SAVABLE:
        raise ListingNotReady(listing_id, record.status.value)

    _check_seller_values(record, request.fields)
    fields = {name: field.model_dump(mode="json") for name, field in record.fields.items()}
    for name, value in request.fields.items():
        fields[name]["value"] = value

    confirmed = listings.confirm(listing_id, owner, fields, request.fields)
    if confirmed is None:
        current = listings.get_owned(listing_id, owner)
        if current is None:
            raise ListingNotFound(listing_id)
        raise ListingNotReady(listing_id, current.status.value)
    logger.info("listing confirmed", extra={"edited_fields": len(_edited(confirmed))})
    return listing_view(confirmed)


@app.get("/openapi.json", include_in_schema=False)
def openapi_json() -> dict[str, Any]:
    return openapi_document()


def openapi_document() -> dict[str, Any]:
    schema = app.get_openapi_schema(
        title=API_TITLE,
        version=API_VERSION,
        description="Create a listing from photos, read the pre-filled draft, save it.",
        security_schemes={
            "cognito": APIKey.model_validate(
                {
                    "name": "Authorization",
                    "in": APIKeyIn.header,
                    "description": "A Cognito user pool ID token; the owner is its `sub`.",
                }
            )
        },
        security=[{"cognito": []}],
    )
    return dict(schema.model_dump(mode="json", by_alias=True, exclude_none=True))


def _kinds(product_type: ProductType | None) -> dict[str, FieldKind]:
    return {spec.name: spec.kind for spec in fields_for(product_type or ProductType.GENERIC)}


def _matches(kind: FieldKind, value: Any) -> bool:
    if value is None:
        return True
    if kind is FieldKind.NUMBER:
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind is FieldKind.BOOLEAN:
        return isinstance(value, bool)
    if kind is FieldKind.ENUM_LIST:
        return isinstance(value, list) and all(isinstance(item, str) for item in value)
    if kind is FieldKind.DIMENSIONS:
        return isinstance(value, dict) and all(
            isinstance(value.get(side), int | float) and not isinstance(value.get(side), bool)
            for side in ("length", "width", "height")
        )
    return isinstance(value, str)


_EXPECTED = {
    FieldKind.NUMBER: "a JSON number",
    FieldKind.BOOLEAN: "true or false",
    FieldKind.ENUM_LIST: "an array of strings",
    FieldKind.DIMENSIONS: "an object {length, width, height} of numbers",
}


def _check_seller_values(record: ListingRecord, values: dict[str, Any]) -> None:
    unknown = sorted(set(values) - set(record.fields))
    if unknown:
        raise UnknownFields(unknown, sorted(record.fields))
    kinds = _kinds(record.product_type)
    for name, value in values.items():
        kind = kinds.get(name, FieldKind.TEXT)
        if not _matches(kind, value):
            raise FieldTypeMismatch(name, _EXPECTED.get(kind, "a string"))


def _model_values(record: ListingRecord) -> dict[str, Any]:
    """The model's first draft, kept beside the seller's values when the listing was confirmed."""
    extra = record.model_extra or {}
    originals = extra.get("model_fields") or {}
    return {name: (field or {}).get("value") for name, field in originals.items()}


def _edited(record: ListingRecord) -> set[str]:
    originals = _model_values(record)
    return {
        name
        for name, field in record.fields.items()
        if name in originals and originals[name] != field.value
    }


def _field_view(field: ValidatedField, kind: FieldKind, edited: bool) -> FieldView:
    return FieldView(
        value=field.value,
        confidence=field.confidence,
        tier=str(field.tier),
        suggestion=field.suggestion,
        kind=kind.value,
        edited=edited,
    )


def listing_view(record: ListingRecord) -> ListingView:
    kinds, edited = _kinds(record.product_type), _edited(record)
    extra = record.model_extra or {}
    return ListingView(
        listing_id=record.listing_id,
        status=record.status,
        expected_photos=record.expected_photos,
        photos_received=len(record.photos),
        product_type=record.product_type,
        product_type_confidence=record.product_type_confidence,
        fields={
            name: _field_view(field, kinds.get(name, FieldKind.TEXT), name in edited)
            for name, field in record.fields.items()
        },
        maker_id=record.maker_id,
        tag_ids=record.tag_ids,
        shipping=record.shipping,
        model=record.model,
        provider=record.provider,
        tokens_in=record.tokens_in,
        tokens_out=record.tokens_out,
        cost_usd=record.cost_usd,
        error=record.error,
        error_reason=record.error_reason,
        created_at=record.created_at,
        updated_at=record.updated_at,
        confirmed_at=extra.get("confirmed_at"),
    )
