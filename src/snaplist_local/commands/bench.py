"""`snaplist bench`: what the pipeline itself costs, with the model's time taken out.

    snaplist bench [--listings N] [--repeat R] [--photos DIR] [--provider NAME]

Four tables: per-step overhead through the embedded stack against the instant provider, cold
start per handler, tokens per listing constrained versus naive, and an all-in cost per listing
from AWS list prices. Figures are medians over the repeats; docs/evaluation.md explains them.
"""

import argparse
import datetime
import json
import math
import os
import statistics
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from snaplist.domain.images import sniff_format
from snaplist.domain.models import ProductType
from snaplist.domain.paths import prompts_dir, taxonomy_dir
from snaplist.domain.prompts import VisionPromptBuilder
from snaplist.domain.providers import PROVIDERS
from snaplist.domain.taxonomy import load_taxonomy
from snaplist_local.commands.eval import machine
from snaplist_local.evaluation import coldstart, comparison, costs
from snaplist_local.evaluation.labels import LabelError, load_labels
from snaplist_local.evaluation.runner import ListingRun, PipelineRunner
from snaplist_local.evaluation.tables import milliseconds, render
from snaplist_local.handler_output import handler_output_to
from snaplist_local.model_provider import INSTANT, ProviderUnavailable, open_provider
from snaplist_local.stack import StackError, TemplateError, repository_root
from snaplist_local.stack.listing import ListingTimeout

DEFAULT_PHOTOS = repository_root().parent / "shared" / "samples"
MANIFEST = "MANIFEST.csv"
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
# The pipeline's timings name the steps; StoreDraft is timed from the execution history.
STEP_FUNCTIONS = {
    "classify": "ClassifyFunction",
    "extract": "ExtractFunction",
    "validate": "ValidateFunction",
    "store_draft": "StoreDraftFunction",
}
MODEL_STEPS = ("classify", "extract")
DYNAMO_WRITES = ("PutItem", "UpdateItem", "DeleteItem")
DYNAMO_READS = ("GetItem", "Query")
VOLUMES = (1, 100_000)


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser(
        "bench",
        help="measure pipeline overhead, cold start, tokens and all-in cost per listing",
        description="Run listings through the embedded stack against a provider that answers "
        "at once, time handler imports, compare tokens with a naive configuration and price "
        "a listing with AWS list prices.",
    )
    parser.add_argument("--listings", type=int, default=5, metavar="N", help="per repeat")
    parser.add_argument("--repeat", type=int, default=3, metavar="R", help="repeated runs")
    parser.add_argument("--photos", type=Path, default=DEFAULT_PHOTOS, metavar="DIR")
    parser.add_argument(
        "--provider",
        default=INSTANT,
        metavar="NAME",
        help="provider for the overhead and token runs (default instant; offline adds its time)",
    )
    parser.add_argument("--out", type=Path, default=Path("eval-output"), help="bench.json here")
    parser.set_defaults(handler=run)


def _say(message: str) -> None:
    print(f"snaplist bench: {message}", file=sys.stderr, flush=True)


def run(args: argparse.Namespace) -> int:
    photos = find_photos(args.photos)
    if not photos:
        print(f"snaplist bench: no photos in {args.photos}", file=sys.stderr)
        return EXIT_USAGE
    if args.listings < 1 or args.repeat < 1:
        print("snaplist bench: --listings and --repeat must be at least 1", file=sys.stderr)
        return EXIT_USAGE

    log_path = Path(tempfile.gettempdir()) / f"snaplist-bench-{os.getpid()}.log"
    try:
        with handler_output_to(log_path) as stdout:
            result = bench(args, photos)
            print(format_all(result), file=stdout)
    except ProviderUnavailable as error:
        print(f"snaplist bench: {error}", file=sys.stderr)
        return EXIT_USAGE
    except (TemplateError, StackError) as error:
        print(f"snaplist bench: the embedded stack could not start: {error}", file=sys.stderr)
        return EXIT_USAGE
    except ListingTimeout as error:
        print(f"snaplist bench: {error} (handler logs: {log_path})", file=sys.stderr)
        return EXIT_FAILED

    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "bench.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    _say(f"wrote {args.out / 'bench.json'}")
    return EXIT_OK if result["overhead"]["failed"] == 0 else EXIT_FAILED


