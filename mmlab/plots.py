"""Interactive plotly figures for the lessons. Each builder returns a `plotly.graph_objects.Figure`
whose data the tests inspect; nothing is shown until the notebook displays it.

Introduced in notebooks/00_welcome.ipynb (image grids, drawn as HTML), 01 (similarity
matrices), 02 (training curves and frames, reference recall curves), 03 (shared-space maps) and 04 (bar charts). No figure
has a fixed width: each takes the notebook's width, so it fits a 1024-px window.
"""

from __future__ import annotations

import base64
import html
import io
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import plotly.colors
import plotly.graph_objects as go
from plotly.subplots import make_subplots

MODALITY_MARKERS = {"image": "circle", "text": "x", "audio": "diamond"}
# Plotly's own data (drawn by JupyterLab's plotly extension) plus an HTML copy with plotly.js
# inlined once per kernel, which `jupyter nbconvert --to html` keeps: figures appear in both,
# offline. (In a kernel plotly picks "plotly_mimetype" alone, which exported HTML cannot show.)
COURSE_RENDERER = "plotly_mimetype+notebook"


def use_course_renderer() -> str:
    """Make COURSE_RENDERER plotly's default and return its name. Called by `mmlab.setup()`."""
    import plotly.io

    plotly.io.renderers.default = COURSE_RENDERER
    return COURSE_RENDERER


def _title(text: str, width: int = 50) -> str:
    """Wrap a figure title onto lines of at most `width` characters (plotly does not wrap)."""
    return "<br>".join(textwrap.wrap(text, width)) if text else text


def _short(text: str, width: int = 28) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _data_uri(image: Any, size: int = 64) -> str:
    """Return a PNG data URI of a PIL image (or HxWx3 uint8 array), resized to `size` px."""
    from PIL import Image

    picture = image if isinstance(image, Image.Image) else Image.fromarray(np.asarray(image))
    picture = picture.convert("RGB")
    picture.thumbnail((size, size))
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def similarity_matrix(
    scores: Any,
    images: Sequence[Any] | None = None,
    texts: Sequence[str] | None = None,
    title: str = "cosine similarity: images (rows) × captions (columns)",
    zrange: tuple[float, float] | None = None,
) -> go.Figure:
    """Heatmap of an images × texts score matrix, thumbnails down the side, captions along the top.

    Introduced in notebooks/01_shared_space.ipynb.
    """
    matrix = np.asarray(scores, dtype=float)
    if matrix.ndim != 2:
        raise ValueError(f"scores must be 2-D, got shape {matrix.shape}")
    n_rows, n_cols = matrix.shape
    if images is not None and len(images) != n_rows:
        raise ValueError(f"{len(images)} images for {n_rows} rows")
    if texts is not None and len(texts) != n_cols:
        raise ValueError(f"{len(texts)} texts for {n_cols} columns")
    columns = (
        [_short(t) for t in texts] if texts is not None else [f"text {j}" for j in range(n_cols)]
    )
    hover = [
        [[row, texts[j] if texts is not None else f"text {j}"] for j in range(n_cols)]
        for row in range(n_rows)
    ]
    low, high = zrange if zrange is not None else (float(matrix.min()), float(matrix.max()))
    figure = go.Figure(
        go.Heatmap(
            z=matrix,
            x=list(range(n_cols)),
            y=list(range(n_rows)),
            customdata=hover,
            colorscale="Viridis",
            zmin=low,
            zmax=high,
            text=np.round(matrix, 2),
            texttemplate="%{text}" if n_rows * n_cols <= 144 else None,
            hovertemplate=(
                "picture %{customdata[0]}<br>caption %{x}: %{customdata[1]}"
                "<br>score %{z:.3f}<extra></extra>"
            ),
        )
    )
    # Captions under the matrix (the title keeps the top to itself), thumbnails down the left.
    figure.update_xaxes(
        tickvals=list(range(n_cols)), ticktext=columns, tickangle=-40, side="bottom",
        automargin=True,
    )  # fmt: skip
    figure.update_yaxes(autorange="reversed", tickvals=list(range(n_rows)), ticktext=[""] * n_rows)
    if images is not None:
        for row, image in enumerate(images):
            figure.add_layout_image(
                source=_data_uri(image), xref="paper", yref="y", x=-0.01, y=row,
                sizex=0.9, sizey=0.9, xanchor="right", yanchor="middle", layer="above",
            )  # fmt: skip
    figure.update_layout(title=_title(title), height=240 + 48 * n_rows, margin={"l": 80, "t": 80})
    return figure


