"""The logic of each function: one public function per handler in functions/.

Classify records each photo once and starts the state machine once all expected photos are in.
Extract, Validate and StoreDraft are the state machine's steps; RecordFailure is its Catch
target; record_classify_failures consumes classify's on-failure destination queue.
"""

import json
import time
from typing import Any

from aws_lambda_powertools.metrics import single_metric
from aws_lambda_powertools.utilities.parser.models import S3Model, S3RecordModel, SqsModel

from snaplist.domain.errors import (
    ConfigurationError,
    ModelOutputInvalid,
    ModelOutputTruncated,
    ModelRefused,
    ProviderClientError,
    UnsupportedImage,
)
from snaplist.domain.models import Classification
from snaplist.domain.service import combine_classifications
from snaplist.pipeline import services
from snaplist.pipeline.executions import execution_name, state_machine_starter
from snaplist.pipeline.listings import listings_table
from snaplist.pipeline.models import (
    ClassifyFailureRecord,
    ClassifyOutcome,
    ClassifyResult,
    ExecutionInput,
    ExtractResult,
    FailureInput,
    FailureResult,
    ListingDraft,
    ListingRecord,
    ListingStatus,
    PhotoClassification,
    PhotoUpload,
    StoreDraftInput,
    StoreDraftResult,
    ValidateInput,
    ValidateResult,
)
from snaplist.pipeline.observability import MetricUnit, bind_listing, logger, metrics, tracer
from snaplist.pipeline.settings import get_settings
from snaplist.pipeline.uploads import (
    InvalidUploadKey,
    decode_event_key,
    listing_id_from_key,
    uploads_bucket,
)

# Errors that no retry can fix: classify records them at once instead of retrying.
PERMANENT_ERRORS: tuple[type[Exception], ...] = (
    UnsupportedImage,
    ProviderClientError,
    ModelOutputInvalid,
    ModelOutputTruncated,
    ModelRefused,
    ConfigurationError,
)

# The one place where an error name becomes words a seller can read.
FAILURE_SUMMARIES = {
    "UnsupportedImage": "a photo could not be read as an image",
    "ProviderTransientError": "the model provider stayed unavailable after retries",
    "ProviderClientError": "the model provider rejected the request",
    "ModelOutputInvalid": "the model's answer was not valid listing data",
    "ModelOutputTruncated": "the model's answer was cut off",
    "ModelRefused": "the model declined to describe the photos",
    "ConfigurationError": "the pipeline is misconfigured",
    "States.Timeout": "a step took too long",
}
MAX_REASON_CHARS = 500
MODEL_OUTPUT_ATTEMPTS = 2


def _elapsed_ms(started: float) -> int:
    return int((time.perf_counter() - started) * 1000)


def _count_failure(error_name: str) -> None:
    with single_metric(
        name="ListingFailures", unit=MetricUnit.Count, value=1, namespace=metrics.namespace
    ) as metric:
        metric.add_dimension(name="error", value=error_name)


def failure_reason(error_name: str, message: str) -> str:
    summary = FAILURE_SUMMARIES.get(error_name, "processing failed")
    detail = " ".join(message.split())
    text = f"{summary}: {detail}" if detail else summary
    return text[:MAX_REASON_CHARS]


# ---- classify -------------------------------------------------------------------------------


def photo_upload(record: S3RecordModel) -> PhotoUpload:
    s3_object = record.s3.object
    if s3_object is None:
        raise InvalidUploadKey("")
    key = decode_event_key(s3_object.key)
    return PhotoUpload(
        bucket=record.s3.bucket.name,
        key=key,
        listing_id=listing_id_from_key(key),
        size_bytes=int(s3_object.size or 0),
    )


def classify_uploads(event: S3Model) -> ClassifyResult:
    outcomes = []
    for record in event.Records:
        try:
            upload = photo_upload(record)
        except InvalidUploadKey as error:
            logger.warning("upload ignored, key outside uploads/", key=error.key)
            continue
        outcomes.append(classify_upload(upload))
    return ClassifyResult(photos=outcomes)


