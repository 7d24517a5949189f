"""The one Logger, Tracer and Metrics of the pipeline, shared by every handler.

Log messages are fixed lowercase phrases; the listing id is appended as a key on every line of
an invocation (`bind_listing`), figures go in keys, never the image bytes or the API key.
"""

import os

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit

logger = Logger(service="snaplist")
tracer = Tracer(service="snaplist")
# The namespace falls back to the template's value when the module is imported before the
# environment is set (the embedded stack and tests import handlers early).
metrics = Metrics(
    service="snaplist", namespace=os.environ.get("POWERTOOLS_METRICS_NAMESPACE", "Snaplist")
)

__all__ = ["MetricUnit", "bind_listing", "logger", "metrics", "tracer"]


def bind_listing(listing_id: str) -> None:
    """Put the listing id on every following log line and on the trace."""
    logger.append_keys(listing_id=listing_id)
    tracer.put_annotation(key="listing_id", value=listing_id)
