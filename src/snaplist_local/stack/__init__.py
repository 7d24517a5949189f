"""An embedded AWS built from template.yaml: moto in-process, real handlers, the real ASL.

    with EmbeddedStack(StackOptions(template_path=...)) as stack:
        stack.client("s3").put_object(...)   # the S3 notification runs classify in-process

See docs/local-stack.md for how the template maps onto the emulator and what is not emulated.
"""

import logging
import os
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3
from moto import mock_aws

from snaplist_local.stack import seam
from snaplist_local.stack.resources import ResourceCreator
from snaplist_local.stack.template import StackContext, TemplateError

__all__ = ["EmbeddedStack", "StackError", "StackOptions", "TemplateError", "repository_root"]

logger = logging.getLogger(__name__)

_FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SECURITY_TOKEN": "testing",
    "AWS_SESSION_TOKEN": "testing",
}


class StackError(Exception):
    """The embedded stack could not be brought up."""


def repository_root() -> Path:
    return Path(__file__).resolve().parents[3]


@dataclass
class StackOptions:
    template_path: Path = field(default_factory=lambda: repository_root() / "template.yaml")
    parameter_overrides: dict[str, str] = field(default_factory=dict)
    # Extra variables for every handler, on top of the template's (provider URL, model, ...).
    environment: dict[str, str] = field(default_factory=dict)
    # Stored as a SecureString under the template's ApiKeyParameterName, read the deployed way.
    api_key: str | None = None
    api_key_parameter: str = "ApiKeyParameterName"
    stack_name: str = "snaplist-local"
    region: str = "us-east-1"
    async_retry_delays_seconds: tuple[float, ...] = (0.2, 0.4)


class EmbeddedStack:
    """The template's resources in moto, with the seam installed, for as long as it is open."""

    def __init__(self, options: StackOptions | None = None) -> None:
        self.options = options or StackOptions()
        self.template = StackContext(
            self.options.template_path,
            self.options.parameter_overrides,
            self.options.stack_name,
            self.options.region,
        )
        self._exit_stack = ExitStack()
        self._saved_environment: dict[str, str | None] = {}
        self.session: boto3.session.Session | None = None
        self.runner: seam.HandlerRunner | None = None
        self.invoker: seam.AsyncInvoker | None = None
        self.created: list[tuple[str, str]] = []
        self.skipped: list[tuple[str, str, str]] = []
        self.environment: dict[str, str] = {}

    def __enter__(self) -> "EmbeddedStack":
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def start(self) -> "EmbeddedStack":
        self._set_environment({**_FAKE_CREDENTIALS, "AWS_DEFAULT_REGION": self.options.region})
        try:
            self._exit_stack.enter_context(
                mock_aws(config={"stepfunctions": {"execute_state_machine": True}})
            )
            self.session = boto3.session.Session(region_name=self.options.region)
            creator = ResourceCreator(self.template, self.session)
            report = creator.create_all()
            self.created, self.skipped = report.created, report.skipped
            self.environment = self._handler_environment(creator.function_specs)
            self._set_environment(self.environment)
            self._store_api_key()
            self.runner = seam.HandlerRunner(creator.function_specs)
            self.invoker = seam.AsyncInvoker(
                self.runner, self._send_to_queue, self.options.async_retry_delays_seconds
            )
            self._exit_stack.callback(self.invoker.shutdown)
            self._exit_stack.enter_context(seam.installed(self.runner, self.invoker))
        except Exception:
            self.stop()
            raise
        logger.info("embedded stack started")
        return self

    def stop(self) -> None:
        self._exit_stack.close()
        for key, value in self._saved_environment.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        self._saved_environment.clear()

    def _set_environment(self, variables: dict[str, str]) -> None:
        for key, value in variables.items():
            self._saved_environment.setdefault(key, os.environ.get(key))
            os.environ[key] = value

    def _handler_environment(self, specs: dict[str, seam.FunctionSpec]) -> dict[str, str]:
        """One process, one environment: the union of every function's variables.

        # Limitation: handlers share os.environ because they run in one process. The template's
        # functions set no variable to two different values; if one ever did, the first function's
        # value would win, so that case is refused here instead of guessed.
        """
        merged: dict[str, str] = {
            "AWS_REGION": self.options.region,
            "POWERTOOLS_TRACE_DISABLED": "true",
        }
        owners: dict[str, str] = {}
        for spec in specs.values():
            for key, value in spec.environment.items():
                if key in owners and merged[key] != value:
                    raise StackError(
                        f"{key} differs between {owners[key]} and {spec.logical_id}; "
                        "in-process handlers share one environment"
                    )
                owners.setdefault(key, spec.logical_id)
                merged[key] = value
        merged.update(self.options.environment)
        return merged

    def _store_api_key(self) -> None:
        if not self.options.api_key:
            return
        name = str(self.template.parameters.get(self.options.api_key_parameter) or "")
        if not name:
            raise StackError(f"an API key was given but {self.options.api_key_parameter} is empty")
        self.client("ssm").put_parameter(
            Name=name, Value=self.options.api_key, Type="SecureString", Overwrite=True
        )

    def _send_to_queue(self, queue_url: str, body: str) -> None:
        self.client("sqs").send_message(QueueUrl=queue_url, MessageBody=body)

    def client(self, service: str) -> Any:
        if self.session is None:
            raise StackError("the stack is not started")
        return self.session.client(service)  # type: ignore[call-overload]

    def physical_id(self, logical_id: str) -> str:
        return self.template.identities[logical_id].ref

    def attribute(self, logical_id: str, name: str) -> str:
        return self.template.get_att(logical_id, name)

    def invocations(self, logical_id: str) -> int:
        if self.runner is None:
            return 0
        return self.runner.invocations.get(self.physical_id(logical_id), 0)

    def peak_running(self, logical_id: str) -> int:
        """The most invocations of this function that ran at the same time."""
        if self.runner is None:
            return 0
        return self.runner.peak_running.get(self.physical_id(logical_id), 0)

    def wait_idle(self, timeout_seconds: float = 30.0) -> bool:
        """Wait until no asynchronous (S3-triggered) invocation is queued or running."""
        return self.invoker.wait_idle(timeout_seconds) if self.invoker else True
