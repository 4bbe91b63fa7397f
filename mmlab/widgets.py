"""ipywidgets apps for the lessons. Introduced in notebooks/04_cross_modal_search.ipynb.

Widget callbacks swallow exceptions (ipywidgets only logs them), so every app keeps its state —
the last results and the last error — on the object, where tests and learners can read it.
"""

from __future__ import annotations

import html
import warnings
from collections.abc import Sequence
from typing import Any

import ipywidgets as widgets
import numpy as np

from mmlab.plots import grid_html
from mmlab.similarity import TopK, cosine_matrix, top_k


def thumbnails_html(images: Sequence[Any], labels: Sequence[str], size: int = 96) -> str:
    """Return an HTML grid of thumbnails with a label under each (used by the search app)."""
    return grid_html(images, labels, size)


class SearchApp:
    """Search a gallery of images by text (type, then press Enter) or by one of its pictures.

    `SearchApp(model, images, captions)` encodes the gallery once; display the object to show it.
    Pass `image_vectors` (one row per image, from `model.encode_image(images)`) to reuse an index
    you already built instead of encoding the gallery again. Picking a picture shows the pictures
    closest to it (image → image) and the captions that fit it best (image → text). Warnings the
    model raises during a search (a word it does not know, say) are shown beside the results.
    `search_text(query)`, `search_image(index)` and `search_captions(index)` also work without
    the widgets.
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
        self.warnings: list[str] = []
        self._caption_vectors: Any = None
        self.query = widgets.Text(
            placeholder="describe an image, then press Enter",
            description="text",
            continuous_update=False,  # search on Enter (or leaving the box), not on every key
        )
        self.picker = widgets.Dropdown(
            options=[(f"{i}: {c}", i) for i, c in enumerate(self.captions)],
            value=None,
            description="image",
        )
        self.status = widgets.HTML()
        self.gallery = widgets.HTML()
        self.described = widgets.HTML()  # image → text: the captions that fit the picked picture
        self.query.observe(self._on_text, names="value")
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

    def search_captions(self, index: int) -> TopK:
        """Return the k gallery captions that fit gallery image `index` best (image → text)."""
        self.search_image(index)  # checks the index
        if self._caption_vectors is None:
            self._caption_vectors = self.model.encode_text(self.captions)
        return top_k(cosine_matrix(self.image_vectors[index], self._caption_vectors), self.k)

    def _on_text(self, change: dict) -> None:
        if change["new"] != "":  # "" is the box being cleared after a picture was picked
            self.picker.value = None  # so that picking the same picture again searches again
            self._run(self.search_text, change["new"])

    def _on_pick(self, change: dict) -> None:
        if change["new"] is not None:
            self.query.value = ""
            self._run(self.search_image, change["new"])

    def _run(self, search: Any, query: Any) -> None:
        """Search, keep the results (or the error) and any warnings, and redraw."""
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                self.results, self.error = search(query), None
                captions = self.search_captions(query) if search == self.search_image else None
            except ValueError as problem:
                self.results, self.error, captions = None, str(problem), None
        self.warnings = list(dict.fromkeys(str(w.message) for w in caught))
        self._draw(query, captions)

    def _draw(self, query: Any, captions: TopK | None) -> None:
        notes = "".join(
            f'<div style="color:#8a5a00">warning: {html.escape(w)}</div>' for w in self.warnings
        )
        self.described.value = ""
        if self.results is None:
            self.status.value = (
                f'<span style="color:#c62828">{html.escape(self.error)}</span>' + notes
            )
            self.gallery.value = ""
            return
        indices, scores = self.results.indices[0], self.results.scores[0]
        if isinstance(query, str):
            what = f"<b>{html.escape(query)}</b>"
        else:
            what = f"picture {query} (<i>{html.escape(self.captions[query])}</i>)"
        self.status.value = f"top {len(indices)} pictures for {what}" + notes
        labels = [f"{score:.3f} · {self.captions[i]}" for i, score in zip(indices, scores)]
        self.gallery.value = thumbnails_html([self.images[i] for i in indices], labels)
        if captions is not None:
            rows = "".join(
                f"<li>{score:.3f} · {html.escape(self.captions[i])}</li>"
                for i, score in zip(captions.indices[0], captions.scores[0])
            )
            self.described.value = f"<b>captions that fit picture {query} best</b><ol>{rows}</ol>"

    @property
    def widget(self) -> widgets.VBox:
        """The app as one widget: query box, image picker, status line, results."""
        controls = widgets.HBox([self.query, self.picker], layout={"flex_flow": "row wrap"})
        return widgets.VBox([controls, self.status, self.gallery, self.described])

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)