def confusion_panels(
    panels: dict[str, Any], rows: Sequence[str], columns: Sequence[str], title: str = ""
) -> go.Figure:
    """Count matrices one above the other, one heatmap per panel ({panel title: (rows x
    columns)}), labelled along both axes and with the counts written in the cells (stacked, so
    that each panel has the page's width for its column labels).

    Introduced in notebooks/06_text_in_image.ipynb (where the errors of an attacked model land).
    """
    if not panels:
        raise ValueError("panels is empty")
    for name, counts in panels.items():
        shape = np.shape(counts)
        if shape != (len(rows), len(columns)):
            raise ValueError(
                f"panel {name!r} has shape {shape}; expected ({len(rows)}, {len(columns)})"
            )
    figure = make_subplots(
        len(panels), 1, subplot_titles=list(panels), shared_xaxes=True, vertical_spacing=0.08
    )
    high = max(float(np.max(counts)) for counts in panels.values())
    for i, counts in enumerate(panels.values(), start=1):
        matrix = np.asarray(counts, dtype=float)
        figure.add_trace(
            go.Heatmap(
                z=matrix,
                x=list(columns),
                y=list(rows),
                zmin=0,
                zmax=high,
                colorscale="Blues",
                text=matrix.astype(int),
                texttemplate="%{text}",
                showscale=i == len(panels),
                hovertemplate="%{y} → %{x}: %{z:.0f}<extra></extra>",
            ),  # fmt: skip
            row=i,
            col=1,
        )
        figure.update_yaxes(autorange="reversed", row=i, col=1)
        figure.update_xaxes(showticklabels=True, row=i, col=1)
    figure.update_layout(title=_title(title, 70), height=320 * len(panels) + 140, margin={"t": 120})
    return figure


def training_curves(history: Any) -> go.Figure:
    """Loss, logit scale and (if logged) validation recall against the step, in three panels.

    `history` has `.step`, `.loss`, the logit scale as `.scale` (mmlab.training.History) or
    `.logit_scale`, and optionally `.eval_step` and a recall list.
    Introduced in notebooks/02_contrastive_training.ipynb.
    """
    scales = getattr(history, "scale", None)
    scales = history.logit_scale if scales is None else scales
    figure = make_subplots(
        rows=1, cols=3, subplot_titles=("loss", "logit scale", "val recall"), horizontal_spacing=0.1
    )
    steps = list(getattr(history, "step", range(1, len(history.loss) + 1)))
    figure.add_trace(go.Scatter(x=steps, y=list(history.loss), name="loss"), row=1, col=1)
    figure.add_trace(go.Scatter(x=steps, y=list(scales), name="logit scale"), row=1, col=2)
    for name in ("val_recall_at_5", "val_recall_at_1"):
        values = getattr(history, name, None)
        if values:
            label = name.replace("val_recall_at_", "text→image R@")
            figure.add_trace(
                go.Scatter(x=list(history.eval_step), y=list(values), name=label), row=1, col=3
            )
    figure.update_xaxes(title_text="step")
    # No fixed width: the figure takes the notebook's width, so all three panels stay in view.
    figure.update_layout(height=320, margin={"t": 50}, legend={"orientation": "h", "y": -0.3})
    return figure


