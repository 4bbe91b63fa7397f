"""`load_model`: one entry point for the embedded toy models, local checkpoints and Hub models.

Introduced in notebooks/01_shared_space.ipynb.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mmlab.env import hub_reachable
from mmlab.models.hf_logs import default_siglip_ids_warning_hidden
from mmlab.models.registry import DEFAULT_MODEL, embedded_names, embedded_path

if TYPE_CHECKING:
    import torch

    from mmlab.models.embedder import Embedder

SUPPORTED_TYPES = ("clip", "siglip")
DTYPES = ("float32", "float16", "bfloat16")
HUB_ID = re.compile(r"[A-Za-z0-9][\w.-]*(/[A-Za-z0-9][\w.-]*)?")
PROBE_TIMEOUT_S = 3.0  # seconds to wait for the Hub before calling it unreachable
_TRUE = {"1", "true", "yes", "on"}


class ModelNotAvailableError(OSError):
    """A Hub model is neither cached nor downloadable right now."""


def _hub_offline() -> bool:
    import huggingface_hub.constants as hub

    switches = ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE")  # read again: may be set after import
    from_env = any(os.environ.get(v, "").strip().lower() in _TRUE for v in switches)
    return from_env or bool(hub.HF_HUB_OFFLINE)


def _is_cached(repo_id: str) -> bool:
    from huggingface_hub import try_to_load_from_cache

    return isinstance(try_to_load_from_cache(repo_id, "config.json"), str)


def _not_available(repo_id: str, why: str) -> ModelNotAvailableError:
    return ModelNotAvailableError(
        f"cannot load {repo_id!r}: it is not in the Hugging Face cache and {why}. "
        f"Fix: run mmlab.load_model({repo_id!r}) once with internet access (it is cached "
        f"afterwards), or use an embedded model: {', '.join(embedded_names()) or 'none found'}."
    )


# What a saved CLIP / SigLIP folder must hold: each entry is satisfied by any one of its options.
REQUIRED_FILES = {
    "the config": (("config.json",),),
    "the weights": (("model.safetensors",), ("model.safetensors.index.json",)),
    "the tokenizer": (("tokenizer.json",), ("vocab.json", "merges.txt"), ("spiece.model",)),
    "the image processor": (("preprocessor_config.json",), ("processor_config.json",)),
}


def missing_files(folder: Path) -> list[str]:
    """Name what a saved-model folder lacks (config, safetensors weights, tokenizer, image
    processor), each with the file names that would supply it. Returns [] for a complete folder.
    """
    missing = []
    for what, options in REQUIRED_FILES.items():
        if not any(all((folder / name).is_file() for name in option) for option in options):
            names = " or ".join(" + ".join(option) for option in options)
            missing.append(f"{what} ({names})")
    return missing


def check_complete(folder: Path) -> None:
    """Raise ValueError naming every file a saved-model folder lacks (see `missing_files`):
    without its tokenizer files, for instance, a folder would load and give wrong text vectors."""
    missing = missing_files(folder)
    if missing:
        raise ValueError(
            f"{folder} is not a complete saved model: it lacks {'; '.join(missing)}. Save the "
            "model and its processor together (model.save_pretrained(folder) and "
            "processor.save_pretrained(folder)), or copy the missing files from where it came from"
        )


def resolve(name: str | os.PathLike | None) -> tuple[str, str, bool]:
    """Find where `name` lives: an embedded model, a local checkpoint folder or a Hub id.

    Introduced in notebooks/01_shared_space.ipynb.
    Returns (display name, path or Hub id to load from, whether to load from local files only).
    """
    if name is None:
        name = DEFAULT_MODEL
    if not isinstance(name, (str, os.PathLike)):
        raise TypeError(f"name is a {type(name).__name__}: expected a str, a path or None")
    text = os.fspath(name)
    embedded = embedded_path(text)
    if embedded is not None:
        return text, str(embedded), True
    if not text.strip():
        raise ValueError(
            f"name={text!r} is empty: pass None for the default model ({DEFAULT_MODEL!r}), an "
            "embedded name, a folder with a saved model or a Hugging Face id"
        )
    folder = Path(text).expanduser()
    if folder.is_dir():
        if not (folder / "config.json").is_file():
            raise ValueError(f"{folder} has no config.json: it is not a saved Hugging Face model")
        return text, str(folder), True
    if isinstance(name, os.PathLike) or not HUB_ID.fullmatch(text) or text.count("/") != 1:
        raise ValueError(
            f"{text!r} is neither an embedded model ({', '.join(embedded_names()) or 'none'}), "
            "nor a folder with a saved model, nor a Hugging Face id such as "
            "'openai/clip-vit-base-patch32'"
        )
    if _is_cached(text):
        return text, text, True
    if _hub_offline():
        raise _not_available(text, "the Hub is switched off (HF_HUB_OFFLINE=1)")
    if not hub_reachable(PROBE_TIMEOUT_S):
        raise _not_available(text, "the Hub cannot be reached (no network?)")
    return text, text, False


def resolve_device(device: str | torch.device | None) -> torch.device:
    """None -> "cuda" when available, else "cpu". Introduced in notebooks/01_shared_space.ipynb."""
    import torch

    if device is None:
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    try:
        chosen = torch.device(device)
    except (RuntimeError, TypeError) as error:
        raise ValueError(
            f"device={device!r} is not a torch device such as 'cpu' or 'cuda'"
        ) from error
    here = ["cpu"]
    if torch.cuda.is_available():
        here += [f"cuda:{i}" for i in range(torch.cuda.device_count())]
    if torch.backends.mps.is_available():
        here.append("mps")
    wanted = f"{chosen.type}:{chosen.index}" if chosen.index is not None else chosen.type
    if chosen.type != "cpu" and not any(d == wanted or d.split(":")[0] == wanted for d in here):
        raise ValueError(
            f"device={device!r} is not available here; devices here: {', '.join(here)}"
        )
    return chosen


def resolve_dtype(dtype: str | torch.dtype | None, device: torch.device) -> torch.dtype:
    """None -> float32; float16 / bfloat16 are an opt-in for GPUs only.

    Introduced in notebooks/01_shared_space.ipynb.
    """
    import torch

    if dtype is None:
        return torch.float32
    label = str(dtype).replace("torch.", "")
    if label not in DTYPES:
        raise ValueError(f"dtype={dtype!r} is not one of {DTYPES}")
    if label != "float32" and device.type != "cuda":
        raise ValueError(
            f"dtype={label!r} needs a GPU (device='cuda'); on {device.type} use float32 (the default)"
        )
    return getattr(torch, label)


def _load_parts(source: str, local_only: bool, dtype: Any) -> tuple[Any, Any]:
    """Config check, then model (safetensors only, no remote code) and processor (PIL backend)."""
    from transformers import AutoConfig, AutoModel, AutoProcessor
    from transformers.utils import logging as hf_logging

    options = {"local_files_only": local_only, "trust_remote_code": False}
    bar_was_on = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()  # a "Loading weights" bar per call is noise in a lesson
    try:
        with default_siglip_ids_warning_hidden():
            config = AutoConfig.from_pretrained(source, **options)
            if config.model_type not in SUPPORTED_TYPES:
                raise ValueError(
                    f"{source!r} is a {config.model_type!r} model; "
                    f"load_model supports {SUPPORTED_TYPES}"
                )
            if Path(source).is_dir():
                check_complete(Path(source))
            model = AutoModel.from_pretrained(source, use_safetensors=True, dtype=dtype, **options)
            processor = AutoProcessor.from_pretrained(source, backend="pil", **options)
    finally:
        if bar_was_on:
            hf_logging.enable_progress_bar()
    return model, processor


def load_model(
    name: str | os.PathLike | None = None,
    device: str | torch.device | None = None,
    dtype: str | torch.dtype | None = None,
) -> Embedder:
    """Load a text-and-image embedder.

    `name`: None for the embedded default ("toy-clip", no network needed); another embedded
    name (see `mmlab.available_models()`); a folder written by `save_pretrained`; or a Hugging Face
    CLIP / SigLIP id such as "openai/clip-vit-base-patch32" or "google/siglip-base-patch16-224"
    (online, or cached earlier). An uncached id fails at once when offline, with how to fix it.
    Only safetensors weights are read and remote code is never run. `device`: None picks "cuda"
    when available, else "cpu" (where flush-to-zero for denormals is switched on for speed).
    `dtype`: float32 by default; "float16" / "bfloat16" on a GPU only.

    Introduced in notebooks/01_shared_space.ipynb.
    Returns an `Embedder` with encode_text, encode_image, logits and probabilities.
    """
    display, source, local_only = resolve(name)  # before importing torch: fail fast
    import torch
    from safetensors import SafetensorError

    from mmlab.models.embedder import Embedder

    torch_device = resolve_device(device)
    torch_dtype = resolve_dtype(dtype, torch_device)
    try:
        model, processor = _load_parts(source, local_only, torch_dtype)
    except OSError as error:
        raise ModelNotAvailableError(
            f"could not load {display!r} from {source}: {error}"
        ) from error
    except SafetensorError as error:  # a truncated download or a file that is not safetensors
        raise ModelNotAvailableError(
            f"the weights of {display!r} ({source}, model.safetensors) are corrupt or not a "
            f"safetensors file ({error}). Fix: download or copy the folder again; for an "
            "embedded model, restore data/models/ from git (`git checkout data/models`)"
        ) from error
    except ImportError as error:  # e.g. Google's SigLIP tokenizers need sentencepiece + protobuf
        raise ImportError(f"{display!r} needs a package that is not installed: {error}") from error
    if torch_device.type == "cpu":
        torch.set_flush_denormal(True)  # random or tiny weights can otherwise run ~19x slower
    model.to(torch_device)
    return Embedder(model, processor, display, torch_device, torch_dtype)
