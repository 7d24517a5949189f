"""State machine step: check the extraction against the taxonomy and assign tiers."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from snaplist.pipeline.models import ValidateInput
from snaplist.pipeline.observability import logger, metrics, tracer
from snaplist.pipeline.steps import validate_listing


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    result = validate_listing(ValidateInput.model_validate(event))
    return result.model_dump(mode="json")
