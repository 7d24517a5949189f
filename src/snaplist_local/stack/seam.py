"""The one place where the embedded AWS is patched: Lambda runs the real handler in-process.

moto's Lambda backend wants Docker to run code. Both callers that matter go through it: the Step
Functions engine (a synchronous `Invoke`) and S3 bucket notifications (asynchronous in AWS). This
module swaps the Docker call for an in-process call of the template's `CodeUri` + `Handler`, and
turns S3 notifications into queued asynchronous invocations with Lambda's retry and on-failure
destination behaviour.
"""

import copy
import functools
import importlib
import json
import logging
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from unittest import mock
from urllib.parse import quote_plus, unquote_plus, urlsplit

from botocore import handlers as botocore_handlers
from moto.awslambda.models import LambdaFunction
from moto.core.models import botocore_stubber
from moto.dynamodb.responses import DynamoHandler
from moto.s3 import notifications as s3_notifications

logger = logging.getLogger(__name__)

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}

# DynamoDB applies each request to an item atomically; moto edits the stored item in place with
# no lock, so a reader polling during an UpdateItem could see half of it (status READY, fields
# not yet written). Handling one DynamoDB request at a time, response included, restores that.
_dynamodb_requests = threading.RLock()


class RealAwsRefused(Exception):
    """A call that would have left this machine for AWS; local snaplist never makes one."""


def refuse_real_aws(request: Any, **kwargs: Any) -> None:
    """botocore `before-send`: while moto is on it answers; otherwise only loopback is allowed.

    A handler thread still running after its stack stopped (a timed-out run, Ctrl-C) would
    otherwise send its request to the real endpoint.
    """
    host = urlsplit(request.url).hostname or ""
    if not botocore_stubber.enabled and host not in LOOPBACK_HOSTS:
        raise RealAwsRefused(f"refused a request to {host}: the embedded stack is not running")


# Every botocore session made from now on carries the check.
if ("before-send", refuse_real_aws) not in botocore_handlers.BUILTIN_HANDLERS:
    botocore_handlers.BUILTIN_HANDLERS.append(("before-send", refuse_real_aws))


@dataclass(frozen=True)
class FunctionSpec:
    """Everything the seam needs to run one template function."""

    logical_id: str
    function_name: str
    function_arn: str
    code_dir: Path
    handler: str
    timeout_seconds: int
    memory_mb: int
    environment: dict[str, str] = field(default_factory=dict)
    reserved_concurrency: int | None = None
    maximum_retry_attempts: int = 2
    on_failure_queue_url: str | None = None


@dataclass
class LambdaContext:
    """The attributes of the Lambda context object that handlers and Powertools read."""

    function_name: str
    invoked_function_arn: str
    memory_limit_in_mb: int
    timeout_seconds: int
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    function_version: str = "$LATEST"
    started: float = field(default_factory=time.monotonic)

    @property
    def log_group_name(self) -> str:
        return f"/aws/lambda/{self.function_name}"

    @property
    def log_stream_name(self) -> str:
        return f"local/[$LATEST]{self.aws_request_id}"

    def get_remaining_time_in_millis(self) -> int:
        elapsed = time.monotonic() - self.started
        return max(0, int((self.timeout_seconds - elapsed) * 1000))


@dataclass(frozen=True)
class InvocationResult:
    payload: str
    errored: bool


def aws_style_key(moto_encoded_key: str) -> str:
    """Encode an object key the way S3 event notifications from AWS do.

    # Limitation: moto encodes keys with `quote_plus`, which also turns `/` into `%2F`; AWS keeps
    # `/` and encodes the rest form-style (space -> `+`, `+` -> `%2B`, UTF-8 bytes as `%XX`).
    # We decode moto's key and re-encode it keeping `/`; other subtle differences in which
    # punctuation AWS leaves unescaped are not emulated.
    """
    return quote_plus(unquote_plus(moto_encoded_key), safe="/")


def _error_payload(error: BaseException, request_id: str) -> str:
    trace = traceback.format_exception(type(error), error, error.__traceback__)
    return json.dumps(
        {
            "errorType": type(error).__name__,
            "errorMessage": str(error),
            "requestId": request_id,
            "stackTrace": [line.rstrip() for line in trace[-6:]],
        }
    )


