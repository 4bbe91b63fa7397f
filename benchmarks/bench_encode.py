"""Batched encoding vs one item at a time, same model, same inputs, one run.

Two models: the embedded toy CLIP (`mmlab.load_model()`; goal: batched >= 10x faster on a CPU) and
a ViT-B/32-sized CLIP built from `CLIPConfig()`'s defaults with random weights (a few dozen items,
to keep the run short). Prints items/s for both ways and the ratios; each toy figure is the
fastest of --repeats runs, the one least disturbed by other work on the machine.

Usage: python benchmarks/bench_encode.py [--toy-items 128] [--repeats 3] [--vit-items 24]
       [--threads N]
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from functools import partial

import numpy as np
import torch

import mmlab
from mmlab.models.embedder import Embedder

GOAL = 10.0  # issue 4: batched >= 10x one-by-one for the embedded toy model on a CPU


def rate(call: Callable[[], object], count: int, repeats: int) -> float:
    """Items per second of the fastest of `repeats` runs of `call`, which handles `count` items.

    The fastest run is the one least disturbed by other work on the machine (as in timeit).
    """
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - start)
    return count / best


def one_by_one(encode: Callable[..., np.ndarray], items: list) -> None:
    """The loop batching replaces: one encode call per item."""
    for item in items:
        encode(item, progress=False)


def captions(count: int, seed: int = 0) -> list[str]:
    """Toy-world-like captions of 4 to 12 words from the toy vocabulary."""
    words = mmlab.toyworld.vocabulary()
    rng = np.random.default_rng(seed)
    return [" ".join(rng.choice(words, size=rng.integers(4, 13))) for _ in range(count)]


def compare(
    model: Embedder, images: np.ndarray, texts: list[str], batch_size: int, repeats: int
) -> dict[str, float]:
    """Time batched and one-by-one encoding of `images` and `texts`, print a line for each.

    Returns {"images": ratio, "texts": ratio}, each batched items/s over one-by-one items/s.
    """
    ratios = {}
    for what, items, encode in (
        ("images", list(images), model.encode_image),
        ("texts", texts, model.encode_text),
    ):
        encode(items[:2], progress=False)  # warm-up: first-call allocations, lazy imports
        all_at_once = partial(encode, items, batch_size=batch_size, progress=False)
        batched = rate(all_at_once, len(items), repeats)
        single = rate(partial(one_by_one, encode, items), len(items), repeats)
        ratios[what] = batched / single
        print(
            f"  {what:6s} n={len(items):4d}  batched {batched:9.1f}/s  one-by-one {single:8.1f}/s"
            f"  ratio {ratios[what]:6.1f}x",
            flush=True,
        )
    return ratios


def vit_b32_embedder() -> Embedder:
    """A CLIP with ViT-B/32's default config and random weights, the toy tokenizer, PIL images."""
    from transformers import CLIPConfig, CLIPModel, CLIPProcessor
    from transformers.models.clip.image_processing_pil_clip import CLIPImageProcessorPil

    from mmlab.models.toy_clip import BOS_ID, EOS_ID, PAD_ID, build_tokenizer

    tokenizer = build_tokenizer(mmlab.toyworld.vocabulary(), max_length=77)
    config = CLIPConfig(
        text_config={"bos_token_id": BOS_ID, "eos_token_id": EOS_ID, "pad_token_id": PAD_ID}
    )
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        model = CLIPModel(config).eval()
    processor = CLIPProcessor(image_processor=CLIPImageProcessorPil(), tokenizer=tokenizer)
    return Embedder(model, processor, "random ViT-B/32", torch.device("cpu"), torch.float32)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--toy-items", type=int, default=128)
    parser.add_argument("--repeats", type=int, default=3, help="toy runs; the fastest counts")
    parser.add_argument("--vit-items", type=int, default=24)
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: torch's default)")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    torch.set_flush_denormal(True)
    rng = np.random.default_rng(0)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"torch {torch.__version__}, {torch.get_num_threads()} threads, CPU; "
        f"{os.cpu_count()} cores, 1-min load average {load:.1f} (other work skews the ratios)"
    )

    toy = mmlab.load_model(device="cpu")
    size = toy.processor.image_processor.size["height"]
    toy_images = rng.integers(0, 256, (args.toy_items, size, size, 3), dtype=np.uint8)
    print(f"{toy.name} (embedded, {size}x{size} images, batch 64):")
    ratios = compare(toy, toy_images, captions(args.toy_items), 64, args.repeats)
    for what, ratio in ratios.items():
        verdict = "met" if ratio >= GOAL else "NOT met"
        print(f"  goal batched >= {GOAL:.0f}x one-by-one for toy {what}: {verdict} ({ratio:.1f}x)")

    vit = vit_b32_embedder()
    vit_images = rng.integers(0, 256, (args.vit_items, 256, 320, 3), dtype=np.uint8)
    print(f"{vit.name} (224x224 after resize + crop, batch {args.vit_items}):")
    compare(vit, vit_images, captions(args.vit_items, 1), args.vit_items, repeats=1)


if __name__ == "__main__":
    main()
