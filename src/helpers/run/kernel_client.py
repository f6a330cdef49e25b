"""The client papermill (nbclient) talks to the pipeline's kernel through.

jupyter_client's ``wait_for_ready``, called as each notebook begins, ends by waiting
for IOPub to stay quiet for 0.2 s, and waits 0.2 s more whenever IOPub had not yet
joined when the kernel answered (ZeroMQ's subscription takes a moment): about 0.2 s of
every notebook's time, three times a period. This client waits as long as the kernel
needs and no longer: it asks for ``kernel_info`` until IOPub carries the kernel's
*idle* status for that very request (IOPub has joined, and everything the kernel sent
before it has arrived), then hands over. The pipeline's kernel manager makes its clients
of this class (``client_class``); it is named there as a string, so that this module,
and jupyter_client with it, is imported only when a kernel starts.
"""

from __future__ import annotations

import math
import time
from queue import Empty

from jupyter_client.asynchronous.client import AsyncKernelClient

#: how long one kernel_info's idle status is waited for on IOPub before asking again
IOPUB_POLL_SECONDS = 0.05


class PipelineKernelClient(AsyncKernelClient):
    """An AsyncKernelClient ready as soon as the kernel has answered on both channels."""

    async def wait_for_ready(self, timeout: float | None = None) -> None:
        end = time.monotonic() + (math.inf if timeout is None else timeout)
        while time.monotonic() < end:
            msg_id = self.kernel_info()
            reply = await self._reply(msg_id, min(1.0, max(0.0, end - time.monotonic())))
            if reply is not None and await self._idle_seen(msg_id):
                if hasattr(self, "_handle_kernel_info_reply"):  # the protocol's version
                    self._handle_kernel_info_reply(reply)
                return
            if not await self.is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
        raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")

    async def _reply(self, msg_id: str, timeout: float) -> dict | None:
        """The kernel_info reply to ``msg_id`` on the shell channel, or None in ``timeout``."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            try:
                msg = await self.shell_channel.get_msg(timeout=max(0.0, end - time.monotonic()))
            except Empty:
                return None
            if msg["parent_header"].get("msg_id") == msg_id:
                return msg
        return None

    async def _idle_seen(self, msg_id: str) -> bool:
        """Whether IOPub carries the kernel's idle status for ``msg_id`` (reading up to it)."""
        while True:
            try:
                msg = await self.iopub_channel.get_msg(timeout=IOPUB_POLL_SECONDS)
            except Empty:
                return False
            if (
                msg["msg_type"] == "status"
                and msg["parent_header"].get("msg_id") == msg_id
                and msg["content"].get("execution_state") == "idle"
            ):
                return True
