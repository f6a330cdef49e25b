"""Section 5: the report in a browser (size, and load time in headless Chromium)."""

from __future__ import annotations

import re
import time
from pathlib import Path

from helpers.present import pdf as _pdf

from .common import CHROMIUM, CHROMIUM_ARGS, Sample, Settings, fmt_bytes, fmt_s

# every inline image, PNG or SVG
IMAGE_RE = re.compile(r"data:image/(?:png|svg\+xml);base64,([A-Za-z0-9+/=]+)")


def measure(s: Settings, report: Path) -> dict:
    from playwright.sync_api import sync_playwright

    res: dict = {"bytes": report.stat().st_size}
    load, launch = Sample(), Sample()
    url = report.resolve().as_uri()
    with sync_playwright() as pw:
        for _ in range(max(1, min(s.fast_runs, 3))):
            t0 = time.perf_counter()
            browser = _pdf.launch_chromium(pw)
            launch.values.append(time.perf_counter() - t0)
            browser.close()
        browser = _pdf.launch_chromium(pw)
        try:
            for _ in range(s.fast_runs):
                page = browser.new_page()
                t0 = time.perf_counter()
                page.goto(url, wait_until="load")
                load.values.append(time.perf_counter() - t0)
                res["images"] = page.evaluate("document.images.length")
                res["title"] = page.title()
                page.close()
        finally:
            browser.close()
    res["load"], res["launch"] = load, launch
    html = report.read_text(encoding="utf-8")
    res["image_bytes"] = sum(len(m) for m in IMAGE_RE.findall(html))
    return res


def summary(Q: dict) -> list[str]:
    return []


def markdown(Q: dict) -> list[str]:
    return [
        "## 5. The report in a browser",
        "",
        f"`report.html` of 2018-03: **{Q['bytes']:,} bytes** ({fmt_bytes(Q['bytes'])}), of which "
        f"{Q['image_bytes']:,} bytes ({Q['image_bytes'] / Q['bytes'] * 100:.0f} %) are the base64 charts "
        f"inlined in it ({Q.get('images', '?')} images). Headless Chromium (Playwright sync API, "
        f"`{CHROMIUM}`, flags {' '.join(CHROMIUM_ARGS)}) loads it with `page.goto(file URL, "
        f"wait_until='load')` in **{fmt_s(Q['load'].median)}** (median of {Q['load'].runs}, a new page "
        f"each time; range {Q['load'].spread() or '–'} s); launching the browser takes "
        f"{fmt_s(Q['launch'].median)} more (median of {Q['launch'].runs}).",
        "",
    ]