class HandlerRunner:
    """Runs a template function's handler in this process, as Lambda would run it."""

    def __init__(self, specs: dict[str, FunctionSpec]) -> None:
        self.specs = specs
        self._imported: dict[str, Callable[[Any, Any], Any]] = {}
        self._import_lock = threading.Lock()
        self._slots = {
            name: threading.BoundedSemaphore(spec.reserved_concurrency)
            for name, spec in specs.items()
            if spec.reserved_concurrency
        }
        self.invocations: dict[str, int] = dict.fromkeys(specs, 0)
        # How many invocations of each function ran at the same time, now and at most.
        self.running: dict[str, int] = dict.fromkeys(specs, 0)
        self.peak_running: dict[str, int] = dict.fromkeys(specs, 0)
        self._count_lock = threading.Lock()

    def _handler(self, spec: FunctionSpec) -> Callable[[Any, Any], Any]:
        with self._import_lock:
            if spec.function_name not in self._imported:
                module_name, _, attribute = spec.handler.rpartition(".")
                code_dir = str(spec.code_dir)
                if code_dir not in sys.path:
                    sys.path.insert(0, code_dir)
                module = importlib.import_module(module_name)
                self._imported[spec.function_name] = getattr(module, attribute)
            return self._imported[spec.function_name]

    def invoke(self, function_name: str, event: Any) -> InvocationResult:
        spec = self.specs.get(function_name)
        if spec is None:
            error = LookupError(f"{function_name} is not a function of the template")
            return InvocationResult(_error_payload(error, "none"), True)
        with self._count_lock:
            self.invocations[function_name] += 1

        # Limitation: AWS throttles synchronous invokes above the reserved concurrency with
        # TooManyRequestsException; here they wait for a free slot instead.
        slot = self._slots.get(function_name)
        if slot is None:
            return self._counted(spec, event)
        with slot:
            return self._counted(spec, event)

    def _counted(self, spec: FunctionSpec, event: Any) -> InvocationResult:
        name = spec.function_name
        with self._count_lock:
            self.running[name] += 1
            self.peak_running[name] = max(self.peak_running[name], self.running[name])
        try:
            return self._run(spec, event)
        finally:
            with self._count_lock:
                self.running[name] -= 1

    def _run(self, spec: FunctionSpec, event: Any) -> InvocationResult:
        context = LambdaContext(
            spec.function_name, spec.function_arn, spec.memory_mb, spec.timeout_seconds
        )
        outcome: dict[str, InvocationResult] = {}

        def call() -> None:
            try:
                result = self._handler(spec)(event, context)
            except Exception as error:
                outcome["result"] = InvocationResult(
                    _error_payload(error, context.aws_request_id), True
                )
                return
            try:
                outcome["result"] = InvocationResult(json.dumps(result), False)
            except (TypeError, ValueError) as error:
                outcome["result"] = _marshal_error(error, context.aws_request_id)

        # Limitation: a handler that outlives its Timeout is reported as Sandbox.Timedout, as
        # in AWS, but its thread cannot be killed and keeps running in the background.
        worker = threading.Thread(target=call, name=f"lambda-{spec.function_name}", daemon=True)
        worker.start()
        worker.join(spec.timeout_seconds)
        if worker.is_alive():
            message = f"Task timed out after {spec.timeout_seconds:.2f} seconds"
            payload = json.dumps(
                {
                    "errorType": "Sandbox.Timedout",
                    "errorMessage": message,
                    "requestId": context.aws_request_id,
                }
            )
            return InvocationResult(payload, True)
        return outcome["result"]


def _marshal_error(error: Exception, request_id: str) -> InvocationResult:
    payload = {
        "errorType": "Runtime.MarshalError",
        "errorMessage": f"Unable to marshal response: {error}",
        "requestId": request_id,
    }
    return InvocationResult(json.dumps(payload), True)


class AsyncInvoker:
    """Lambda's asynchronous invocation: a queue, retries, then the on-failure destination."""

    def __init__(
        self,
        runner: HandlerRunner,
        send_to_queue: Callable[[str, str], None],
        retry_delays_seconds: tuple[float, ...] = (0.2, 0.4),
    ) -> None:
        self.runner = runner
        self.send_to_queue = send_to_queue
        self.retry_delays_seconds = retry_delays_seconds
        self._pool = ThreadPoolExecutor(max_workers=32, thread_name_prefix="lambda-async")
        self._pending: set[Future[None]] = set()
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self.failures: list[dict[str, Any]] = []
        # Every event accepted for asynchronous delivery, in order, for inspection and redelivery.
        self.delivered: list[tuple[str, Any]] = []

    def submit(self, function_name: str, event: Any) -> None:
        with self._lock:
            self.delivered.append((function_name, copy.deepcopy(event)))
        future = self._pool.submit(self._deliver, function_name, event)
        with self._lock:
            self._pending.add(future)
        future.add_done_callback(self._forget)

    def _forget(self, future: "Future[None]") -> None:
        with self._lock:
            self._pending.discard(future)
        error = None if future.cancelled() else future.exception()
        if error is not None and not self._stopped.is_set():
            logger.error("async delivery failed", exc_info=error)

    def _deliver(self, function_name: str, event: Any) -> None:
        spec = self.runner.specs.get(function_name)
        attempts = 1 + (spec.maximum_retry_attempts if spec else 0)
        result = InvocationResult("{}", True)
        for attempt in range(attempts):
            # Limitation: AWS waits about 1 and then 2 minutes between async retries; locally
            # the waits are retry_delays_seconds so a failing upload settles in well under a second.
            if attempt:
                delays = self.retry_delays_seconds or (0.0,)
                time.sleep(delays[min(attempt - 1, len(delays) - 1)])
            if self._stopped.is_set():
                logger.info("async delivery dropped: the stack stopped")
                return
            result = self.runner.invoke(function_name, event)
            if not result.errored:
                return
        if self._stopped.is_set():
            return
        record = _destination_record(spec, function_name, event, result, attempts)
        self.failures.append(record)
        if spec and spec.on_failure_queue_url:
            self.send_to_queue(spec.on_failure_queue_url, json.dumps(record))

    def wait_idle(self, timeout_seconds: float) -> bool:
        deadline = time.monotonic() + timeout_seconds
        while time.monotonic() < deadline:
            with self._lock:
                if not self._pending:
                    return True
            time.sleep(0.02)
        return False

    def shutdown(self) -> None:
        self._stopped.set()
        self._pool.shutdown(wait=False, cancel_futures=True)