def find_photos(directory: Path) -> list[tuple[Path, ProductType]]:
    """Photos with their labelled type when the folder has a MANIFEST.csv, else generic."""
    if (directory / MANIFEST).is_file():
        try:
            labels = load_labels(directory / MANIFEST)
            return [(label.path, label.product_type) for label in labels if label.path.is_file()]
        except LabelError:
            pass
    found = []
    for path in sorted(directory.rglob("*")):
        if path.is_file() and sniff_format(path.read_bytes()[:64]) is not None:
            found.append((path, ProductType.GENERIC))
    return found


def bench(args: argparse.Namespace, photos: list[tuple[Path, ProductType]]) -> dict[str, Any]:
    functions = coldstart.functions_of(repository_root() / "template.yaml")
    with open_provider(args.provider) as provider:
        overhead = measure_overhead(provider, photos, args.listings, args.repeat)
        tokens = measure_tokens(provider, photos)
    cold = measure_cold_start(functions, args.repeat)
    cost = cost_model(overhead, tokens, functions)
    return {
        "created_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "provider": args.provider,
        "listings": args.listings,
        "repeat": args.repeat,
        "overhead": overhead,
        "cold_start": cold,
        "tokens": tokens,
        "cost": cost,
    }


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def measure_overhead(
    provider: Any, photos: list[tuple[Path, ProductType]], listings: int, repeat: int
) -> dict[str, Any]:
    """Per repeat, a fresh stack and N listings; medians per repeat, then across repeats."""
    per_repeat: list[dict[str, float]] = []
    usage: list[dict[str, Any]] = []
    failed = 0
    for number in range(1, repeat + 1):
        runs: list[ListingRun] = []
        with PipelineRunner(provider) as runner:
            for index in range(listings):
                path = photos[index % len(photos)][0]
                _say(f"overhead run {number}/{repeat}: listing {index + 1}/{listings}")
                listing = runner.run([path])
                if not listing.ready:
                    failed += 1
                    continue
                runs.append(listing)
                usage.append(_usage_of(listing, path))
        per_repeat.append(_medians(runs))
    steps = sorted({step for medians in per_repeat for step in medians})
    return {
        "failed": failed,
        "steps_ms": {step: _median([m[step] for m in per_repeat if step in m]) for step in steps},
        "per_repeat": per_repeat,
        "usage": _median_usage(usage),
    }


def _medians(runs: list[ListingRun]) -> dict[str, float]:
    values: dict[str, list[float]] = {}
    for listing in runs:
        for step, ms in listing.steps_ms.items():
            values.setdefault(step, []).append(ms)
        for state, ms in listing.states_ms.items():
            values.setdefault(f"state {state}", []).append(ms)
        values.setdefault("total (upload to READY)", []).append(listing.wall_ms)
    return {step: statistics.median(items) for step, items in values.items()}


def _usage_of(listing: ListingRun, path: Path) -> dict[str, Any]:
    calls: Counter[tuple[str, str]] = listing.calls
    record_kb = len(json.dumps(listing.record).encode()) / 1024
    # Limitation: every write is priced at the final record's size in 1 KB units and every
    # read as one unit; updates of a smaller record early on cost less than this.
    units_per_write = max(1, math.ceil(record_kb))
    return {
        "steps_ms": listing.steps_ms,
        "transitions": listing.transitions,
        "dynamodb_writes": sum(calls[("dynamodb", op)] for op in DYNAMO_WRITES),
        "write_units": units_per_write * sum(calls[("dynamodb", op)] for op in DYNAMO_WRITES),
        "read_units": sum(calls[("dynamodb", op)] for op in DYNAMO_READS),
        "s3_puts": calls[("s3", "PutObject")],
        "s3_gets": calls[("s3", "GetObject")],
        "photo_bytes": path.stat().st_size,
        "record_kb": record_kb,
    }


