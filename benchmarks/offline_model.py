"""Per-photo latency and accuracy of the offline model over ../shared/samples.

    python benchmarks/offline_model.py [--original] [--samples DIR]

Starts the server on a free loopback port, sends each MANIFEST photo as the pipeline would
(classification, then extraction for the type it got), and prints one line per photo and a summary.
By default photos are resized to 1568 px like the pipeline does; --original sends the files as
they are (up to 5760x3840).
"""

import argparse
import sys
from pathlib import Path

from snaplist_local.offline.evaluation import load_manifest, run_sample, summarise
from snaplist_local.offline.server import start_background

DEFAULT_SAMPLES = Path(__file__).resolve().parents[1] / ".." / "shared" / "samples"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=Path, default=DEFAULT_SAMPLES)
    parser.add_argument("--original", action="store_true", help="send the original files")
    args = parser.parse_args()

    handle = start_background(0)
    try:
        rows = load_manifest(args.samples)
        results = []
        print(
            f"{'photo':52} {'expect':11} {'got':11} {'conf':>5} {'cls ms':>7} {'ext ms':>7} "
            "title | maker | isbn"
        )
        for row in rows:
            result = run_sample(handle.base_url, args.samples, row, resize=not args.original)
            results.append(result)
            fields = " | ".join(str(result.value(n)) for n in ("title", "maker", "isbn"))
            mark = "ok" if result.effective_type == result.expected_type else "XX"
            print(
                f"{result.file:52} {result.expected_type:11} {result.effective_type:11} "
                f"{result.confidence:5.2f} {result.classify_ms:7.0f} {result.extract_ms:7.0f} "
                f"{mark} {fields if result.status == 200 else result.error}"
            )
    finally:
        handle.stop()

    summary = summarise(results)
    slowest = max(results, key=lambda r: r.classify_ms)
    print()
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
    print(f"slowest classification request: {slowest.classify_ms:.0f} ms ({slowest.file})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
