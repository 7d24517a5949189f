"""Where the in-process handlers' output goes while a local command runs.

Handlers log JSON lines to stdout, as in Lambda. A command that prints a table or a record on
stdout sends the handlers' output (and warnings, and moto's chatter) to a log file instead.
"""

import logging
import os
import sys
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any


@contextmanager
def handler_output_to(log_path: Path) -> Iterator[IO[str]]:
    """While the block runs, fd 1 goes to `log_path`; the stream yielded is the real stdout.

    The redirect is at the file-descriptor level because loggers created at import time hold
    the original stdout object.
    """
    logging.getLogger("moto").setLevel(logging.CRITICAL)
    sys.stdout.flush()
    saved = os.dup(1)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("w", encoding="utf-8") as log_file:
        os.dup2(log_file.fileno(), 1)
        real = os.fdopen(os.dup(saved), "w", encoding="utf-8", closefd=True)
        show_warning = warnings.showwarning
        warnings.showwarning = _warning_to(log_file)
        try:
            yield real
        finally:
            warnings.showwarning = show_warning
            real.flush()
            sys.stdout.flush()
            os.dup2(saved, 1)
            os.close(saved)
            real.close()


def _warning_to(log_file: IO[str]) -> Callable[..., None]:
    def show(message: Any, category: Any, filename: str, lineno: int, *_: Any) -> None:
        log_file.write(warnings.formatwarning(message, category, filename, lineno))

    return show