def _median_usage(usage: list[dict[str, Any]]) -> dict[str, Any]:
    if not usage:
        return {}
    keys = [key for key in usage[0] if key != "steps_ms"]
    result: dict[str, Any] = {key: statistics.median(item[key] for item in usage) for key in keys}
    steps = {step for item in usage for step in item["steps_ms"]}
    result["steps_ms"] = {
        step: statistics.median(i["steps_ms"][step] for i in usage if step in i["steps_ms"])
        for step in steps
    }
    return result


def measure_tokens(provider: Any, photos: list[tuple[Path, ProductType]]) -> dict[str, Any]:
    builder = VisionPromptBuilder(prompts_dir(), load_taxonomy(taxonomy_dir()))
    constrained, naive = comparison.configurations(
        provider.settings, provider.api_key, builder, prompts_dir()
    )
    for index, (path, product_type) in enumerate(photos, start=1):
        _say(f"tokens: photo {index}/{len(photos)} {path.name}")
        data = path.read_bytes()
        constrained.run(data, product_type)
        naive.run(data, product_type)

    def medians(configuration: comparison.Configuration) -> dict[str, float]:
        rows = [comparison.per_listing(listing) for listing in configuration.listings]
        return {key: statistics.median(row[key] for row in rows) for key in rows[0]}

    result: dict[str, Any] = {
        "photos": len(photos),
        "constrained": medians(constrained),
        "naive": medians(naive),
    }
    result["ratio"] = {
        key: (result["naive"][key] / result["constrained"][key])
        if result["constrained"][key]
        else None
        for key in result["constrained"]
    }
    return result


def measure_cold_start(functions: list[coldstart.FunctionInfo], repeat: int) -> dict[str, Any]:
    functions_dir = repository_root() / "functions"
    build_dir = repository_root() / ".aws-sam" / "build"
    rows = []
    for function in functions:
        _say(f"cold start: importing {function.module}")
        timings = [coldstart.import_ms(functions_dir, function.module) for _ in range(repeat)]
        rows.append(
            {
                "function": function.logical_id,
                "module": function.module,
                "memory_mb": function.memory_mb,
                "import_ms": statistics.median(timings),
                "artifact_bytes": coldstart.directory_bytes(build_dir / function.logical_id),
            }
        )
    layers = {
        name: coldstart.directory_bytes(build_dir / name)
        for name in coldstart.layers_of(repository_root() / "template.yaml")
    }
    return {"functions": rows, "layers": layers, "built": build_dir.is_dir()}


def cost_model(
    overhead: dict[str, Any], tokens: dict[str, Any], functions: list[coldstart.FunctionInfo]
) -> dict[str, Any]:
    prices = costs.load_prices()
    usage = overhead["usage"]
    memory = {function.logical_id: function.memory_mb for function in functions}
    invocations = [
        (STEP_FUNCTIONS[step], memory.get(STEP_FUNCTIONS[step], 128), float(ms))
        for step, ms in usage.get("steps_ms", {}).items()
        if step in STEP_FUNCTIONS
    ]
    listing = costs.ListingUsage(
        invocations=invocations,
        transitions=int(usage.get("transitions", 0)),
        write_units=float(usage.get("write_units", 0)),
        read_units=float(usage.get("read_units", 0)),
        s3_puts=int(usage.get("s3_puts", 0)),
        s3_gets=int(usage.get("s3_gets", 0)),
        photo_bytes=int(usage.get("photo_bytes", 0)),
    )
    aws = costs.aws_cost(listing, prices)
    model_memory = max(memory.get(STEP_FUNCTIONS[step], 128) for step in MODEL_STEPS)
    tokens_in = tokens["constrained"]["counted_in"]
    tokens_out = tokens["constrained"]["reported_out"]
    naive_in = tokens["naive"]["counted_in"]
    models = {
        name: {
            "model": settings.model,
            "constrained_usd": settings.cost_usd(int(tokens_in), int(tokens_out)),
            "naive_usd": settings.cost_usd(int(naive_in), int(tokens_out)),
        }
        for name, settings in PROVIDERS.items()
    }
    return {
        "prices_as_of": prices.as_of,
        "region": prices.region,
        "aws_items": aws,
        "aws_total": sum(aws.values()),
        "per_second_of_model_latency": costs.model_latency_cost(
            model_memory, len(MODEL_STEPS), prices
        ),
        "tokens_in": tokens_in,
        "tokens_out": tokens_out,
        "models": models,
    }


