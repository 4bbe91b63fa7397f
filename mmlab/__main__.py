"""Command line: `python -m mmlab doctor` checks the installation; `python -m mmlab warm`
compiles UMAP's kernels once so that lesson 03's first map is quick."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run the chosen command; return the exit status."""
    parser = argparse.ArgumentParser(prog="mmlab", description="mmlab course tools")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("doctor", help="check dependencies, data files and checkpoints")
    commands.add_parser("warm", help="compile and cache UMAP's kernels once (lesson 03)")
    args = parser.parse_args(argv)
    if args.command == "doctor":
        from mmlab.env import doctor

        return 1 if doctor() else 0
    if args.command == "warm":
        from mmlab.env import warm_umap_cache

        print(f"UMAP kernels compiled and cached in {warm_umap_cache():.1f} s")
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
