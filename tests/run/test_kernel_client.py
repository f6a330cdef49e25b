"""The pipeline's kernel client: ready once IOPub has joined, so that the first cell's
output is never lost (what jupyter_client's fixed 0.2 s wait was for)."""

from __future__ import annotations

import pytest
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync

from helpers.run import pipeline
from helpers.run.kernel_client import PipelineKernelClient


@pytest.mark.e2e
def test_the_first_output_after_ready_arrives_on_iopub():
    km = AsyncKernelManager(kernel_name="python3", client_class=pipeline.CLIENT_CLASS)

    async def scenario() -> list[str]:
        await km.start_kernel(extra_arguments=pipeline.KERNEL_ARGUMENTS)
        try:
            texts = []
            for _ in range(3):  # a fresh client each time, as each notebook has
                kc = km.client()
                assert isinstance(kc, PipelineKernelClient)
                kc.start_channels()
                await kc.wait_for_ready(timeout=60)
                msg_id = kc.execute("print('届いた')")
                while True:
                    msg = await kc.get_iopub_msg(timeout=30)
                    if msg["parent_header"].get("msg_id") != msg_id:
                        continue
                    if msg["msg_type"] == "stream":
                        texts.append(msg["content"]["text"])
                    if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                        break
                kc.stop_channels()
            return texts
        finally:
            await km.shutdown_kernel(now=True)

    assert run_sync(scenario)() == ["届いた\n"] * 3


def test_a_dead_kernel_is_told():
    class Dead(PipelineKernelClient):
        async def _reply(self, msg_id, timeout):
            return None

        async def is_alive(self):
            return False

        def kernel_info(self):
            return "x"

    with pytest.raises(RuntimeError, match="died"):
        run_sync(Dead().wait_for_ready)(timeout=5)