def recall_curves(
    reference: dict[str, dict[str, Sequence[float]]],
    runs: dict[str, dict[str, Sequence[float]]] | None = None,
    title: str = "",
) -> go.Figure:
    """Validation Recall@5 and Recall@1 against the step, one colour per experiment, in two panels.

    `reference` maps a label to {"step": [...], "recall_at_5": [...], "recall_at_1": [...]}
    (solid lines); `runs`, the same for the learner's own runs, are drawn dashed with markers (a
    short run may have one validation) in the colour of the reference with the same label.
    Introduced in notebooks/02_contrastive_training.ipynb.
    """
    palette = plotly.colors.qualitative.Plotly
    colours = {label: palette[i % len(palette)] for i, label in enumerate(reference)}
    figure = make_subplots(
        rows=1, cols=2, subplot_titles=("text→image Recall@5", "text→image Recall@1"),
        horizontal_spacing=0.08,
    )  # fmt: skip
    for curves, dash, suffix in ((reference, "solid", ""), (runs or {}, "dash", " (yours)")):
        for label, curve in curves.items():
            colour = colours.get(label, "gray")
            for col, key in ((1, "recall_at_5"), (2, "recall_at_1")):
                figure.add_trace(
                    go.Scatter(
                        x=list(curve["step"]), y=list(curve[key]), name=label + suffix,
                        legendgroup=label + suffix, showlegend=col == 1,
                        mode="lines" if dash == "solid" else "lines+markers",
                        line={"color": colour, "dash": dash},
                    ),  # fmt: skip
                    row=1, col=col,
                )  # fmt: skip
    figure.update_xaxes(title_text="step")
    figure.update_yaxes(range=[0, 1.02])
    # No fixed width: the figure takes the notebook's width; the legend sits below both panels.
    figure.update_layout(
        title=_title(title, 80), height=460, margin={"t": 70},
        legend={"orientation": "h", "y": -0.2},
    )  # fmt: skip
    return figure


def matrix_frames(matrices: Sequence[Any], labels: Sequence[str], title: str = "") -> go.Figure:
    """One heatmap per training moment with a slider to step through them (the batch's similarity
    matrix becoming diagonal). Introduced in notebooks/02_contrastive_training.ipynb."""
    if not matrices or len(matrices) != len(labels):
        raise ValueError(
            f"need one label per matrix; got {len(matrices)} matrices, {len(labels)} labels"
        )
    arrays = [np.asarray(m, dtype=float) for m in matrices]
    low = min(float(a.min()) for a in arrays)
    high = max(float(a.max()) for a in arrays)
    heat = lambda a: go.Heatmap(z=a, zmin=low, zmax=high, colorscale="Viridis")  # noqa: E731
    figure = go.Figure(
        data=[heat(arrays[0])],
        frames=[go.Frame(data=[heat(a)], name=n) for a, n in zip(arrays, labels)],
    )
    steps = [
        {
            "label": name,
            "method": "animate",
            "args": [[name], {"mode": "immediate", "frame": {"duration": 0}}],
        }
        for name in labels
    ]
    figure.update_layout(
        title=_title(title),
        sliders=[{"steps": steps, "currentvalue": {"prefix": "after step "}}],
        height=480,
        width=520,
    )
    figure.update_yaxes(autorange="reversed", title_text="image")
    figure.update_xaxes(title_text="caption")
    return figure


def embedding_map(
    points: Any,
    modality: Sequence[str],
    concept: Sequence[str],
    hover: Sequence[str] | None = None,
    pairs: Sequence[tuple[int, int]] = (),
    title: str = "",
    colors: dict[str, str] | None = None,
) -> go.Figure:
    """2-D map of embeddings: colour = concept, marker = modality, faint lines join matched pairs.

    `points` is (n, 2), e.g. from UMAP or PCA. A concept has the same colour in every modality:
    `colors` maps each concept to a CSS colour (default: plotly's qualitative palette in sorted
    concept order). Introduced in notebooks/03_shared_space_map.ipynb. Returns the Figure.
    """
    xy = np.asarray(points, dtype=float)
    if xy.ndim != 2 or xy.shape[1] != 2:
        raise ValueError(f"points must be (n, 2), got shape {xy.shape}")
    n = len(xy)
    for name, values in (("modality", modality), ("concept", concept), ("hover", hover)):
        if values is not None and len(values) != n:
            raise ValueError(f"{name} has {len(values)} entries for {n} points")
    unknown = sorted(set(modality) - set(MODALITY_MARKERS))
    if unknown:
        raise ValueError(f"unknown modality {unknown[0]!r}; allowed: {sorted(MODALITY_MARKERS)}")
    figure = go.Figure()
    if pairs:
        xs, ys = [], []
        for a, b in pairs:
            xs += [xy[a, 0], xy[b, 0], None]
            ys += [xy[a, 1], xy[b, 1], None]
        figure.add_trace(
            go.Scatter(x=xs, y=ys, mode="lines", line={"width": 0.5, "color": "rgba(120,120,120,0.3)"},
                       hoverinfo="skip", name="matched pairs")
        )  # fmt: skip
    labels = hover if hover is not None else [f"{m}: {c}" for m, c in zip(modality, concept)]
    palette = plotly.colors.qualitative.Plotly
    concepts = sorted(set(concept))
    colors = colors or {name: palette[i % len(palette)] for i, name in enumerate(concepts)}
    missing = [name for name in concepts if name not in colors]
    if missing:
        raise ValueError(
            f"colors has no entry for concept {missing[0]!r}; it lists {sorted(colors)}"
        )
    for kind in MODALITY_MARKERS:
        for name in concepts:
            index = [i for i in range(n) if modality[i] == kind and concept[i] == name]
            if not index:
                continue
            figure.add_trace(
                go.Scatter(
                    x=xy[index, 0], y=xy[index, 1], mode="markers", name=f"{name} ({kind})",
                    legendgroup=name, marker={"symbol": MODALITY_MARKERS[kind], "size": 7, "color": colors[name]},
                    text=[labels[i] for i in index], hovertemplate="%{text}<extra></extra>",
                )
            )  # fmt: skip
    figure.update_layout(title=_title(title), height=560)
    return figure