def _destination_record(
    spec: FunctionSpec | None,
    function_name: str,
    event: Any,
    result: InvocationResult,
    attempts: int,
) -> dict[str, Any]:
    """The message Lambda sends to an on-failure destination once retries are spent."""
    try:
        response_payload = json.loads(result.payload)
    except json.JSONDecodeError:
        response_payload = result.payload
    return {
        "version": "1.0",
        "timestamp": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "requestContext": {
            "requestId": str(uuid.uuid4()),
            "functionArn": f"{spec.function_arn if spec else function_name}:$LATEST",
            "condition": "RetriesExhausted",
            "approximateInvokeCount": attempts,
        },
        "requestPayload": event,
        "responseContext": {
            "statusCode": 200,
            "executedVersion": "$LATEST",
            "functionError": "Unhandled",
        },
        "responsePayload": response_payload,
    }


def as_aws_s3_event(event: Any) -> Any:
    """moto's S3 notification, completed to the shape AWS delivers.

    # Limitation: moto leaves out userIdentity, requestParameters, responseElements, the bucket's
    # ownerIdentity and the object's sequencer, which AWS always sends (and parsers require);
    # they are filled with local placeholder values, not real principals or request ids.
    """
    for record in event.get("Records", []):
        record.setdefault("userIdentity", {"principalId": "AWS:LOCAL"})
        record.setdefault("requestParameters", {"sourceIPAddress": "127.0.0.1"})
        record.setdefault(
            "responseElements",
            {"x-amz-request-id": uuid.uuid4().hex[:16].upper(), "x-amz-id-2": uuid.uuid4().hex},
        )
        s3 = record.setdefault("s3", {})
        s3.setdefault("bucket", {}).setdefault("ownerIdentity", {"principalId": "LOCAL"})
        s3_object = s3.setdefault("object", {})
        s3_object.setdefault("sequencer", f"{time.time_ns():016X}")
        if "key" in s3_object:
            s3_object["key"] = aws_style_key(s3_object["key"])
    return event


@contextmanager
def installed(runner: HandlerRunner, invoker: AsyncInvoker) -> Iterator[None]:
    """Patch moto so its Lambda backend and its S3 notifications run through `runner`."""

    def invoke_in_process(function: LambdaFunction, event: Any = None) -> tuple[str, bool, str]:
        if isinstance(event, str):
            event = json.loads(event or "{}")
        result = runner.invoke(function.function_name, event if event is not None else {})
        return result.payload, result.errored, ""

    original_invoke = LambdaFunction.invoke

    def invoke_honouring_event_type(
        function: LambdaFunction, body: str, request_headers: Any, response_headers: Any
    ) -> str | bytes:
        # moto runs `InvocationType=Event` synchronously; Lambda queues it and retries it.
        if request_headers.get("x-amz-invocation-type") == "Event":
            invoker.submit(function.function_name, json.loads(body or "{}"))
            return b""
        return original_invoke(function, body, request_headers, response_headers)

    def notify_asynchronously(
        account_id: str, event_body: Any, fn_arn: str, region_name: str
    ) -> None:
        function_name = fn_arn.split(":function:")[-1].split(":")[0]
        invoker.submit(function_name, as_aws_s3_event(event_body))

    with ExitStack() as patches:
        patches.enter_context(
            mock.patch.object(LambdaFunction, "_invoke_lambda", invoke_in_process)
        )
        patches.enter_context(
            mock.patch.object(LambdaFunction, "invoke", invoke_honouring_event_type)
        )
        patches.enter_context(
            mock.patch.object(s3_notifications, "_invoke_awslambda", notify_asynchronously)
        )
        patches.enter_context(
            mock.patch.object(DynamoHandler, "call_action", _serialised(DynamoHandler.call_action))
        )
        yield


def _serialised(operation: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(operation)
    def call(*args: Any, **kwargs: Any) -> Any:
        with _dynamodb_requests:
            return operation(*args, **kwargs)

    return call
