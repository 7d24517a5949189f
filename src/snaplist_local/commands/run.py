"""`snaplist run PHOTO [PHOTO ...]`: one listing through the whole pipeline, on this machine.

The embedded AWS is built from template.yaml, the photos are uploaded as one listing, the S3
notification runs classify, the state machine from the repository runs extract and validate, and
the draft is read back from DynamoDB.
"""

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from snaplist.domain.fields import fields_for
from snaplist.domain.models import ProductType
from snaplist.pipeline.api.models import MAX_PHOTOS
from snaplist.pipeline.api.settings import DEFAULT_MAX_PHOTO_BYTES
from snaplist_local.handler_output import handler_output_to
from snaplist_local.model_provider import ProviderUnavailable, open_provider
from snaplist_local.stack import EmbeddedStack, StackError, StackOptions, TemplateError
from snaplist_local.stack.listing import ListingTimeout, Photo, submit_listing

EXIT_READY, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A mistake in the command line: one line, exit code 2."""


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser(
        "run",
        help="run photos through the pipeline on an embedded local AWS",
        description="Upload PHOTO(s) as one listing to an embedded AWS built from template.yaml "
        "and print the draft the pipeline produces.",
    )
    parser.add_argument("photos", nargs="+", metavar="PHOTO", type=Path)
    parser.add_argument("--provider", help="model provider (default: SNAPLIST_PROVIDER, ...)")
    parser.add_argument("--json", action="store_true", help="print the stored record as JSON")
    parser.add_argument(
        "--timeout", type=_seconds, default=300.0, metavar="S", help="give up after S seconds"
    )
    parser.set_defaults(handler=run)


def _say(message: str) -> None:
    print(f"snaplist: {message}", file=sys.stderr, flush=True)


def run(args: argparse.Namespace) -> int:
    try:
        photos = _read_photos(args.photos)
    except UsageError as error:
        print(f"snaplist run: {error}", file=sys.stderr)
        return EXIT_USAGE

    log_path = Path(tempfile.gettempdir()) / f"snaplist-run-{os.getpid()}.log"
    try:
        with handler_output_to(log_path), open_provider(args.provider, progress=_say) as provider:
            record = _run_listing(provider.stack_options(), photos, args.timeout)
    except ProviderUnavailable as error:
        print(f"snaplist run: {error}", file=sys.stderr)
        return EXIT_USAGE
    except (TemplateError, StackError) as error:
        print(f"snaplist run: the embedded stack could not start: {error}", file=sys.stderr)
        return EXIT_USAGE
    except ListingTimeout as error:
        print(f"snaplist run: {error} (handler logs: {log_path})", file=sys.stderr)
        return EXIT_FAILED

    if args.json:
        print(json.dumps(record, indent=2, sort_keys=True))
    else:
        print(format_record(record))
    if record.get("status") != "READY":
        print(
            f"snaplist run: FAILED {record.get('error')}: {record.get('error_reason')}"
            f" (handler logs: {log_path})",
            file=sys.stderr,
        )
        return EXIT_FAILED
    # The handlers' log is named only when something failed; a ready run leaves nothing behind.
    log_path.unlink(missing_ok=True)
    return EXIT_READY


def _seconds(raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        value = 0.0
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, got {raw!r}")
    return value


def _read_photos(paths: list[Path]) -> list[Photo]:
    missing = [str(path) for path in paths if not path.exists()]
    if missing:
        raise UsageError(f"no such photo: {', '.join(missing)}")
    not_files = [str(path) for path in paths if not path.is_file()]
    if not_files:
        raise UsageError(f"not a file: {', '.join(not_files)} (give photo files, not folders)")
    # The same limits as the API's upload forms, so a local run accepts what a seller could send.
    if len(paths) > MAX_PHOTOS:
        raise UsageError(f"a listing takes at most {MAX_PHOTOS} photos, got {len(paths)}")
    too_big = [str(path) for path in paths if path.stat().st_size > DEFAULT_MAX_PHOTO_BYTES]
    if too_big:
        limit_mb = DEFAULT_MAX_PHOTO_BYTES // (1024 * 1024)
        raise UsageError(f"larger than {limit_mb} MB, the upload limit: {', '.join(too_big)}")
    try:
        return [Photo(path.name, path.read_bytes()) for path in paths]
    except OSError as error:
        raise UsageError(f"cannot read {error.filename}: {error.strerror}") from error


def _run_listing(options: StackOptions, photos: list[Photo], timeout: float) -> dict[str, Any]:
    with EmbeddedStack(options) as stack:
        _, watcher = submit_listing(stack, photos, progress=_say)
        return watcher.wait(timeout)


def _cell(value: Any, width: int = 44) -> str:
    if value is None or value == "" or value == []:
        text = "-"
    elif isinstance(value, list):
        text = ", ".join(str(item) for item in value)
    elif isinstance(value, dict):
        text = ", ".join(f"{key}={item}" for key, item in value.items())
    else:
        text = str(value)
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 3] + "..."


def _shipping(shipping: dict[str, Any] | None) -> str:
    if not shipping:
        return "-"
    size = f"{shipping['length_cm']} x {shipping['width_cm']} x {shipping['height_cm']} cm"
    weight = f"{shipping['weight_kg']} kg"
    if shipping.get("dimensions_from_default"):
        size += " (default)"
    if shipping.get("weight_from_default"):
        weight += " (default)"
    return f"{size}, {weight}"


def _ordered_fields(record: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """The fields in the order the domain asks for them, anything else after, by name."""
    fields = dict(record.get("fields") or {})
    try:
        product_type = ProductType(str(record.get("product_type")))
        order = [spec.name for spec in fields_for(product_type)]
    except ValueError:
        order = []
    known = [(name, fields.pop(name)) for name in order if name in fields]
    return known + sorted(fields.items())


def format_record(record: dict[str, Any]) -> str:
    """The draft as a table for a person: one row per field, then the listing's figures."""
    rows = [("field", "value", "confidence", "tier", "suggestion")]
    for name, field in _ordered_fields(record):
        confidence = field.get("confidence")
        rows.append(
            (
                name,
                _cell(field.get("value")),
                f"{confidence:.2f}" if isinstance(confidence, int | float) else "-",
                str(field.get("tier", "-")),
                _cell(field.get("suggestion"), 40),
            )
        )
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))

    confidence = record.get("product_type_confidence")
    product = f"{record.get('product_type', '-')}"
    if isinstance(confidence, int | float):
        product += f" ({confidence:.2f})"
    timings = record.get("timings_ms") or {}
    summary = [
        ("listing", record.get("listing_id")),
        ("status", record.get("status")),
        ("product type", product),
        ("maker id", record.get("maker_id")),
        ("tags", record.get("tag_ids")),
        ("shipping", _shipping(record.get("shipping"))),
        ("model", f"{record.get('model') or '-'} ({record.get('provider') or '-'})"),
        ("tokens", f"in {record.get('tokens_in', 0)} / out {record.get('tokens_out', 0)}"),
        ("cost", f"${float(record.get('cost_usd') or 0):.6f}"),
        ("timings", ", ".join(f"{step} {ms} ms" for step, ms in timings.items()) or "-"),
    ]
    if record.get("error"):
        summary.append(("error", f"{record['error']}: {record.get('error_reason')}"))
    if len(rows) == 1:
        lines = []  # no fields (a failure before extraction): the summary says it all
    else:
        lines.append("")
    lines.extend(f"{label:<13} {_cell(value, 80)}" for label, value in summary)
    return "\n".join(lines)
