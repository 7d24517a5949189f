"""`snaplist run`: being built (see docs/contracts.md for the owner of this command)."""

import argparse


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser("run", help="(not built yet)")
    parser.set_defaults(handler=lambda args: print("not built yet") or 1)
