"""The seller's HTTP API (API Gateway REST + one Lambda): routes, models, errors, upload forms."""

from snaplist.pipeline.api.routes import app, listing_view, openapi_document

__all__ = ["app", "listing_view", "openapi_document"]
