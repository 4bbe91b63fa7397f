"""Plot builders, checked on the figures' data rather than on "no exception"."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from PIL import Image

from mmlab import plots


def test_similarity_matrix_carries_scores_captions_and_thumbnails():
    scores = np.array([[0.9, 0.1], [0.2, 0.8], [0.3, 0.4]])
    images = [Image.new("RGB", (64, 64), c) for c in ("red", "blue", "green")]
    figure = plots.similarity_matrix(scores, images=images, texts=["a red one", "a blue one"])
    heat = figure.data[0]
    assert np.allclose(np.asarray(heat.z), scores)
    assert list(figure.layout.xaxis.ticktext) == ["a red one", "a blue one"]
    assert len(figure.layout.images) == 3
    assert figure.layout.images[1].source.startswith("data:image/png;base64,")
    assert heat.customdata[2][1] == [2, "a blue one"]


def test_similarity_matrix_checks_lengths():
    with pytest.raises(ValueError, match="3 texts for 2 columns"):
        plots.similarity_matrix(np.zeros((2, 2)), texts=["a", "b", "c"])


def test_training_curves_plot_each_series():
    history = SimpleNamespace(
        step=[1, 2, 3], loss=[3.0, 2.0, 1.5], logit_scale=[14.3, 15.0, 16.0],
        eval_step=[3], val_recall_at_5=[0.6],
    )  # fmt: skip
    figure = plots.training_curves(history)
    assert list(figure.data[0].y) == [3.0, 2.0, 1.5]
    assert list(figure.data[1].y) == [14.3, 15.0, 16.0]
    assert list(figure.data[2].x) == [3] and list(figure.data[2].y) == [0.6]


def test_training_curves_read_the_scale_of_a_train_history():
    from mmlab.training import History

    history = History(step=[1, 2], loss=[2.0, 1.0], scale=[14.3, 20.0])
    assert list(plots.training_curves(history).data[1].y) == [14.3, 20.0]


def test_recall_curves_draw_the_learners_runs_dashed_in_the_reference_colour():
    curve = {"step": [50, 100], "recall_at_5": [0.2, 0.6], "recall_at_1": [0.1, 0.3]}
    reference = {"A": curve, "B": {**curve, "recall_at_5": [0.1, 0.2]}}
    figure = plots.recall_curves(reference, {"B": {**curve, "step": [25, 50]}})
    traces = {(t.name, t.xaxis): t for t in figure.data}
    assert len(figure.data) == 6 and list(traces["B", "x"].y) == [0.1, 0.2]
    assert list(traces["A", "x2"].y) == [0.1, 0.3]  # the second panel is Recall@1
    yours = traces["B (yours)", "x"]
    assert yours.line.dash == "dash" and yours.line.color == traces["B", "x"].line.color
    assert traces["A", "x"].line.color != traces["B", "x"].line.color
    assert figure.layout.width is None


def test_matrix_frames_have_one_frame_per_matrix_and_a_slider():
    mats = [np.random.default_rng(i).random((4, 4)) for i in range(3)]
    figure = plots.matrix_frames(mats, ["0", "50", "100"])
    assert [f.name for f in figure.frames] == ["0", "50", "100"]
    assert np.allclose(np.asarray(figure.frames[2].data[0].z), mats[2])
    assert len(figure.layout.sliders[0].steps) == 3


def test_embedding_map_groups_by_modality_and_concept_with_pair_lines():
    points = np.array([[0, 0], [1, 1], [2, 2], [3, 3]], dtype=float)
    figure = plots.embedding_map(
        points,
        ["image", "text", "image", "text"],
        ["red", "red", "blue", "blue"],
        pairs=[(0, 1), (2, 3)],
    )
    lines = figure.data[0]
    assert lines.mode == "lines" and list(lines.x) == [0, 1, None, 2, 3, None]
    names = {trace.name: trace for trace in figure.data[1:]}
    assert set(names) == {"red (image)", "blue (image)", "red (text)", "blue (text)"}
    assert names["red (text)"].marker.symbol == "x" and list(names["blue (image)"].x) == [2.0]


def test_embedding_map_gives_a_concept_one_colour_in_every_modality():
    points = np.zeros((4, 2))
    modality, concept = ["image", "text", "image", "text"], ["red", "red", "blue", "blue"]
    default = plots.embedding_map(points, modality, concept)
    colour = {trace.name: trace.marker.color for trace in default.data}
    assert colour["red (image)"] == colour["red (text)"] != colour["blue (image)"]
    chosen = plots.embedding_map(points, modality, concept, colors={"red": "red", "blue": "blue"})
    assert {trace.name: trace.marker.color for trace in chosen.data}["blue (text)"] == "blue"
    with pytest.raises(ValueError, match="no entry for concept 'red'"):
        plots.embedding_map(points, modality, concept, colors={"blue": "blue"})


def test_embedding_map_rejects_unknown_modality():
    with pytest.raises(ValueError, match="unknown modality 'video'"):
        plots.embedding_map(np.zeros((1, 2)), ["video"], ["red"])


def test_image_grid_draws_html_thumbnails_of_at_least_96_px_with_wrapping_captions():
    images = [Image.new("RGB", (32, 32), "red")] * 7
    grid = plots.image_grid(images, [f"{i}: a <long> caption\nsecond line" for i in range(7)])
    page = grid._repr_html_()
    assert page.count("<img") == 7 and page.count('class="mmlab-grid-caption"') == 7
    assert 'width="96" height="96"' in page and "flex-wrap:wrap" in page
    assert "overflow-wrap:anywhere" in page  # long words wrap inside their cell
    assert "&lt;long&gt;" in page and "caption<br>second line" in page  # escaped, "\n" breaks
    with pytest.raises(ValueError, match="under 96 px"):
        plots.image_grid(images, ["x"] * 7, size=16)
    with pytest.raises(ValueError, match="7 images, 6 titles"):
        plots.image_grid(images, ["x"] * 6)


def test_no_figure_has_a_fixed_width():
    """A fixed width wider than the notebook hides part of a figure behind a scrollbar in a
    1024-px window; every builder leaves the width to the page."""
    history = SimpleNamespace(step=[1, 2, 3], loss=[3, 2, 1], logit_scale=[14, 15, 16])
    figures = [
        plots.similarity_matrix(np.eye(3), texts=["a", "b", "c"]),
        plots.training_curves(history),
        plots.embedding_map(np.zeros((2, 2)), ["image", "text"], ["red", "red"]),
        plots.compare_bars({"toy": {"a": 1.0}}),
    ]
    assert [figure.layout.width for figure in figures] == [None] * 4


def test_similarity_matrix_keeps_its_title_away_from_the_caption_labels_and_names_the_row():
    figure = plots.similarity_matrix(np.eye(2), texts=["a red one", "a blue one"], title="t")
    assert figure.layout.xaxis.side == "bottom" and figure.layout.xaxis.automargin
    heat = figure.data[0]
    assert heat.customdata[1][0] == [1, "a red one"]  # the row travels with each cell
    assert "picture %{customdata[0]}" in heat.hovertemplate and "%{y}" not in heat.hovertemplate


def test_the_course_renderer_serves_jupyterlab_and_exported_html():
    import plotly.io

    before = plotly.io.renderers.default
    try:
        assert plots.use_course_renderer() == plotly.io.renderers.default
        bundle = plotly.io.renderers._build_mime_bundle(
            plots.compare_bars({"toy": {"a": 1.0}}).to_dict()
        )
        assert {"application/vnd.plotly.v1+json", "text/html"} <= set(bundle)
        assert "notebook_connected" not in plotly.io.renderers.default  # that one needs a CDN
    finally:
        plotly.io.renderers.default = before


def test_compare_bars_series():
    figure = plots.compare_bars(
        {"toy": {"text": 0.4, "image": 0.2}, "CLIP": {"text": 0.31, "image": 0.1}}
    )
    assert [t.name for t in figure.data] == ["toy", "CLIP"] and list(figure.data[1].y) == [
        0.31,
        0.1,
    ]


def test_confusion_panels_label_both_axes_and_refuse_a_wrong_shape():
    rows, columns = ["a", "b"], ["x", "y", "z"]
    counts = np.array([[1, 0, 2], [0, 3, 0]])
    figure = plots.confusion_panels({"one": counts, "two": counts * 2}, rows, columns, title="t")
    assert len(figure.data) == 2 and list(figure.data[0].y) == rows
    assert list(figure.data[1].x) == columns and figure.data[1].z.max() == 6
    with pytest.raises(ValueError, match="panel 'bad' has shape"):
        plots.confusion_panels({"bad": counts.T}, rows, columns)
