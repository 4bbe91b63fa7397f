"""A scene playground: compose a toy-world picture and watch the model read it.

Introduced in notebooks/05_compositional_failures.ipynb (minimal pairs: swap the colours, the
shapes or the places of two objects and see whether the model's ranking of the captions
follows) and used again in notebooks/06_text_in_image.ipynb (write a word into the picture and
watch the zero-shot labels move). Like the search app, it keeps its state — the scene, the
rankings, the last error — on the object, where tests and learners can read it.
"""

from __future__ import annotations

import html
from dataclasses import replace
from typing import Any

import ipywidgets as widgets
import numpy as np

from mmlab.plots import grid_html
from mmlab.similarity import cosine_matrix
from mmlab.toyworld import COLORS, RENDERED_WORDS, SHAPES, SIZES, caption, render
from mmlab.toyworld.scenes import GRID_COLS, GRID_ROWS, Scene, ToyObject

CELLS = [(row, col) for row in range(GRID_ROWS) for col in range(GRID_COLS)]
PLACE_NAMES = {(r, c): f"{('top', 'middle', 'bottom')[r]} {('left', 'centre', 'right')[c]}"
               for r, c in CELLS}  # fmt: skip


def minimal_pairs(scene: Scene) -> dict[str, str]:
    """The scene's own caption and, for two or more objects, the captions of the scene with the
    first two objects' colours, shapes or places swapped (those that read differently).
    Returns {what changed: caption}, the scene's own caption first."""
    found = {"this picture": caption(scene)}
    if len(scene.objects) >= 2:
        first, second, *rest = scene.objects
        swaps = {
            "colours swapped": ("color", "color"),
            "shapes swapped": ("shape", "shape"),
            "places swapped": ("row", "col"),
        }
        for name, fields in swaps.items():
            a = replace(first, **{f: getattr(second, f) for f in set(fields)})
            b = replace(second, **{f: getattr(first, f) for f in set(fields)})
            text = caption(replace(scene, objects=(a, b, *rest)))
            if text not in found.values():
                found[name] = text
    return found


class ScenePlayground:
    """Compose a scene (two objects: shape, colour, size, place; an optional written word) and
    see the picture, the model's ranking of its minimal-pair captions and its top zero-shot
    labels ("a red circle", ...), updated on every change.

    `ScenePlayground(model)`; display the object to show it. `scene()` builds the scene from the
    controls, `rank()` returns (captions ranked, labels ranked) as lists of (text, score).
    """

    def __init__(self, model: Any, size: int = 128, top: int = 5):
        self.model, self.size, self.top = model, size, top
        self.labels = [f"a {color} {shape}" for color in COLORS for shape in SHAPES]
        self._label_vectors = model.encode_text(self.labels)
        self.error: str | None = None
        self.captions: list[tuple[str, float]] = []
        self.zero_shot: list[tuple[str, float]] = []
        self.objects = [self._object_controls(i, default) for i, default in enumerate(
            [("circle", "red", "large", (0, 0)), ("square", "blue", "small", (1, 2))]
        )]  # fmt: skip
        self.second = widgets.Checkbox(value=True, description="second object")
        self.word = widgets.Dropdown(options=[("none", ""), *[(w, w) for w in RENDERED_WORDS]],
                                     value="", description="word")  # fmt: skip
        self.picture, self.readout = widgets.HTML(), widgets.HTML()
        for control in self._controls():
            control.observe(lambda _: self.update(), names="value")
        self.update()

    def _object_controls(self, index: int, default: tuple) -> dict[str, widgets.Dropdown]:
        shape, color, size, cell = default
        options = {"shape": SHAPES, "color": tuple(COLORS), "size": SIZES}
        controls = {
            name: widgets.Dropdown(options=values, value=value, description=name,
                                   layout={"width": "190px"})
            for (name, values), value in zip(options.items(), (shape, color, size))
        }  # fmt: skip
        controls["cell"] = widgets.Dropdown(
            options=[(PLACE_NAMES[c], c) for c in CELLS], value=cell, description="place",
            layout={"width": "190px"},
        )  # fmt: skip
        return controls

    def _controls(self) -> list[widgets.Widget]:
        return [c for obj in self.objects for c in obj.values()] + [self.second, self.word]

    def scene(self) -> Scene:
        """The scene the controls describe; ValueError (from the toy world) if it cannot exist."""
        chosen = self.objects if self.second.value else self.objects[:1]
        objects = tuple(
            ToyObject(c["shape"].value, c["color"].value, c["size"].value, *c["cell"].value)
            for c in chosen
        )
        return Scene(objects, word=self.word.value or None)

    def rank(self, scene: Scene) -> tuple[list[tuple[str, float]], list[tuple[str, float]]]:
        """Cosines of the picture with its minimal-pair captions and with the zero-shot labels,
        each sorted best first (labels cut to `top`)."""
        picture = self.model.encode_image([render(scene, 64)])
        pairs = list(minimal_pairs(scene).values())
        to_captions = cosine_matrix(picture, self.model.encode_text(pairs))[0]
        to_labels = cosine_matrix(picture, self._label_vectors)[0]
        by_caption = sorted(zip(pairs, to_captions.tolist()), key=lambda p: -p[1])
        best = np.argsort(-to_labels)[: self.top]
        return by_caption, [(self.labels[i], float(to_labels[i])) for i in best]

    def update(self) -> None:
        """Rebuild the scene from the controls, re-rank and redraw (called on every change)."""
        try:
            scene = self.scene()
        except ValueError as problem:
            self.error, self.captions, self.zero_shot = str(problem), [], []
            self.readout.value = f'<span style="color:#c62828">{html.escape(self.error)}</span>'
            return
        self.error = None
        self.captions, self.zero_shot = self.rank(scene)
        own = caption(scene)
        self.picture.value = grid_html([render(scene, 64)], [own], self.size)
        rows = lambda pairs: "".join(  # noqa: E731
            f"<li>{score:+.3f} {'<b>' if text == own else ''}{html.escape(text)}"
            f"{'</b>' if text == own else ''}</li>"
            for text, score in pairs
        )
        self.readout.value = (
            f"<b>captions, best first</b> (this picture's own in bold)<ol>{rows(self.captions)}"
            f"</ol><b>zero-shot labels, top {self.top}</b><ol>{rows(self.zero_shot)}</ol>"
        )

    @property
    def widget(self) -> widgets.Box:
        """Controls on the left, the picture and the model's readings on the right."""
        columns = [widgets.VBox(list(obj.values())) for obj in self.objects]
        controls = widgets.VBox([widgets.HBox(columns), self.second, self.word])
        results = widgets.VBox([self.picture, self.readout], layout={"min_width": "280px"})
        return widgets.HBox([controls, results], layout={"flex_flow": "row wrap"})

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)
