"""`snaplist taxonomy check`: validate a taxonomy directory and the prompts against it."""

import argparse
from pathlib import Path

from snaplist.domain import check_data, prompts_dir, taxonomy_dir


def register(subparsers: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    parser = subparsers.add_parser("taxonomy", help="work with the marketplace taxonomy")
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    check = actions.add_parser(
        "check", help="validate a taxonomy directory and the prompt templates against it"
    )
    check.add_argument("--taxonomy", type=Path, default=None, help="taxonomy directory")
    check.add_argument("--prompts", type=Path, default=None, help="prompt templates directory")
    check.set_defaults(handler=run_check)


def run_check(args: argparse.Namespace) -> int:
    report = check_data(args.taxonomy or taxonomy_dir(), args.prompts or prompts_dir())
    for line in report.checked:
        print(f"checked {line}")
    for problem in report.problems:
        print(f"problem {problem}")
    if report.ok:
        print("taxonomy and prompts are consistent")
        return 0
    print(f"{len(report.problems)} problem(s) found")
    return 1