def format_all(result: dict[str, Any]) -> str:
    return "\n\n".join(
        [
            format_overhead(result),
            format_cold_start(result["cold_start"]),
            format_tokens(result["tokens"]),
            format_cost(result["cost"]),
        ]
    )


def format_overhead(result: dict[str, Any]) -> str:
    overhead = result["overhead"]
    order = [*STEP_FUNCTIONS, "total (upload to READY)"]
    steps = sorted(overhead["steps_ms"], key=lambda s: (order.index(s) if s in order else 99, s))
    rows = [[step, milliseconds(overhead["steps_ms"][step])] for step in steps]
    title = (
        f"Pipeline overhead per listing ({result['provider']} provider, "
        f"{result['listings']} listings x {result['repeat']} runs, medians; 'state X' includes "
        "the emulated Lambda invoke)"
    )
    return render(["step", "ms"], rows, groups=title)


def format_cold_start(cold: dict[str, Any]) -> str:
    def size(value: int | None) -> str:
        if value is None:
            return "run sam build"
        return f"{value / 1e6:.1f} MB" if value >= 1e6 else f"{value / 1e3:.1f} kB"

    rows = [
        [
            row["function"],
            row["module"],
            str(row["memory_mb"]),
            milliseconds(row["import_ms"]),
            size(row["artifact_bytes"]),
        ]
        for row in cold["functions"]
    ]
    rows += [[name, "(layer)", "-", "-", size(value)] for name, value in cold["layers"].items()]
    return render(
        ["function", "module", "MB", "import ms", "artifact"],
        rows,
        groups="Cold start: handler import in a fresh interpreter (median), built artifact size",
    )


def format_tokens(tokens: dict[str, Any]) -> str:
    labels = {
        "image_tokens": "image tokens (Qwen-VL rule)",
        "text_tokens": "text tokens (chars / 4)",
        "counted_in": "input tokens, counted",
        "reported_in": "input tokens, provider reported",
        "reported_out": "output tokens, provider reported",
        "request_bytes": "request bytes",
    }
    rows = []
    for key, label in labels.items():
        ratio = tokens["ratio"].get(key)
        rows.append(
            [
                label,
                f"{tokens['constrained'][key]:.0f}",
                f"{tokens['naive'][key]:.0f}",
                "-" if ratio is None else f"{ratio:.1f}x",
            ]
        )
    title = f"Tokens per listing, median over {tokens['photos']} photos (classify + extract)"
    return render(["", "constrained", "naive", "naive/constrained"], rows, groups=title)


def _money_row(label: str, usd: float) -> list[str]:
    monthly = [f"{usd * volume:.{2 if volume > 1 else 6}f}" for volume in VOLUMES]
    return [label, f"{usd:.8f}", *monthly]


def format_cost(cost: dict[str, Any]) -> str:
    rows = [_money_row(item, usd) for item, usd in cost["aws_items"].items()]
    rows.append(_money_row("AWS total", cost["aws_total"]))
    for name, model in cost["models"].items():
        rows.append(_money_row(f"model {name} ({model['model']})", model["constrained_usd"]))
        rows.append(_money_row("  same model, naive", model["naive_usd"]))
    rows.append(_money_row("+ per second of model latency", cost["per_second_of_model_latency"]))
    title = (
        f"All-in cost per listing, USD ({cost['region']} list prices as of "
        f"{cost['prices_as_of']}, check before relying; tokens in {cost['tokens_in']:.0f}, "
        f"out {cost['tokens_out']:.0f})"
    )
    return render(["item", "per listing", "1 / month", "100,000 / month"], rows, groups=title)
