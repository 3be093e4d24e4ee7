"""Shared helpers for the promptcost end-to-end tests (Neovim and pytest-lsp)."""

from __future__ import annotations

import json
import os
import pathlib
import re
import shutil
import subprocess
import tempfile

import pytest

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parent.parent
FIXTURES = HERE / "fixtures"
PROMPTCOST_BIN = pathlib.Path(
    os.environ.get("PROMPTCOST_BIN") or REPO / "target" / "debug" / ("promptcost.exe" if os.name == "nt" else "promptcost")
)

# Tests need the server binary; skip them (with the reason) when it is not built.
requires_server = pytest.mark.skipif(
    not PROMPTCOST_BIN.exists(),
    reason=f"promptcost binary not found at {PROMPTCOST_BIN} (cargo build, or set PROMPTCOST_BIN)",
)

HINT_RE = re.compile(r"^(≈ ?)?([\d,]+)(?:/[\d,]+ tok ⚠| tok) · (?:\$\d+\.\d{2,6}|no price)$")
# contract: `1,234 tokens exceeds budget 1,000 (+23%)`; trailing detail is tolerated
BUDGET_RE = re.compile(r"^([\d,]+) tokens exceeds budget ([\d,]+) \(\+(\d+)%\)")


def fmt_int(n: int) -> str:
    return f"{n:,}"


def cli_count(path: os.PathLike | str, model: str = "gpt-4o") -> dict:
    """`promptcost count --model M --json FILE` (independent of the LSP path)."""
    proc = subprocess.run(
        [str(PROMPTCOST_BIN), "count", "--model", model, "--json", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, f"promptcost count failed ({proc.returncode}): {proc.stderr}"
    data = json.loads(proc.stdout)
    for m in data["models"]:
        if m["model"] == model:
            return m
    return data["models"][0]


def cli_count_text(text: str, model: str = "gpt-4o") -> int:
    with tempfile.TemporaryDirectory(prefix="promptcost-count-") as d:
        p = pathlib.Path(d) / "scratch.txt"
        p.write_bytes(text.encode("utf-8"))
        return cli_count(p, model)["tokens"]


def section_count_candidates(lines: list[str], heading: int) -> set[int]:
    """CLI counts of the section starting at `heading`, with or without the heading
    line and the final newline, ending at the next heading of the same or a higher
    level, or at the next heading of any level."""
    heads = [i for i, l in enumerate(lines) if re.match(r"^#{1,6} ", l)]
    level = len(re.match(r"^#+", lines[heading]).group(0))
    end_same = next((i for i in heads if i > heading and len(re.match(r"^#+", lines[i]).group(0)) <= level), len(lines))
    end_any = next((i for i in heads if i > heading), len(lines))
    out: set[int] = set()
    for end in {end_same, end_any}:
        body = "\n".join(lines[heading:end])
        no_head = "\n".join(lines[heading + 1 : end])
        for t in {body, body + "\n", no_head, no_head + "\n", body.rstrip("\n") + "\n", no_head.rstrip("\n") + "\n"}:
            out.add(cli_count_text(t))
    return out


def python_literal_candidates(source: str, name: str = "SYSTEM_PROMPT") -> set[int]:
    """CLI counts of the triple-quoted literal assigned to `name` (content, with or without quotes/edge newlines)."""
    m = re.search(name + r'\s*=\s*("""(.*?)""")', source, re.S)
    assert m, f"{name} literal not found"
    whole, inner = m.group(1), m.group(2)
    variants = {inner, inner.strip("\n"), inner.rstrip("\n"), whole}
    return {cli_count_text(v) for v in variants}


def make_workspace(base: pathlib.Path) -> pathlib.Path:
    """A temp workspace: promptcost.toml (root marker), prompts/support.md, app.py."""
    ws = base / "ws"
    (ws / "prompts").mkdir(parents=True)
    shutil.copy(FIXTURES / "support.md", ws / "prompts" / "support.md")
    shutil.copy(FIXTURES / "app.py", ws / "app.py")
    (ws / "promptcost.toml").write_text("# promptcost project file (root marker for the tests)\n")
    return ws.resolve()


@pytest.fixture
def workspace(tmp_path: pathlib.Path) -> pathlib.Path:
    return make_workspace(tmp_path)


def hover_rows(markdown: str) -> dict:
    """The fixed-width model table of a promptcost hover: {model: [cells]} (cells two or more
    spaces apart, inside the ```text block)."""
    lines = markdown.splitlines()
    start = lines.index("```text") + 1
    end = lines.index("```", start)
    header, *rows = lines[start:end]
    assert header.split()[0] == "model", header
    out = {}
    for row in rows:
        cells = [c.strip() for c in row.split("  ") if c.strip()]
        out[cells[0]] = cells
    return out
