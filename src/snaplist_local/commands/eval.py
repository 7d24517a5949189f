"""`snaplist eval`: a labelled photo set through the real pipeline, scored per type and field.

    snaplist eval [--labels ../shared/samples/MANIFEST.csv] [--provider NAME ...] [--out DIR]
                  [--limit N]

Prints a table (several providers side by side), writes report.json and reliability.png to
the output directory, and reports progress on stderr. docs/evaluation.md explains the figures.
"""

import argparse
import datetime
import json
import os
import platform
import sys
import tempfile
from pathlib import Path
from typing import IO, Any

from snaplist_local.evaluation.labels import LabelError, LabelledPhoto, load_labels
from snaplist_local.evaluation.metrics import FieldReport
from snaplist_local.evaluation.reliability import draw_reliability
from snaplist_local.evaluation.runner import PipelineRunner
from snaplist_local.evaluation.scoring import ProviderReport
from snaplist_local.evaluation.tables import fraction, milliseconds, render, with_count
from snaplist_local.handler_output import handler_output_to
from snaplist_local.model_provider import OFFLINE, ProviderUnavailable, open_provider
from snaplist_local.stack import StackError, TemplateError, repository_root
from snaplist_local.stack.listing import ListingTimeout

DEFAULT_LABELS = repository_root().parent / "shared" / "samples" / "MANIFEST.csv"
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser(
        "eval",
        help="score the pipeline's drafts against a labelled photo set",
        description="Run every labelled photo through the pipeline on the embedded AWS and "
        "report accuracy, fill rate, precision per tier, calibration, tokens, cost and latency.",
    )
    parser.add_argument("--labels", type=Path, default=DEFAULT_LABELS, help="label CSV")
    parser.add_argument(
        "--provider",
        action="append",
        dest="providers",
        metavar="NAME",
        help="offline (default), instant, or a SNAPLIST_PROVIDER name; repeat to compare",
    )
    parser.add_argument("--out", type=Path, default=Path("eval-output"), help="output directory")
    parser.add_argument("--limit", type=int, default=None, metavar="N", help="first N photos")
    parser.add_argument(
        "--timeout", type=float, default=300.0, metavar="S", help="per listing, in seconds"
    )
    parser.set_defaults(handler=run)


def _say(message: str) -> None:
    print(f"snaplist eval: {message}", file=sys.stderr, flush=True)


def run(args: argparse.Namespace) -> int:
    try:
        labels = load_labels(args.labels)
    except LabelError as error:
        print(f"snaplist eval: {error}", file=sys.stderr)
        return EXIT_USAGE
    if args.limit is not None:
        labels = labels[: max(0, args.limit)]
    missing = [str(label.path) for label in labels if not label.path.is_file()]
    if missing:
        print(f"snaplist eval: no such photo: {', '.join(missing)}", file=sys.stderr)
        return EXIT_USAGE
    providers = args.providers or [OFFLINE]

    log_path = Path(tempfile.gettempdir()) / f"snaplist-eval-{os.getpid()}.log"
    reports: list[ProviderReport] = []
    try:
        with handler_output_to(log_path) as stdout:
            for name in providers:
                reports.append(evaluate(name, labels, args.timeout))
            _write_outputs(args, reports, stdout)
    except ProviderUnavailable as error:
        print(f"snaplist eval: {error}", file=sys.stderr)
        return EXIT_USAGE
    except (TemplateError, StackError) as error:
        print(f"snaplist eval: the embedded stack could not start: {error}", file=sys.stderr)
        return EXIT_USAGE
    _say(f"wrote {args.out / 'report.json'} and {args.out / 'reliability.png'}")
    return EXIT_OK if all(report.ready for report in reports) else EXIT_FAILED


def evaluate(name: str, labels: list[LabelledPhoto], timeout: float) -> ProviderReport:
    with open_provider(name) as provider, PipelineRunner(provider, timeout) as runner:
        report = ProviderReport(provider=name, model=provider.settings.model)
        for index, label in enumerate(labels, start=1):
            _say(f"{name}: photo {index}/{len(labels)} {label.name}")
            try:
                # Limitation: one photo per listing; the label format has no way to group photos.
                listing = runner.run([label.path])
            except ListingTimeout as error:
                report.add(label, None, error="timeout")
                _say(str(error))
                continue
            report.add(label, listing)
            if not listing.ready:
                _say(f"{name}: {label.name} failed: {listing.record.get('error')}")
        return report


def _write_outputs(args: argparse.Namespace, reports: list[ProviderReport], out: IO[str]) -> None:
    args.out.mkdir(parents=True, exist_ok=True)
    document = {
        "created_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "labels": str(args.labels),
        "limit": args.limit,
        "providers": [report.summary() for report in reports],
    }
    (args.out / "report.json").write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    series = {report.provider: report.calibration()[0] for report in reports}
    draw_reliability(series, args.out / "reliability.png", title="Reliability: field confidence")
    print(format_fields(reports), file=out)
    print("", file=out)
    print(format_summary(reports), file=out)


def machine() -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def format_fields(reports: list[ProviderReport]) -> str:
    """Per provider: accuracy, fill, precision per tier; every field across all types, and per
    type the fields that carry labels (report.json holds every row)."""
    by_provider: list[dict[tuple[str, str], FieldReport]] = [
        {(item.product_type, item.field): item for item in report.reports()} for report in reports
    ]
    keys = sorted(
        {key for table in by_provider for key in table},
        key=lambda key: (key[0] != "all", key[0], key[1] != "product_type", key[1]),
    )
    header = ["type", "field"]
    for _ in reports:
        header += ["n", "acc", "fill", "green", "yellow", "empty"]
    rows = []
    for key in keys:
        labelled = any(table[key].labelled for table in by_provider if key in table)
        if key[0] != "all" and not labelled:
            continue
        row = [key[0], key[1]]
        for table in by_provider:
            item = table.get(key)
            if item is None:
                row += ["-"] * 6
                continue
            row += [
                f"{item.labelled}/{item.total}",
                fraction(item.accuracy),
                fraction(item.fill_rate),
                *(with_count(item.tiers[t].precision, item.tiers[t].count) for t in _TIERS),
            ]
        rows.append(row)
    groups = "per provider: " + ", ".join(report.provider for report in reports)
    note = "n = labelled/total; acc among filled labelled; tier columns = precision (count)"
    return render(header, rows, groups=f"{groups}   ({note})")


_TIERS = ("green", "yellow", "empty")


def format_summary(reports: list[ProviderReport]) -> str:
    header = ["", *(report.provider for report in reports)]
    summaries = [report.summary() for report in reports]
    steps = sorted({step for summary in summaries for step in summary["latency_ms"]})

    def row(label: str, cell: Any) -> list[str]:
        return [label, *(cell(summary) for summary in summaries)]

    rows = [
        row("model", lambda s: str(s["model"])),
        row("listings ready", lambda s: f"{s['ready']}/{s['listings']}"),
        row("tokens in / listing", lambda s: fraction(s["tokens_in_per_listing"], 0)),
        row("tokens out / listing", lambda s: fraction(s["tokens_out_per_listing"], 0)),
        row("model $ / listing", lambda s: fraction(s["usd_per_listing"], 6)),
        row("calibration error (ECE)", lambda s: fraction(s["calibration"]["ece"], 3)),
    ]
    for step in steps:
        rows.append(
            row(
                f"{step} ms p50 / p95",
                lambda s, step=step: " / ".join(
                    milliseconds((s["latency_ms"].get(step) or {}).get(q)) for q in ("p50", "p95")
                ),
            )
        )
    return render(header, rows)
