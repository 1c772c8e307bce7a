"""Browser checks of what a reviewer must be able to trust on every page ([reviewer]), shared by the browser
tests of the demo set and of real-data runs."""

from __future__ import annotations

from pathlib import Path

#: text that must never reach a reviewer: a Python traceback, or an absolute path of the machine
LEAKS = r"""Traceback \(most recent call last\)|File "/|(^|[\s('"=])/(home|root|tmp|work|srv|usr|var|Users)/|[A-Z]:\\"""


def check_reviewer(page, path: Path):
    """What a reviewer must be able to trust on every page ([reviewer]): the title is the first heading,
    a report page links back to the index, no traceback or machine path shows, and no table column is
    clipped: at 1100 px and at phone width (390 px) a table either fits or scrolls with a visible cue."""
    first = page.evaluate(
        "() => { const h = document.querySelector('h1,h2,h3,h4,h5,h6'); return h && h.tagName; }"
    )
    assert first == "H1", f"{path.name}: the first heading is {first}, not the title"
    if path.name != "index.html":
        assert page.locator('a[href="index.html"]').count() >= 1, f"{path.name}: no link back to the index"
    leak = page.evaluate(f"() => (document.body.innerText.match(new RegExp({LEAKS!r}, 'm')) || [''])[0]")
    assert not leak, f"{path.name}: shows {leak!r}"
    for width in (1100, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.evaluate("() => window.dispatchEvent(new Event('resize'))")
        clipped = page.evaluate("""() => Array.from(document.querySelectorAll('.ka-table-wrap')).filter(w => {
            const wide = w.scrollWidth > w.clientWidth + 1;
            const scrolls = getComputedStyle(w).overflowX === 'auto' || getComputedStyle(w).overflowX === 'scroll';
            const cue = w.previousElementSibling && w.previousElementSibling.classList.contains('ka-scroll-cue');
            return wide && !(scrolls && cue);
        }).length""")
        assert clipped == 0, (
            f"{path.name}: {clipped} table(s) wider than the screen at {width} px without a scroll cue"
        )
    page.set_viewport_size({"width": 1100, "height": 900})