@tracer.capture_method
def classify_upload(upload: PhotoUpload) -> ClassifyOutcome:
    settings = get_settings()
    listings = listings_table(settings.listings_table)
    bind_listing(upload.listing_id)

    listing = listings.open_for_uploads(upload.listing_id)
    if upload.key in listing.photos:
        logger.info("duplicate photo record ignored", key=upload.key)
        started = _start_if_complete(listing, upload.bucket)
        return _outcome(upload, "duplicate", started)
    if not _takes_photos(listing):
        logger.info("photo ignored, listing not awaiting uploads", status=listing.status)
        return _outcome(upload, "ignored")

    try:
        classification = _classify_photo(upload)
    except PERMANENT_ERRORS as error:
        return _record_classify_error(upload, error)

    recorded = listings.record_photo(upload.listing_id, upload.key, classification)
    if recorded is None:
        logger.info("photo already recorded by a concurrent delivery", key=upload.key)
        return _outcome(upload, "duplicate")
    logger.info(
        "photo classified",
        key=upload.key,
        product_type=classification.product_type,
        confidence=classification.confidence,
        photos_classified=len(recorded.photos),
        photos_expected=recorded.expected_photos,
    )
    return _outcome(upload, "classified", _start_if_complete(recorded, upload.bucket))


def _takes_photos(listing: ListingRecord) -> bool:
    if listing.status == ListingStatus.AWAITING_UPLOADS:
        return True
    return listing.status == ListingStatus.FAILED and listing.redrivable


def _classify_photo(upload: PhotoUpload) -> PhotoClassification:
    settings = get_settings()
    photo = uploads_bucket(upload.bucket).read_photo(upload.key)
    started = time.perf_counter()

    service = services.vision_service(settings)
    for attempt in range(1, MODEL_OUTPUT_ATTEMPTS + 1):
        try:
            result: Classification = service.classify_product([photo])
            break
        except ModelOutputInvalid:
            if attempt == MODEL_OUTPUT_ATTEMPTS:
                raise
            logger.warning("classification output invalid, asking again", attempt=attempt)

    return PhotoClassification(**dict(result), duration_ms=_elapsed_ms(started))


def _record_classify_error(upload: PhotoUpload, error: Exception) -> ClassifyOutcome:
    error_name = type(error).__name__
    reason = failure_reason(error_name, str(error))
    settings = get_settings()
    listings_table(settings.listings_table).record_failure(upload.listing_id, error_name, reason)
    logger.warning("classification failed", key=upload.key, error=error_name)
    _count_failure(error_name)
    return _outcome(upload, "failed")


def _start_if_complete(listing: ListingRecord, bucket: str) -> str | None:
    """Starts the execution once every expected photo is classified; its name, if started."""
    if not listing.all_photos_classified:
        return None

    settings = get_settings()
    verdict = combine_classifications(
        list(listing.photos.values()), threshold=settings.confidence_threshold
    )
    best = PhotoClassification(**dict(verdict))
    classify_ms = sum(photo.duration_ms for photo in listing.photos.values())
    name = execution_name(listing.listing_id)
    if listing.status != ListingStatus.PROCESSING:
        if not _takes_photos(listing):
            return None
        listings = listings_table(settings.listings_table)
        if not listings.mark_processing(listing.listing_id, name, best, classify_ms):
            return None

    execution = ExecutionInput(
        listing_id=listing.listing_id,
        bucket=bucket,
        photo_keys=sorted(listing.photos),
        product_type=best.product_type,
        product_type_confidence=best.confidence,
        guessed_type=best.guessed_type,
        classify_usage=verdict.usage,
        classify_ms=classify_ms,
    )
    starter = state_machine_starter(settings.state_machine_arn)
    result = starter.start(listing.listing_id, execution.model_dump(mode="json"))
    if not result.started:
        logger.info("execution already started", execution_name=result.execution_name)
        return None

    logger.info(
        "listing classified, execution started",
        execution_name=result.execution_name,
        product_type=best.product_type,
        confidence=best.confidence,
    )
    metrics.add_metric(name="ListingsClassified", unit=MetricUnit.Count, value=1)
    return result.execution_name


def _outcome(upload: PhotoUpload, outcome: str, started: str | None = None) -> ClassifyOutcome:
    return ClassifyOutcome(
        listing_id=upload.listing_id, key=upload.key, outcome=outcome, started_execution=started
    )


# ---- state machine steps --------------------------------------------------------------------


@tracer.capture_method
def extract_listing(execution: ExecutionInput) -> ExtractResult:
    settings = get_settings()
    bind_listing(execution.listing_id)
    photos = uploads_bucket(execution.bucket).read_photos(execution.photo_keys)
    started = time.perf_counter()

    service = services.vision_service(settings)
    extraction = service.extract_product_data(execution.product_type, photos)

    logger.info(
        "fields extracted",
        product_type=execution.product_type,
        fields=len(extraction.fields),
        input_tokens=extraction.usage.input_tokens,
        output_tokens=extraction.usage.output_tokens,
        cost_usd=extraction.usage.cost_usd,
    )
    return ExtractResult(
        extraction=extraction,
        provider=services.provider_settings().name,
        duration_ms=_elapsed_ms(started),
    )