def grid_html(
    images: Sequence[Any], captions: Sequence[str], size: int = 96, title: str = ""
) -> str:
    """HTML for a wrapping grid of thumbnails, each with its caption underneath.

    Thumbnails are `size` px (upscaled pixel by pixel, never blurred); captions wrap inside their
    cell, so they cannot run into a neighbour; a caption's "\n" starts a new line. Used by
    `image_grid` and by the search apps in mmlab.widgets. Returns the HTML string.
    """
    cells = [
        f'<figure class="mmlab-grid-cell" style="margin:0;width:{size + 12}px">'
        f'<img src="{_data_uri(image, max(size, 64))}" width="{size}" height="{size}" alt=""'
        f' style="display:block;margin:0 auto;image-rendering:pixelated"/>'
        f'<figcaption class="mmlab-grid-caption" style="font-size:12px;line-height:1.3;'
        f'margin-top:4px;text-align:center;overflow-wrap:anywhere">'
        f"{html.escape(caption).replace(chr(10), '<br>')}</figcaption></figure>"
        for image, caption in zip(images, captions)
    ]
    heading = (
        f'<div style="font-weight:bold;margin:4px 0">{html.escape(title)}</div>' if title else ""
    )
    return (
        f'<div class="mmlab-grid">{heading}<div style="display:flex;flex-wrap:wrap;gap:10px 8px;'
        f'align-items:flex-start">{"".join(cells)}</div></div>'
    )


@dataclass
class ImageGrid:
    """Thumbnails with a caption each, drawn as HTML (JupyterLab, exported HTML, any browser).

    Made by `image_grid`; `images`, `titles`, `size` and `title` stay readable for tests.
    """

    images: list
    titles: list[str]
    size: int = 96
    title: str = ""

    def _repr_html_(self) -> str:
        return grid_html(self.images, self.titles, self.size, self.title)


def image_grid(
    images: Sequence[Any], titles: Sequence[str], title: str = "", size: int = 96
) -> ImageGrid:
    """A grid of thumbnails with a caption each (search results with their scores, a quadruple
    of pictures with their captions). Thumbnails are at least 96 px so that small details, such
    as words written in a picture, can be read.

    Introduced in notebooks/00_welcome.ipynb. Returns an `ImageGrid`; display it to draw it.
    """
    if len(images) != len(titles) or not len(images):
        raise ValueError(
            f"need one title per image; got {len(images)} images, {len(titles)} titles"
        )
    if size < 96:
        raise ValueError(f"size={size}: thumbnails under 96 px are too small to read")
    return ImageGrid(list(images), [str(t) for t in titles], size, title)


def compare_bars(
    groups: dict[str, dict[str, float]], title: str = "", yaxis: str = ""
) -> go.Figure:
    """Grouped bars: {series: {category: value}}, e.g. toy model vs published CLIP vs chance.

    Introduced in notebooks/03_shared_space_map.ipynb.
    """
    if not groups:
        raise ValueError("groups is empty")
    figure = go.Figure(
        [
            go.Bar(name=series, x=list(values), y=list(values.values()))
            for series, values in groups.items()
        ]
    )
    figure.update_layout(barmode="group", title=_title(title), yaxis_title=yaxis, height=420)
    return figure
