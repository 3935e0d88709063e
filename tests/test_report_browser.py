"""Render the HTML report in a real headless Chromium and check what it shows."""

from __future__ import annotations

import html
import importlib.util
import json
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from bialign.export import to_html
from bialign.result import Alignment

pytestmark = pytest.mark.browser

# Tall enough to reach the first pair rows below the differences panel and the summary.
WIDTH, HEIGHT = 1200, 4000
TIMEOUT = 60


def _chromium() -> str | None:
    if Path("/usr/bin/chromium").is_file():
        return "/usr/bin/chromium"
    return shutil.which("chromium")


def _seed_alignment() -> Alignment:
    # The builder lives in test_export.py; load it by path so any pytest import mode works.
    path = Path(__file__).with_name("test_export.py")
    spec = importlib.util.spec_from_file_location("_bialign_test_export_fixture", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.build_seed_alignment()


@pytest.fixture(scope="module")
def chromium() -> str:
    exe = _chromium()
    if exe is None:
        pytest.skip("no Chromium: install it (apt-get install -y chromium) to run browser tests")
    return exe


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("report") / "report.html"
    to_html(_seed_alignment(), path)
    return path


def _run(chromium: str, tmp: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    cmd = [
        chromium,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--hide-scrollbars",
        f"--user-data-dir={tmp / 'profile'}",
        *args,
    ]
    try:
        proc = subprocess.run(cmd, capture_output=True, timeout=TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        pytest.fail(f"Chromium did not finish within {TIMEOUT} s: {' '.join(cmd)}")
    if proc.returncode != 0:
        tail = proc.stderr.decode("utf-8", "replace")[-2000:]
        pytest.fail(f"Chromium exited with {proc.returncode}:\n{tail}")
    return proc


def decode_png(data: bytes) -> tuple[int, int, int, list[bytes]]:
    """Decode an 8-bit, non-interlaced PNG with the standard library.

    Returns:
        Width, height, bytes per pixel and the unfiltered rows.
    """
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG file")
    pos, idat, header = 8, [], None
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    if header is None:
        raise ValueError("PNG without IHDR")
    width, height, depth, colour_type, _, _, interlace = header
    if depth != 8 or interlace:
        raise ValueError(f"unsupported PNG: depth {depth}, interlace {interlace}")
    bpp = {0: 1, 2: 3, 4: 2, 6: 4}[colour_type]
    raw = zlib.decompress(b"".join(idat))
    stride = width * bpp
    prev = bytearray(stride)
    rows = []
    for y in range(height):
        off = y * (stride + 1)
        kind, line = raw[off], bytearray(raw[off + 1 : off + 1 + stride])
        if kind == 1:  # Sub
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 255
        elif kind == 2:  # Up
            line = bytearray((a + b) & 255 for a, b in zip(line, prev, strict=True))
        elif kind == 3:  # Average
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 255
        elif kind == 4:  # Paeth
            for i in range(stride):
                a, c = (line[i - bpp], prev[i - bpp]) if i >= bpp else (0, 0)
                b = prev[i]
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else b if pb <= pc else c
                line[i] = (line[i] + pred) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, bpp, rows


def _near(colours: set[bytes], hex_colour: str, tolerance: int = 4) -> bool:
    want = bytes.fromhex(hex_colour.lstrip("#"))
    return any(all(abs(c[i] - want[i]) <= tolerance for i in range(3)) for c in colours)


@pytest.fixture(scope="module")
def screenshot(chromium, report, tmp_path_factory) -> bytes:
    tmp = tmp_path_factory.mktemp("shot")
    shot = tmp / "shot.png"
    _run(
        chromium,
        tmp,
        f"--screenshot={shot}",
        f"--window-size={WIDTH},{HEIGHT}",
        report.as_uri(),
    )
    assert shot.is_file(), "Chromium wrote no screenshot"
    return shot.read_bytes()


@pytest.fixture(scope="module")
def colours(screenshot) -> set[bytes]:
    width, height, bpp, rows = decode_png(screenshot)
    assert (width, height) == (WIDTH, HEIGHT)
    step = bpp * 2  # every other pixel is plenty to tell a page from a blank one
    return {row[i : i + 3] for row in rows for i in range(0, len(row) - bpp + 1, step)}


@pytest.fixture(scope="module")
def dom(chromium, report, tmp_path_factory) -> str:
    tmp = tmp_path_factory.mktemp("dom")
    return _run(chromium, tmp, "--dump-dom", report.as_uri()).stdout.decode("utf-8")


def test_screenshot_is_a_png_of_some_size(screenshot):
    """Chromium renders the report to a PNG of more than a few KB."""
    assert screenshot.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(screenshot) > 20_000


def test_screenshot_is_not_blank(colours):
    """The page shows text and colours, not an empty page."""
    assert len(colours) > 20


@pytest.mark.parametrize(
    ("what", "colour"),
    [("likely-right band", "#c9ebc9"), ("unsure band", "#fff0bd"), ("name mark", "#ffd33d")],
)
def test_screenshot_shows_the_styles(colours, what, colour):
    """The inline CSS applies: band backgrounds and name marks are painted."""
    assert _near(colours, colour), f"no {what} colour {colour} on the screenshot"


def test_dom_has_summary_and_rtl_cells(dom):
    """The rendered DOM holds the summary and right-to-left Arabic cells."""
    assert 'id="summary"' in dom and "Summary" in dom
    assert dom.count('dir="rtl" lang="ar"') >= 16
    assert "<mark" in dom


# Measures the rendered report (added to a copy of it only: the report itself has no script)
# and writes the findings as JSON into <pre id="probe">, which --dump-dom then shows.
_PROBE = """
<script>
function rectOf(node, offset) {
  const r = document.createRange();
  r.setStart(node, offset);
  r.setEnd(node, offset + 1);
  return r.getBoundingClientRect();
}
function charLeft(el, ch) {
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const i = n.data.indexOf(ch);
    if (i >= 0) return rectOf(n, i).left;
  }
  return null;
}
const out = {};
const handle = [...document.querySelectorAll("bdi.isolate")]
  .find(b => b.textContent === "@syrianmofaex");
out.handle = handle ? {at: charLeft(handle, "@"), s: charLeft(handle, "s")} : null;
const byline = document.querySelector('#pair-2 td.ar p.seg');
out.byline = {
  direction: getComputedStyle(byline).direction,
  latin: charLeft(byline, "H"),
  arabic: charLeft(byline, "\u0645"),
};
const furniture = [...document.querySelectorAll("tr.furniture")];
const body = document.querySelector("#pair-7");
out.before = furniture.map(r => getComputedStyle(r).display);
document.getElementById("hide-furniture").click();
out.after = furniture.map(r => getComputedStyle(r).display);
out.bodyAfter = getComputedStyle(body).display;
const links = [...document.querySelectorAll("#only a[href^='#']")];
out.links = links.length;
out.brokenLinks = links.filter(a => !document.getElementById(a.getAttribute("href").slice(1)))
  .length;
const pre = document.createElement("pre");
pre.id = "probe";
pre.textContent = JSON.stringify(out);
document.body.appendChild(pre);
</script>
"""


@pytest.fixture(scope="module")
def probe(chromium, report, tmp_path_factory) -> dict:
    tmp = tmp_path_factory.mktemp("probe")
    page = tmp / "probe.html"
    page.write_text(
        report.read_text(encoding="utf-8").replace("</body>", _PROBE + "</body>"),
        encoding="utf-8",
    )
    dom = _run(chromium, tmp, "--dump-dom", "--window-size=1200,1600", page.as_uri()).stdout
    found = re.search(r'<pre id="probe">(.*?)</pre>', dom.decode("utf-8"), re.S)
    assert found, "the probe script did not run"
    return json.loads(html.unescape(found.group(1)))


def test_handle_keeps_its_at_sign_in_front(probe):
    """In the right-to-left caption, "@syrianmofaex" shows with the @ on the left."""
    assert probe["handle"] is not None
    assert probe["handle"]["at"] < probe["handle"]["s"]


def test_latin_first_byline_reads_left_to_right(probe):
    """The byline "Hüsameddin Salih | 17.11.2025 - محدث : …" keeps its order."""
    assert probe["byline"]["direction"] == "ltr"
    assert probe["byline"]["latin"] < probe["byline"]["arabic"]


def test_checkbox_hides_page_furniture(probe):
    """The CSS-only toggle hides every furniture row, and only those."""
    assert probe["before"] and all(d != "none" for d in probe["before"])
    assert all(d == "none" for d in probe["after"])
    assert probe["bodyAfter"] != "none"


def test_summary_links_reach_their_rows(probe):
    """Every passage link of "What only one version says" points to a row of the table."""
    assert probe["links"] > 0 and probe["brokenLinks"] == 0
