"""State machine Catch target: mark the listing FAILED with the error name and a reason."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from snaplist.pipeline.models import FailureInput
from snaplist.pipeline.observability import logger, metrics, tracer
from snaplist.pipeline.steps import record_failure


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    result = record_failure(FailureInput.model_validate(event))
    return result.model_dump(mode="json")
