"""The page exporter skips nbconvert's BeautifulSoup pass: the page must be the one nbconvert's own
HTMLExporter makes, up to that pass's re-serialisation, and an image without alt text still gets one."""

from __future__ import annotations

import io

import nbformat
import numpy as np
import pytest
from matplotlib.figure import Figure

from kinerja_analysis.paths import TEMPLATES
from kinerja_analysis.report import page as report
from kinerja_analysis.report.charts import base
from kinerja_analysis.run import render

_RESOURCES = {
    "ka": {
        "lang": "en",
        "title": "T",
        "report_name": "r",
        "synthetic": True,
        "banner": "SYNTHETIC",
        "css": "",
        "js": "",
        "footer": "f",
        "t": {"code": "Code"},
    }
}


def _stock_exporter(show_code: bool):
    """What render.exporter built before: nbconvert's HTMLExporter with the same settings."""
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    exp = HTMLExporter(template_name="kinerja", extra_template_basedirs=[str(TEMPLATES)])
    exp.exclude_input = not show_code
    exp.exclude_input_prompt = True
    exp.exclude_output_prompt = True
    exp.embed_images = True
    exp.register_preprocessor(
        TagRemovePreprocessor(
            remove_cell_tags={"analyst", "remove_cell"}, remove_input_tags={"remove_input"}
        ),
        enabled=True,
    )
    return exp


def _notebook():
    nb = nbformat.v4.new_notebook()
    nb.metadata["language_info"] = {"name": "python"}
    nb.cells.append(nbformat.v4.new_markdown_cell("# Analyst note", metadata={"tags": ["analyst"]}))
    nb.cells.append(nbformat.v4.new_markdown_cell("Plain *markdown* & <b>bold</b> text"))
    fig, ax = base.new_figure(3, 2)
    ax.plot([0, 1], [1, 0])
    shown = []
    orig = report._display
    report._display = lambda obj, **kw: shown.append(obj)
    try:
        report.heading("Figures & tables")
        report.figure(fig, reading="A line that falls.")
        report.para("Ratio <1> 'quoted' \"double\"")
    finally:
        report._display = orig
    code = nbformat.v4.new_code_cell("x = 1\nx")
    code.outputs = [nbformat.v4.new_output("display_data", data=o) for o in shown]
    code.outputs.append(nbformat.v4.new_output("stream", name="stdout", text="printed <text>\n"))
    nb.cells.append(code)
    # an analyst's own figure: a bare image/png output, which nbconvert shows without alt text
    bare = nbformat.v4.new_code_cell("plt.plot([1, 2])")
    bare.outputs = [
        nbformat.v4.new_output(
            "display_data",
            data={
                "image/png": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8AAAAMBAQAY3Y2wAAAAAElFTkSuQmCC",
                "text/plain": "<Figure>",
            },
        )
    ]
    nb.cells.append(bare)
    return nb


@pytest.mark.parametrize("show_code", [False, True])
def test_page_is_nbconvert_page_without_the_soup_pass(show_code):
    from bs4 import BeautifulSoup

    nb = _notebook()
    ours, _ = render.exporter(show_code).from_notebook_node(nb, resources=dict(_RESOURCES))
    stock, _ = _stock_exporter(show_code).from_notebook_node(nb, resources=dict(_RESOURCES))
    # nbconvert's last step is BeautifulSoup(html).__str__(): applied to our page it gives its page exactly
    assert str(BeautifulSoup(ours, features="html.parser")) == stock
    assert ours != stock  # the pass did run in the stock exporter (entities, void tags re-serialised)
    assert ours.count('alt="No description has been provided for this image"') == 1
    assert "Analyst note" not in ours and "A line that falls." in ours


def test_a_page_with_a_jp_notebook_element_gets_nbconvert_own_pass():
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [
        nbformat.v4.new_output(
            "display_data",
            data={"text/html": '<div class="jp-Notebook"><div class="jp-OutputArea-output">y</div></div>'},
        )
    ]
    nb.cells.append(cell)
    ours, _ = render.exporter(False).from_notebook_node(nb, resources=dict(_RESOURCES))
    stock, _ = _stock_exporter(False).from_notebook_node(nb, resources=dict(_RESOURCES))
    assert ours == stock and 'tabindex="0"' in ours


def test_agg_figure_draws_the_same_png_as_a_bare_figure():
    from PIL import Image

    def png(fig):
        ax = fig.subplots()
        ax.bar(["a", "b"], [3, 1], hatch="//", label="bars")
        ax.set_title("A title", loc="left")
        ax.legend(loc="upper left", bbox_to_anchor=(0, -0.12))
        fig.text(0.01, 0.01, "Source: x", fontsize=8)
        fig.tight_layout(rect=(0, 0.04, 1, 1))
        buf = io.BytesIO()
        fig.savefig(buf, format="png", bbox_inches="tight")
        return np.asarray(Image.open(io.BytesIO(buf.getvalue())))

    fig = base.agg_figure(figsize=(4, 3))
    assert type(fig.canvas).__name__ == "FigureCanvasAgg"
    a, b = png(fig), png(Figure(figsize=(4, 3)))
    assert a.shape == b.shape and np.array_equal(a, b)


def test_killed_kernel_is_gone_when_shutdown_returns():
    """IPCKernelManager looks for a killed kernel every 10 ms: shutdown still waits until it is gone."""
    import asyncio

    from kinerja_analysis.run import kernels

    async def go():
        km = kernels.manager_for("test-quick-ready")(kernel_name=kernels.KERNEL_NAME)
        await km.start_kernel()
        kc = km.client()
        kc.start_channels()
        try:
            await kc.wait_for_ready(timeout=60)
            reply = await kc.execute_interactive("print(6 * 7)", timeout=60, output_hook=seen.append)
            assert reply["content"]["status"] == "ok"
        finally:
            kc.stop_channels()
            await km.shutdown_kernel(now=True)  # waits (IPCKernelManager._async_wait) until it is gone
        assert not await km.is_alive()

    seen: list = []
    asyncio.run(go())
    streams = [m["content"]["text"] for m in seen if m["msg_type"] == "stream"]
    assert streams == ["42\n"]
    assert kernels.live_kernels("test-quick-ready") == []
