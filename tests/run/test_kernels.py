"""The kernel client of the runner's kernels: ready as soon as the kernel answers, and every output of the
first cell still arrives (the shortened start-up wait loses nothing)."""

from __future__ import annotations

import nbformat
import pytest
from jupyter_client.utils import run_sync
from nbclient import NotebookClient

from kinerja_analysis.run import kernels


def test_manager_hands_out_the_quick_client():
    km = kernels.IPCKernelManager(kernel_name=kernels.KERNEL_NAME)
    assert isinstance(km.client(), kernels.QuickReadyClient)


@pytest.mark.slow
def test_first_cell_outputs_arrive_in_full():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("print('first'); import sys; print('err', file=sys.stderr); 6 * 7"),
        nbformat.v4.new_code_cell("print('second')"),
    ]
    km = kernels.IPCKernelManager(kernel_name=kernels.KERNEL_NAME)
    try:
        NotebookClient(nb, km=km, timeout=60).execute()
    finally:  # the kernel goes, and leaves nothing in the registry for the next test
        if km.has_kernel:
            run_sync(km.shutdown_kernel)(now=True)
    assert kernels.live_kernels() == []
    first = nb.cells[0].outputs
    assert [o.get("text") for o in first if o["output_type"] == "stream"] == ["first\n", "err\n"]
    assert [o["data"]["text/plain"] for o in first if o["output_type"] == "execute_result"] == ["42"]
    assert nb.cells[1].outputs[0]["text"] == "second\n"
