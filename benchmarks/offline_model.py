"""Per-photo latency and accuracy of the offline model over ../shared/samples.

    python benchmarks/offline_model.py [--sizing budgets|1568|original] [--samples DIR]

Starts the server on a free loopback port, sends each MANIFEST photo as the pipeline would
(classification, then extraction for the type it got), and prints one line per photo and a summary.
By default photos are prepared as the pipeline's VisionService prepares them (448x448 px to
classify, about 1000x1000 px to extract); `--sizing 1568` resizes both to 1568 px, `--sizing
original` (or `--original`) sends the files as they are (up to 5760x3840, HEIC).
"""

import argparse
import statistics
import sys
from pathlib import Path

from snaplist_local.offline.evaluation import SIZINGS, load_manifest, run_sample, summarise
from snaplist_local.offline.server import start_background

DEFAULT_SAMPLES = Path(__file__).resolve().parents[1] / ".." / "shared" / "samples"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=Path, default=DEFAULT_SAMPLES)
    parser.add_argument("--sizing", choices=SIZINGS, default="budgets")
    parser.add_argument("--original", action="store_true", help="same as --sizing original")
    args = parser.parse_args()
    sizing = "original" if args.original else args.sizing

    handle = start_background(0)
    try:
        rows = load_manifest(args.samples)
        results = []
        print(
            f"{'photo':52} {'expect':11} {'got':11} {'conf':>5} {'cls ms':>7} {'ext ms':>7} "
            "title | maker | isbn | language"
        )
        for row in rows:
            result = run_sample(handle.base_url, args.samples, row, sizing)
            results.append(result)
            fields = " | ".join(
                f"{result.value(n)} ({(result.fields.get(n) or {}).get('confidence', 0):.2f})"
                for n in ("title", "maker", "isbn", "language")
                if n in result.fields
            )
            mark = "ok" if result.effective_type == result.expected_type else "XX"
            print(
                f"{result.file:52} {result.expected_type:11} {result.effective_type:11} "
                f"{result.confidence:5.2f} {result.classify_ms:7.0f} {result.extract_ms:7.0f} "
                f"{mark} {fields if result.status == 200 else result.error}"
            )
    finally:
        handle.stop()

    summary = summarise(results)
    per_photo = [r.classify_ms + r.extract_ms for r in results]
    slowest = max(results, key=lambda r: r.classify_ms + r.extract_ms)
    print()
    print(f"sizing: {sizing}")
    print(f"answered 200: {summary.answered}/{summary.photos}")
    print(
        f"product type accuracy (0.7 rule): {summary.type_correct}/{summary.photos} "
        f"= {summary.type_accuracy:.2f}"
    )
    print(
        f"title hits where visible_text given: {summary.title_hits}/{summary.title_rows} "
        f"= {summary.title_rate:.2f}"
    )
    print(
        f"brand hits where a known maker is in visible_text: "
        f"{summary.brand_hits}/{summary.brand_rows} = {summary.brand_rate:.2f}"
    )
    print(f"isbn hits: {summary.isbn_hits}/{summary.isbn_rows}")
    print(
        f"per photo (classify + extract): median {statistics.median(per_photo):.0f} ms, "
        f"max {max(per_photo):.0f} ms ({slowest.file})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
