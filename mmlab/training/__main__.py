"""`python -m mmlab.training --config NAME --out DIR`: train a named config and save it with its
model card (the command line itself is mmlab/training/cli.py)."""

from mmlab.training.cli import run_cli

if __name__ == "__main__":
    run_cli()
