"""An all-in cost per listing: AWS list prices (aws_prices.yaml) times measured usage.

Usage per listing comes from a bench run: each function's duration and memory size, the state
transitions, the DynamoDB and S3 requests the pipeline made, the photo bytes kept until the
retention rule deletes them. The model's cost comes from the domain's provider table.
"""

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field

PRICES_FILE = Path(__file__).with_name("aws_prices.yaml")
DAYS_PER_MONTH = 30
BYTES_PER_GB = 1024**3


class LambdaPrices(BaseModel):
    arm64_usd_per_gb_second: float
    usd_per_million_requests: float


class StepFunctionsPrices(BaseModel):
    standard_usd_per_thousand_transitions: float


class DynamoPrices(BaseModel):
    usd_per_million_write_units: float
    usd_per_million_read_units: float


class S3Prices(BaseModel):
    standard_usd_per_thousand_puts: float
    standard_usd_per_thousand_gets: float
    standard_usd_per_gb_month: float


class ApiGatewayPrices(BaseModel):
    http_api_usd_per_million_requests: float


class Assumptions(BaseModel):
    # Limitation: no API is in the measured path, so its requests per listing are assumed.
    api_requests_per_listing: float
    photo_retention_days: float


class AwsPrices(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    as_of: str
    region: str
    lambda_: LambdaPrices = Field(alias="lambda")
    step_functions: StepFunctionsPrices
    dynamodb: DynamoPrices
    s3: S3Prices
    api_gateway: ApiGatewayPrices
    assumptions: Assumptions


def load_prices(path: Path = PRICES_FILE) -> AwsPrices:
    return AwsPrices.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


@dataclass
class ListingUsage:
    """What one listing used, as measured."""

    # (function, memory MB, duration ms) per invocation.
    invocations: list[tuple[str, int, float]] = field(default_factory=list)
    transitions: int = 0
    write_units: float = 0
    read_units: float = 0
    s3_puts: int = 0
    s3_gets: int = 0
    photo_bytes: int = 0


def gb_seconds(memory_mb: int, duration_ms: float) -> float:
    """Lambda bills each invocation's duration rounded up to the millisecond."""
    return memory_mb / 1024 * math.ceil(duration_ms) / 1000


def aws_cost(usage: ListingUsage, prices: AwsPrices) -> dict[str, float]:
    """Dollars per listing, per line item."""
    lam, sfn, ddb, s3 = prices.lambda_, prices.step_functions, prices.dynamodb, prices.s3
    compute = sum(gb_seconds(memory, ms) for _, memory, ms in usage.invocations)
    stored_gb_months = (
        usage.photo_bytes / BYTES_PER_GB * prices.assumptions.photo_retention_days / DAYS_PER_MONTH
    )
    return {
        "lambda_compute": compute * lam.arm64_usd_per_gb_second,
        "lambda_requests": len(usage.invocations) * lam.usd_per_million_requests / 1e6,
        "step_functions": usage.transitions * sfn.standard_usd_per_thousand_transitions / 1e3,
        "dynamodb_writes": usage.write_units * ddb.usd_per_million_write_units / 1e6,
        "dynamodb_reads": usage.read_units * ddb.usd_per_million_read_units / 1e6,
        "s3_puts": usage.s3_puts * s3.standard_usd_per_thousand_puts / 1e3,
        "s3_gets": usage.s3_gets * s3.standard_usd_per_thousand_gets / 1e3,
        "s3_storage": stored_gb_months * s3.standard_usd_per_gb_month,
        "api_gateway": prices.assumptions.api_requests_per_listing
        * prices.api_gateway.http_api_usd_per_million_requests
        / 1e6,
    }


def model_latency_cost(memory_mb: int, calls: int, prices: AwsPrices) -> float:
    """Dollars per listing that each extra second of model latency adds to Lambda compute:
    the function waits for the model while it is billed."""
    return calls * gb_seconds(memory_mb, 1000) * prices.lambda_.arm64_usd_per_gb_second


def monthly(per_listing: float, listings_per_month: int) -> float:
    # Limitation: free tiers and volume discounts are left out, so cost is linear in volume.
    return per_listing * listings_per_month


def summary(costs: dict[str, float]) -> dict[str, Any]:
    return {"items": costs, "total": sum(costs.values())}
