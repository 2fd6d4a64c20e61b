"""E1: widget state of the default explorer before and after ``to_html()``, in bytes.

A notebook saves the widget state of every model its kernel opened (the
``application/vnd.jupyter.widget-state+json`` metadata); a model's state is also what its
comm sent to the front-end when it opened (first display). This script builds the
default explorer (``explore()``), then measures, as a notebook would save it:

- live widgets (open comms) and the saved widget state after ``explore()``;
- the same after ``explorer.to_html()`` (target: unchanged, and state <= 600 KB);
- how much of that state is repeated front-end code (``_esm``/``_css``), and the page size.

Run: ``.venv/bin/python benchmarks/bench_export_size.py`` (needs ``npm run build``).
"""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

TARGET_BYTES = 600_000


def saved_state() -> dict[str, Any]:
    """What a notebook would save: every open widget's state, buffers base64-encoded."""
    from ipywidgets import Widget

    return Widget.get_manager_state(drop_defaults=False)["state"]


def measure(state: dict[str, Any]) -> dict[str, Any]:
    code = sum(
        len(str(model["state"].get(k, ""))) for model in state.values() for k in ("_esm", "_css")
    )
    kinds = Counter(model["model_name"] for model in state.values())
    return {
        "widgets": len(state),
        "state_bytes": len(json.dumps(state, separators=(",", ":")).encode()),
        "code_bytes": code,
        "anywidget_models": kinds.get("AnyModel", 0),
    }


def main() -> dict[str, Any]:
    import tda_widgets

    explorer = tda_widgets.explore(progress=False)
    after_explore = measure(saved_state())
    with tempfile.TemporaryDirectory() as tmp:
        page = explorer.to_html(Path(tmp) / "explorer.html")
        page_bytes = page.stat().st_size
    after_export = measure(saved_state())
    result = {"after_explore": after_explore, "after_to_html": after_export,
              "page_bytes": page_bytes, "target_state_bytes": TARGET_BYTES}  # fmt: skip
    print(f"{'':16}{'widgets':>9}{'state bytes':>13}{'of it code':>12}{'anywidgets':>12}")
    for name in ("after_explore", "after_to_html"):
        r = result[name]
        print(
            f"{name:16}{r['widgets']:>9}{r['state_bytes']:>13,}{r['code_bytes']:>12,}"
            f"{r['anywidget_models']:>12}"
        )
    print(f"to_html page: {page_bytes:,} bytes; target state <= {TARGET_BYTES:,} bytes")
    return result


if __name__ == "__main__":
    main()
