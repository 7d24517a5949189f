"""The `snaplist` command: one subcommand per module under snaplist_local.commands."""

import argparse
import importlib
import os
import sys

# Each module exposes register(subparsers) and sets `handler` on its parser.
COMMANDS = ("run", "model", "taxonomy", "eval", "bench", "serve")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="snaplist", description="Turn product photos into marketplace listing drafts."
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"snaplist_local.commands.{name}").register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except KeyboardInterrupt:
        print("snaplist: interrupted", file=sys.stderr)
        # A model thread may still be inside native code (OCR, torch); tearing the interpreter
        # down under it aborts the process, so leave at once, the stack already stopped.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(130)


if __name__ == "__main__":
    sys.exit(main())
