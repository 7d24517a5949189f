"""State machine step: write the validated draft onto the listing and mark it READY."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from snaplist.pipeline.models import StoreDraftInput
from snaplist.pipeline.observability import logger, metrics, tracer
from snaplist.pipeline.steps import store_draft


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    result = store_draft(StoreDraftInput.model_validate(event))
    return result.model_dump(mode="json")