@tracer.capture_method
def validate_listing(request: ValidateInput) -> ValidateResult:
    settings = get_settings()
    bind_listing(request.listing_id)
    started = time.perf_counter()

    validated = services.listing_validator(settings).validate(request.extraction)

    logger.info(
        "fields validated",
        maker_id=validated.maker_id,
        tags=len(validated.tag_ids),
        stripped_fields=validated.stripped_fields,
    )
    return ValidateResult(validated=validated, duration_ms=_elapsed_ms(started))


@tracer.capture_method
def store_draft(state: StoreDraftInput) -> StoreDraftResult:
    settings = get_settings()
    bind_listing(state.listing_id)
    validated = state.validate_.validated
    usage = state.classify_usage + state.extract.extraction.usage
    timings = {
        "classify": state.classify_ms,
        "extract": state.extract.duration_ms,
        "validate": state.validate_.duration_ms,
    }

    draft = ListingDraft(
        product_type=state.product_type,
        product_type_confidence=state.product_type_confidence,
        guessed_type=state.guessed_type,
        fields=validated.fields,
        maker_id=validated.maker_id,
        tag_ids=validated.tag_ids,
        shipping=validated.shipping,
        stripped_fields=validated.stripped_fields,
        model=state.extract.extraction.model or validated.model,
        provider=state.extract.provider,
        tokens_in=usage.input_tokens,
        tokens_out=usage.output_tokens,
        cost_usd=usage.cost_usd,
        timings_ms=timings,
    )
    if not listings_table(settings.listings_table).store_draft(state.listing_id, draft):
        logger.warning("draft not stored, listing already confirmed")
        return StoreDraftResult(listing_id=state.listing_id, status=ListingStatus.CONFIRMED)

    logger.info("draft ready", tokens_in=usage.input_tokens, cost_usd=usage.cost_usd)
    metrics.add_metric(name="DraftsReady", unit=MetricUnit.Count, value=1)
    metrics.add_metric(name="TokensIn", unit=MetricUnit.Count, value=usage.input_tokens)
    metrics.add_metric(name="TokensOut", unit=MetricUnit.Count, value=usage.output_tokens)
    metrics.add_metric(name="CostUsd", unit=MetricUnit.NoUnit, value=usage.cost_usd)
    return StoreDraftResult(listing_id=state.listing_id, status=ListingStatus.READY)


def cause_message(cause: str | None) -> str:
    """The errorMessage inside a Lambda error Cause, or the Cause itself for States.* errors."""
    if not cause:
        return ""
    try:
        parsed: Any = json.loads(cause)
    except json.JSONDecodeError:
        return cause
    if isinstance(parsed, dict):
        return str(parsed.get("errorMessage") or parsed.get("message") or cause)
    return cause


@tracer.capture_method
def record_failure(failure: FailureInput) -> FailureResult:
    settings = get_settings()
    bind_listing(failure.listing_id)
    reason = failure_reason(failure.error, cause_message(failure.cause))

    recorded = listings_table(settings.listings_table).record_failure(
        failure.listing_id, failure.error, reason
    )

    logger.warning("listing failed", error=failure.error, recorded=recorded)
    _count_failure(failure.error)
    return FailureResult(
        listing_id=failure.listing_id, error=failure.error, reason=reason, recorded=recorded
    )


# ---- classify's on-failure destination ------------------------------------------------------


# Limitation: the consumer deletes each message once recorded, so a redrive re-sends the S3 event
# (docs/deploy.md) rather than replaying the queue.
def record_classify_failures(event: SqsModel) -> dict[str, list[dict[str, str]]]:
    """Marks each listing of each message FAILED; returns the partial batch failures."""
    failures = []
    for message in event.Records:
        try:
            _record_classify_failure(json.loads(str(message.body)))
        except Exception:
            logger.exception("classify failure not recorded", message_id=message.messageId)
            failures.append({"itemIdentifier": message.messageId})
    return {"batchItemFailures": failures}


def _record_classify_failure(body: dict[str, Any]) -> None:
    settings = get_settings()
    destination = ClassifyFailureRecord.from_message(body)
    response = destination.response_payload or {}
    error_name = str(response.get("errorType") or "ClassifyFailed")
    message = str(response.get("errorMessage") or destination.condition)
    reason = failure_reason(error_name, message)

    for record in S3Model.model_validate(destination.request_payload).Records:
        upload = photo_upload(record)
        bind_listing(upload.listing_id)
        listings_table(settings.listings_table).record_failure(
            upload.listing_id, error_name, reason, redrivable=True
        )
        logger.warning("classify retries spent", key=upload.key, error=error_name)
        _count_failure(error_name)
