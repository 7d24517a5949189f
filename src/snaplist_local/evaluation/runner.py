"""Listings through the embedded stack, one photo set at a time, with what each one cost.

For each listing this keeps the stored record, the values the validator withheld (read from
the execution's output, since the record never stores them), the wall-clock time from upload
to READY, each state's time from the execution history, the state transitions, and the AWS API
calls the pipeline made (the driver's own polling is not counted).
"""

import json
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from unittest import mock

from botocore.client import BaseClient

from snaplist_local.model_provider import LocalProvider
from snaplist_local.stack import EmbeddedStack
from snaplist_local.stack.listing import Photo, submit_listing

Progress = Callable[[str], None]
POLL_SECONDS = 0.02

_driver = threading.local()


class ApiCallCounter:
    """Counts (service, operation) of every AWS call made while installed, except the driver's."""

    def __init__(self) -> None:
        self.calls: Counter[tuple[str, str]] = Counter()
        self._lock = threading.Lock()

    @contextmanager
    def installed(self) -> Iterator["ApiCallCounter"]:
        original = BaseClient._make_api_call  # type: ignore[attr-defined]
        counter = self

        def counting(client: BaseClient, operation: str, params: Any) -> Any:
            if not getattr(_driver, "active", False):
                service = client.meta.service_model.service_name
                with counter._lock:
                    counter.calls[(service, operation)] += 1
            return original(client, operation, params)

        with mock.patch.object(BaseClient, "_make_api_call", counting):
            yield self

    def take(self) -> Counter[tuple[str, str]]:
        with self._lock:
            taken, self.calls = self.calls, Counter()
        return taken


@contextmanager
def as_driver() -> Iterator[None]:
    """Calls made inside are the measuring code's own, not the pipeline's."""
    _driver.active = True
    try:
        yield
    finally:
        _driver.active = False


@dataclass
class ListingRun:
    photos: list[str]
    record: dict[str, Any]
    withheld: dict[str, Any]
    wall_ms: float
    states_ms: dict[str, float]
    transitions: int
    calls: Counter[tuple[str, str]] = field(default_factory=Counter)

    @property
    def ready(self) -> bool:
        return self.record.get("status") == "READY"

    @property
    def steps_ms(self) -> dict[str, float]:
        """The pipeline's own step timings, then the states it does not time itself."""
        steps = {name: float(ms) for name, ms in (self.record.get("timings_ms") or {}).items()}
        if "StoreDraft" in self.states_ms:
            steps["store_draft"] = self.states_ms["StoreDraft"]
        return steps


class PipelineRunner:
    """An embedded stack for one provider; `run` sends one listing through it."""

    def __init__(self, provider: LocalProvider, timeout_seconds: float = 300.0) -> None:
        self.provider = provider
        self.timeout_seconds = timeout_seconds
        self.counter = ApiCallCounter()
        self._stack: EmbeddedStack | None = None
        self._installed: Any = None

    def __enter__(self) -> "PipelineRunner":
        self._installed = self.counter.installed()
        self._installed.__enter__()
        self._stack = EmbeddedStack(self.provider.stack_options()).start()
        self.counter.take()
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._stack is not None:
            self._stack.stop()
        if self._installed is not None:
            self._installed.__exit__(None, None, None)

    @property
    def stack(self) -> EmbeddedStack:
        if self._stack is None:
            raise RuntimeError("the runner is not started")
        return self._stack

    def run(self, paths: list[Path]) -> ListingRun:
        photos = [Photo(path.name, path.read_bytes()) for path in paths]
        self.counter.take()
        started = time.perf_counter()
        _, watcher = submit_listing(self.stack, photos)
        with as_driver():
            record = watcher.wait(self.timeout_seconds, interval_seconds=POLL_SECONDS)
        wall_ms = (time.perf_counter() - started) * 1000
        self.stack.wait_idle(5.0)
        calls = self.counter.take()

        with as_driver():
            arn = watcher.execution_arn(record)
            output = self._execution_output(arn) if arn else {}
            states_ms, transitions = self._history(arn) if arn else ({}, 0)
        withheld = ((output.get("validate") or {}).get("validated") or {}).get("withheld") or {}
        return ListingRun(
            photos=[path.name for path in paths],
            record=record,
            withheld=dict(withheld),
            wall_ms=wall_ms,
            states_ms=states_ms,
            transitions=transitions,
            calls=calls,
        )

    def _execution_output(self, arn: str) -> dict[str, Any]:
        client = self.stack.client("stepfunctions")
        deadline = time.monotonic() + 5.0
        while time.monotonic() < deadline:
            described = client.describe_execution(executionArn=arn)
            if described.get("status") != "RUNNING":
                return dict(json.loads(described.get("output") or "{}"))
            time.sleep(POLL_SECONDS)
        return {}

    def _history(self, arn: str) -> tuple[dict[str, float], int]:
        """Milliseconds per state (entered to exited) and the number of states entered."""
        client = self.stack.client("stepfunctions")
        events = client.get_execution_history(executionArn=arn, maxResults=1000)["events"]
        entered: dict[str, datetime] = {}
        durations: dict[str, float] = {}
        transitions = 0
        for event in events:
            kind = event["type"]
            if kind.endswith("StateEntered"):
                transitions += 1
                entered[event["stateEnteredEventDetails"]["name"]] = event["timestamp"]
            elif kind.endswith("StateExited"):
                name = event["stateExitedEventDetails"]["name"]
                if name in entered:
                    delta = event["timestamp"] - entered[name]
                    durations[name] = delta.total_seconds() * 1000
        return durations, transitions
