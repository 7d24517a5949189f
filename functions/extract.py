"""State machine step: read the listing's photos and extract its fields with the model."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from snaplist.pipeline.models import ExecutionInput
from snaplist.pipeline.observability import logger, metrics, tracer
from snaplist.pipeline.steps import extract_listing


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    result = extract_listing(ExecutionInput.model_validate(event))
    return result.model_dump(mode="json")
