// What the browser test asks the JupyterLab page (window.jupyterapp, exposed by the server flag
// --LabApp.expose_app_in_browser). Every check reads the page's own element boxes.
(() => {
  const app = window.jupyterapp;
  const PLOTLY = "application/vnd.plotly.v1+json";
  const WIDGET = "application/vnd.jupyter.widget-view+json";
  const state = { panel: null, run: null };

  const box = (el) => el.getBoundingClientRect();
  const overlap = (a, b) =>
    a.left < b.right - 1 && b.left < a.right - 1 && a.top < b.bottom - 1 && b.top < a.bottom - 1;
  const visible = (r) => r.width > 0 && r.height > 0;
  const label = (el) => JSON.stringify((el.textContent || "").trim().slice(0, 40));

  // Open a notebook, wait for its kernel; resolve when it is idle.
  async function open(path) {
    const panel = await app.commands.execute("docmanager:open", { path });
    await panel.context.ready;
    await panel.sessionContext.ready;
    state.panel = panel;
    state.run = null;
    return path;
  }

  function kernelIdle() {
    const kernel = state.panel && state.panel.sessionContext.session?.kernel;
    return !!kernel && kernel.status === "idle";
  }

  function runAll() {
    app.shell.activateById(state.panel.id);
    state.run = { done: false };
    app.commands.execute("notebook:run-all-cells").then(
      () => (state.run.done = true),
      (error) => Object.assign(state.run, { done: true, error: String(error) }),
    );
  }

  const runDone = () => !!state.run && state.run.done && kernelIdle();

  function outputs() {
    return state.panel.content.model.toJSON().cells.flatMap((cell, index) =>
      (cell.outputs || []).map((output) => ({ index, output })),
    );
  }

  // Cells that raised, and code cells that never ran (run-all stops at the first error).
  function cellProblems() {
    const problems = outputs()
      .filter(({ output }) => output.output_type === "error")
      .map(({ index, output }) => `cell ${index}: ${output.ename}: ${output.evalue}`);
    const cells = state.panel.content.model.toJSON().cells;
    cells.forEach((cell, index) => {
      if (cell.cell_type === "code" && cell.source.trim() && cell.execution_count == null)
        problems.push(`cell ${index} did not run`);
    });
    if (state.run && state.run.error) problems.push(`run-all failed: ${state.run.error}`);
    return problems;
  }

  // Counts of what the kernel sent and what the page drew. A widget's output holds a
  // .jupyter-widgets view, or the manager's "Error displaying widget: ..." text instead.
  function counts() {
    const node = state.panel.content.node;
    const sent = outputs().map(({ output }) => Object.keys(output.data || {}));
    const widgetError = /Error displaying widget|model not found/i;
    const areas = [...node.querySelectorAll(".jp-OutputArea-output")];
    const widgetAreas = areas.filter(
      (el) => el.querySelector(".jupyter-widgets") || widgetError.test(el.textContent),
    );
    return {
      plotlySent: sent.filter((keys) => keys.includes(PLOTLY)).length,
      plotlyDrawn: areas.filter((el) => {
        const svg = el.querySelector(".js-plotly-plot .main-svg");
        return svg && visible(box(svg));
      }).length,
      widgetsSent: sent.filter((keys) => keys.includes(WIDGET)).length,
      widgetsDrawn: widgetAreas.filter((el) => {
        const view = el.querySelector(".jupyter-widgets");
        return view && visible(box(view)) && !widgetError.test(el.textContent);
      }).length,
      widgetErrors: widgetAreas
        .filter((el) => widgetError.test(el.textContent))
        .map((el) => el.textContent.trim().slice(0, 120)),
    };
  }

  const widgetsSettled = () => {
    const c = counts();
    return c.widgetsDrawn + c.widgetErrors.length >= c.widgetsSent;
  };
  const drawn = () => counts().plotlyDrawn >= counts().plotlySent && widgetsSettled();

  // Problems a person would see: overlapping or cut text, figures wider than the page, tiny
  // thumbnails, curves squeezed into a sliver of their axis.
  function layoutProblems(minThumb) {
    const problems = [];
    const node = state.panel.content.node;
    const where = (el) => {
      const cell = el.closest(".jp-Cell");
      return `cell ${[...node.querySelectorAll(".jp-Cell")].indexOf(cell)}`;
    };
    for (const area of node.querySelectorAll(".jp-OutputArea-output")) {
      if (area.scrollWidth > area.clientWidth + 2)
        problems.push(`${where(area)}: output is ${area.scrollWidth} px wide in a ${area.clientWidth}-px column (scrollbar)`);
    }
    for (const plot of node.querySelectorAll(".js-plotly-plot")) {
      problems.push(...plotProblems(plot).map((p) => `${where(plot)}: ${p}`));
    }
    for (const grid of node.querySelectorAll(".mmlab-grid")) {
      problems.push(...gridProblems(grid, minThumb).map((p) => `${where(grid)}: ${p}`));
    }
    return problems;
  }

  function plotProblems(plot) {
    const problems = [];
    const svg = box(plot.querySelector(".main-svg"));
    const title = plot.querySelector(".gtitle");
    const texts = (sel) => [...plot.querySelectorAll(sel)].filter((el) => visible(box(el)));
    const ticks = texts(".xaxislayer-above .xtick text, .yaxislayer-above .ytick text");
    const notes = texts(".annotation-text-g");
    const sliders = texts(".slider-container text");
    if (title && visible(box(title))) {
      const t = box(title);
      if (t.left < svg.left - 1 || t.right > svg.right + 1 || t.top < svg.top - 1)
        problems.push(`title ${label(title)} is cut off`);
      for (const other of [...ticks, ...notes])
        if (overlap(t, box(other))) problems.push(`title overlaps ${label(other)}`);
    }
    for (const s of sliders)
      for (const t of ticks)
        if (overlap(box(s), box(t))) problems.push(`slider text ${label(s)} overlaps ${label(t)}`);
    notes.forEach((a, i) =>
      notes.slice(i + 1).forEach((b) => {
        if (overlap(box(a), box(b))) problems.push(`annotations ${label(a)} and ${label(b)} overlap`);
      }),
    );
    for (const axis of plot.querySelectorAll(".xaxislayer-above, .yaxislayer-above")) {
      const labels = [...axis.querySelectorAll("text")].filter((el) => visible(box(el)));
      labels.forEach((a, i) =>
        labels.slice(i + 1).forEach((b) => {
          if (labelsCollide(a, b)) problems.push(`tick labels ${label(a)} and ${label(b)} overlap`);
        }),
      );
    }
    problems.push(...squeezedCurves(plot));
    return problems;
  }

  // Two tick labels collide when their boxes overlap; rotated labels (plotly's tickangle) are
  // parallel lines of text, which collide when their centre lines are closer than a line height.
  function labelsCollide(a, b) {
    const ra = box(a), rb = box(b);
    if (!overlap(ra, rb)) return false;
    const turn = (el) => Number((/rotate\((-?[\d.]+)/.exec(el.getAttribute("transform") || "") || [0, 0])[1]);
    const angle = turn(a);
    if (angle === 0 || angle !== turn(b)) return true;
    const t = (angle * Math.PI) / 180;
    const dx = (rb.left + rb.right - ra.left - ra.right) / 2;
    const dy = (rb.top + rb.bottom - ra.top - ra.bottom) / 2;
    const apart = Math.abs(-dx * Math.sin(t) + dy * Math.cos(t));
    return apart < 0.9 * parseFloat(getComputedStyle(a).fontSize);
  }

  // The scatter traces on an x axis should together fill a fair part of it: a shape or an
  // annotation put at the wrong coordinate stretches the axis and leaves the curve a sliver.
  function squeezedCurves(plot) {
    const problems = [];
    const layout = plot._fullLayout;
    const extents = {};
    for (const trace of plot._fullData || []) {
      if (trace.type !== "scatter" || !trace.x || trace.visible !== true) continue;
      const name = (trace.xaxis || "x").replace("x", "xaxis");
      const axis = layout[name];
      if (!axis || !["linear", "log"].includes(axis.type)) continue;
      const toAxis = (v) => (axis.type === "log" ? Math.log10(v) : Number(v));
      const xs = [...trace.x].filter((v) => v != null).map(toAxis).filter(Number.isFinite);
      const [lo, hi] = extents[name] || [Infinity, -Infinity];
      extents[name] = [Math.min(lo, ...xs), Math.max(hi, ...xs)];
    }
    for (const [name, [lo, hi]] of Object.entries(extents)) {
      const [from, to] = layout[name].range;
      const share = (hi - lo) / Math.abs(to - from);
      if (hi > lo && share < 0.3)
        problems.push(`the data fill ${(100 * share).toFixed(1)} % of ${name} (range ${from.toPrecision(3)} to ${to.toPrecision(3)})`);
    }
    return problems;
  }

  function gridProblems(grid, minThumb) {
    const problems = [];
    const images = [...grid.querySelectorAll("img")];
    const captions = [...grid.querySelectorAll(".mmlab-grid-caption")];
    for (const img of images) {
      const r = box(img);
      if (r.width < minThumb || r.height < minThumb)
        problems.push(`thumbnail ${Math.round(r.width)} × ${Math.round(r.height)} px (under ${minThumb})`);
    }
    images.forEach((a, i) =>
      images.slice(i + 1).forEach((b) => {
        const [ra, rb] = [box(a), box(b)];
        if (ra.top < rb.bottom && rb.top < ra.bottom && Math.abs(ra.top - rb.top) > 1)
          problems.push(`thumbnails in one row sit at staggered heights (${Math.round(ra.top - rb.top)} px)`);
      }),
    );
    const boxes = [...images, ...captions];
    boxes.forEach((a, i) =>
      boxes.slice(i + 1).forEach((b) => {
        if (overlap(box(a), box(b)))
          problems.push(`${a.tagName === "IMG" ? "a thumbnail" : label(a)} overlaps ${b.tagName === "IMG" ? "a thumbnail" : label(b)}`);
      }),
    );
    for (const caption of captions)
      if (caption.scrollWidth > caption.clientWidth + 1 || caption.scrollHeight > caption.clientHeight + 1)
        problems.push(`caption ${label(caption)} is cut off`);
    return problems;
  }

  async function save() {
    await state.panel.context.save();
  }

  async function closeAndShutdown() {
    const panel = state.panel;
    await panel.sessionContext.shutdown();
    panel.dispose();
    state.panel = null;
  }

  // Scroll the notebook to its top and return its full height in px.
  function scrollHeight() {
    for (const el of [state.panel.content.node, ...state.panel.content.node.querySelectorAll(".jp-WindowedPanel-outer")])
      el.scrollTop = 0;
    const scroller = state.panel.content.node.querySelector(".jp-WindowedPanel-outer");
    return Math.max(state.panel.content.node.scrollHeight, scroller ? scroller.scrollHeight : 0);
  }

  window.mmlab = {
    open, kernelIdle, runAll, runDone, cellProblems, counts, drawn, widgetsSettled, layoutProblems, save,
    closeAndShutdown, scrollHeight,
  };
})();
