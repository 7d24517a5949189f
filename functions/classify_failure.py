"""SQS: classify invocations whose retries are spent; mark their listings FAILED."""

from typing import Any

from aws_lambda_powertools.utilities.parser.models import SqsModel
from aws_lambda_powertools.utilities.typing import LambdaContext

from snaplist.pipeline.observability import logger, metrics, tracer
from snaplist.pipeline.steps import record_classify_failures


@logger.inject_lambda_context(clear_state=True)
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return record_classify_failures(SqsModel.model_validate(event))
