"""`snaplist serve [--port 8080] [--provider NAME]`: the listing form and the API on 127.0.0.1.

The embedded stack is built from template.yaml as for `snaplist run`; the API function answers
/api/... through a loopback stand-in for API Gateway with the development identity
(snaplist_local.serve.identity), and presigned uploads go to /s3/BUCKET, checked like S3.
"""

import argparse
import contextlib
import os
import signal
import sys
import tempfile
import threading
from pathlib import Path
from types import FrameType

from snaplist_local.handler_output import handler_output_to
from snaplist_local.model_provider import ProviderUnavailable, open_provider
from snaplist_local.serve.gateway import STAGE
from snaplist_local.serve.identity import DEV_SUBJECT, DEV_USER_HEADER
from snaplist_local.serve.runtime import WEB_DIR, local_service
from snaplist_local.serve.server import API_PREFIX, LocalServer
from snaplist_local.stack import StackError, TemplateError

EXIT_OK, EXIT_USAGE = 0, 2


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser(
        "serve",
        help="serve the listing form and the API on 127.0.0.1 with the embedded stack",
        description="Start the embedded AWS built from template.yaml and serve web/ and the "
        "API on 127.0.0.1. Requests act as the development user "
        f"{DEV_SUBJECT!r}; send {DEV_USER_HEADER}: NAME to act as another.",
    )
    parser.add_argument("--port", type=int, default=8080, help="port on 127.0.0.1 (0 = any)")
    parser.add_argument("--provider", help="model provider (default: SNAPLIST_PROVIDER, ...)")
    parser.add_argument("--web-dir", type=Path, default=WEB_DIR, help=argparse.SUPPRESS)
    parser.set_defaults(handler=serve)


def _say(message: str) -> None:
    print(f"snaplist: {message}", file=sys.stderr, flush=True)


def serve(args: argparse.Namespace) -> int:
    try:
        # Bound first, so the upload forms the API signs carry the real port (also for 0).
        server = _bind(args.port)
    except UsageError as error:
        print(f"snaplist serve: {error}", file=sys.stderr)
        return EXIT_USAGE

    log_path = Path(tempfile.gettempdir()) / f"snaplist-serve-{os.getpid()}.log"
    stopping = threading.Event()

    def stop(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        with (
            handler_output_to(log_path),
            open_provider(args.provider, progress=_say) as provider,
            local_service(provider.stack_options(), server, args.web_dir),
        ):
            _say(f"provider {provider.name}; handler logs in {log_path}")
            _say(f"serving {server.url}/ (API at {server.url}{API_PREFIX}, stage {STAGE})")
            _say(f"acting as {DEV_SUBJECT!r}; Ctrl-C stops")
            with contextlib.suppress(KeyboardInterrupt):
                stopping.wait()
            _say("stopping")
    except ProviderUnavailable as error:
        server.httpd.server_close()
        print(f"snaplist serve: {error}", file=sys.stderr)
        return EXIT_USAGE
    except (TemplateError, StackError) as error:
        server.httpd.server_close()
        print(f"snaplist serve: the local stack could not start: {error}", file=sys.stderr)
        return EXIT_USAGE
    finally:
        signal.signal(signal.SIGTERM, previous)
    return EXIT_OK


class UsageError(Exception):
    """A mistake in the command line: one line, exit code 2."""


def _bind(port: int) -> LocalServer:
    try:
        return LocalServer(port)
    except OSError as error:
        raise UsageError(f"cannot listen on 127.0.0.1:{port}: {error.strerror}") from error
