"""ipywidgets apps for the lessons. Introduced in notebooks/04_cross_modal_search.ipynb.

Widget callbacks swallow exceptions (ipywidgets only logs them), so every app keeps its state —
the last results and the last error — on the object, where tests and learners can read it.
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

import ipywidgets as widgets
import numpy as np

from mmlab.plots import _data_uri
from mmlab.similarity import TopK, cosine_matrix, top_k


def thumbnails_html(images: Sequence[Any], labels: Sequence[str], size: int = 80) -> str:
    """Return an HTML row of thumbnails with a label under each (used by the search app)."""
    cells = [
        f'<figure style="display:inline-block;margin:4px;text-align:center;width:{size + 10}px">'
        f'<img src="{_data_uri(image, size)}" width="{size}" height="{size}" '
        f'style="image-rendering:pixelated"/><figcaption style="font-size:11px">'
        f"{html.escape(label)}</figcaption></figure>"
        for image, label in zip(images, labels)
    ]
    return "<div>" + "".join(cells) + "</div>"


class SearchApp:
    """Search a gallery of images by text (type and press Enter) or by an example image.

    `SearchApp(model, images, captions)` encodes the gallery once; display the object to show it.
    Pass `image_vectors` (one row per image, from `model.encode_image(images)`) to reuse an index
    you already built instead of encoding the gallery again.
    `search_text(query)` and `search_image(index)` also work without the widgets.
    Introduced in notebooks/04_cross_modal_search.ipynb.
    """

    def __init__(
        self,
        model: Any,
        images: Sequence[Any],
        captions: Sequence[str] | None = None,
        k: int = 8,
        image_vectors: Any = None,
    ):
        if not len(images):
            raise ValueError("the gallery is empty: pass at least one image")
        if captions is not None and len(captions) != len(images):
            raise ValueError(f"{len(captions)} captions for {len(images)} images")
        self.model, self.images, self.k = model, list(images), min(k, len(images))
        self.captions = (
            list(captions) if captions is not None else [f"image {i}" for i in range(len(images))]
        )
        if image_vectors is None:
            self.image_vectors = model.encode_image(self.images)
        else:
            self.image_vectors = np.asarray(image_vectors)
            if self.image_vectors.ndim != 2 or len(self.image_vectors) != len(self.images):
                raise ValueError(
                    f"image_vectors must hold one row per image ({len(self.images)} rows), "
                    f"got shape {self.image_vectors.shape}"
                )
        self.results: TopK | None = None
        self.error: str | None = None
        self.query = widgets.Text(
            placeholder="describe an image, then press Enter", description="text"
        )
        self.picker = widgets.Dropdown(
            options=[(f"{i}: {c}", i) for i, c in enumerate(self.captions)],
            value=None,
            description="image",
        )
        self.status = widgets.HTML()
        self.gallery = widgets.HTML()
        self.query.observe(lambda change: self._run(self.search_text, change["new"]), names="value")
        self.picker.observe(self._on_pick, names="value")

    def search_text(self, text: str) -> TopK:
        """Return the k gallery images closest to `text` (text → image search)."""
        if not isinstance(text, str) or not text.strip():
            raise ValueError("type a description first: the query is empty")
        return top_k(cosine_matrix(self.model.encode_text([text]), self.image_vectors), self.k)

    def search_image(self, index: int) -> TopK:
        """Return the k gallery images closest to gallery image `index` (image → image search)."""
        if not isinstance(index, (int, np.integer)) or not 0 <= index < len(self.images):
            raise ValueError(
                f"image index must be between 0 and {len(self.images) - 1}; got {index!r}"
            )
        return top_k(
            cosine_matrix(self.image_vectors[index : index + 1], self.image_vectors), self.k
        )

    def _on_pick(self, change: dict) -> None:
        if change["new"] is not None:
            self._run(self.search_image, change["new"])

    def _run(self, search: Any, query: Any) -> None:
        try:
            self.results, self.error = search(query), None
        except ValueError as problem:
            self.results, self.error = None, str(problem)
            self.status.value = f'<span style="color:#c62828">{html.escape(self.error)}</span>'
            self.gallery.value = ""
            return
        indices, scores = self.results.indices[0], self.results.scores[0]
        self.status.value = f"top {len(indices)} for <b>{html.escape(str(query))}</b>"
        labels = [f"{score:.3f} · {self.captions[i]}" for i, score in zip(indices, scores)]
        self.gallery.value = thumbnails_html([self.images[i] for i in indices], labels)

    @property
    def widget(self) -> widgets.VBox:
        """The app as one widget: query box, image picker, status line, results."""
        return widgets.VBox([widgets.HBox([self.query, self.picker]), self.status, self.gallery])

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)
