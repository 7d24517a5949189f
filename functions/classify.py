"""S3 ObjectCreated under uploads/: classify the photo, start the pipeline when all are in."""

from typing import Any

from aws_lambda_powertools.utilities.parser.models import S3Model
from aws_lambda_powertools.utilities.typing import LambdaContext

from snaplist.pipeline.observability import logger, metrics, tracer
from snaplist.pipeline.steps import classify_uploads


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics(capture_cold_start_metric=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    result = classify_uploads(S3Model.model_validate(event))
    return result.model_dump(mode="json")
