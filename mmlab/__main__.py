"""Command line: `python -m mmlab doctor` checks the installation."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run the chosen command; return the exit status."""
    parser = argparse.ArgumentParser(prog="mmlab", description="mmlab course tools")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("doctor", help="check dependencies, data files and checkpoints")
    args = parser.parse_args(argv)
    if args.command == "doctor":
        from mmlab.env import doctor

        return 1 if doctor() else 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
