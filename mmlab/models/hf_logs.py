"""Hide one misleading transformers warning while SigLIP checkpoints are saved or loaded.

transformers 5 validates SigLIP's *default* text config (vocabulary 32000, CLIP's token ids 49406 /
49407) when it saves or loads any SigLIP, and warns that those ids lie outside that vocabulary.
The warning is about HF's defaults, not about the model at hand, so it is dropped; every other
message (a real model's bad ids included) still shows.

Introduced in notebooks/02_contrastive_training.ipynb (saving a toy SigLIP).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager

_DEFAULT_SIGLIP_IDS = re.compile(
    r"^Model config: (bos|eos)_token_id must be `None` or an integer within the vocabulary "
    r"\(between 0 and 31999\), got 4940[67]\."
)
_LOGGER = "transformers.configuration_utils"


class _DropDefaultSiglipIds(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not _DEFAULT_SIGLIP_IDS.match(record.getMessage())


@contextmanager
def default_siglip_ids_warning_hidden() -> Iterator[None]:
    """Within the block, drop transformers' warning about SigLIP's default token ids.

    Introduced in notebooks/02_contrastive_training.ipynb. Yields nothing.
    """
    logger = logging.getLogger(_LOGGER)
    drop = _DropDefaultSiglipIds()
    logger.addFilter(drop)
    try:
        yield
    finally:
        logger.removeFilter(drop)
