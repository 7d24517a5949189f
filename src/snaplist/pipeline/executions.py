"""The listing state machine: starting exactly one execution per listing.

The execution name is a pure function of the listing id, so a second start for the same listing
(duplicate S3 record, classify retried after a crash) is refused by Step Functions itself with
ExecutionAlreadyExists, which means: already started.
"""

import hashlib
import json
import re
from functools import cache
from typing import Any

import boto3
from botocore.exceptions import ClientError
from pydantic import BaseModel

_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")
_MAX_NAME = 80


# Limitation: the name is fixed per listing, so a listing whose execution failed cannot be run
# again under the same id (Step Functions keeps names for 90 days); reprocess with a new id.
def execution_name(listing_id: str) -> str:
    """`listing-{id}`, made safe and kept within 80 characters without losing uniqueness."""
    safe = _UNSAFE.sub("-", listing_id).strip("-")
    name = f"listing-{safe}"
    if safe == listing_id and len(name) <= _MAX_NAME:
        return name
    # Two ids that clean up to the same text still get different names.
    digest = hashlib.sha256(listing_id.encode("utf-8")).hexdigest()[:16]
    return f"{name[: _MAX_NAME - len(digest) - 1]}-{digest}"


class StartResult(BaseModel):
    execution_name: str
    started: bool


class StateMachineStarter:
    def __init__(self, state_machine_arn: str, client: Any = None) -> None:
        self.state_machine_arn = state_machine_arn
        self._client = client or boto3.client("stepfunctions")

    def start(self, listing_id: str, execution_input: dict[str, Any]) -> StartResult:
        name = execution_name(listing_id)
        try:
            self._client.start_execution(
                stateMachineArn=self.state_machine_arn,
                name=name,
                input=json.dumps(execution_input, sort_keys=True),
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "ExecutionAlreadyExists":
                return StartResult(execution_name=name, started=False)
            raise
        return StartResult(execution_name=name, started=True)


@cache
def state_machine_starter(state_machine_arn: str) -> StateMachineStarter:
    return StateMachineStarter(state_machine_arn)
