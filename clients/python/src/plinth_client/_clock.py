"""Time, in one place, looked up at each call: tests replace these to run without waiting."""

from __future__ import annotations

import asyncio
import time

sleep = time.sleep
async_sleep = asyncio.sleep
monotonic = time.monotonic
