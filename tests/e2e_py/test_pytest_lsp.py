"""pytest-lsp end-to-end tests of `promptcost lsp`, with the Neovim 0.11 and the
VS Code 1.65 client-capability snapshots that ship with pytest-lsp.

Neovim offers positionEncodings [utf-8, utf-16, utf-32] -> the server must pick utf-8;
the VS Code snapshot offers none -> utf-16. Every position below is computed in the
negotiated encoding. Expected token counts come from `promptcost count --json`.
"""

from __future__ import annotations

import asyncio
import pathlib
import re

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities, make_test_lsp_client

from conftest import (
    BUDGET_RE,
    HINT_RE,
    PROMPTCOST_BIN,
    cli_count,
    cli_count_text,
    fmt_int,
    hover_rows,
    python_literal_candidates,
    requires_server,
    section_count_candidates,
)

pytestmark = requires_server

CLIENTS = {
    "neovim": ("neovim@v0.11.0", "utf-8"),
    "vscode": ("visual-studio-code@v1.65.2", "utf-16"),
}
MODELS = ["gpt-4o", "claude-sonnet-4-5"]
TIMEOUT = 30
EXIT_TIMEOUT = 10


def settings(budget: int | None) -> dict:
    return {
        "models": MODELS,
        "budget": budget,
        "include": [],
        "exclude": [],
        "expectedOutputTokens": 500,
        "logLevel": "info",
        "pricesFile": None,
        "code": {"enabled": True},
    }


def col(text: str, encoding: str) -> int:
    """Length of `text` in the code units of `encoding`."""
    if encoding == "utf-8":
        return len(text.encode("utf-8"))
    if encoding == "utf-32":
        return len(text)
    return len(text.encode("utf-16-le")) // 2


class Session:
    """What a test gets: the client, the negotiated encoding and the workspace."""

    def __init__(self, client: LanguageClient, encoding: str, init: types.InitializeResult, ws: pathlib.Path, budget: int, total: int):
        self.client, self.encoding, self.init, self.ws, self.budget, self.total = client, encoding, init, ws, budget, total

    def open(self, rel: str, language_id: str) -> tuple[str, str]:
        path = self.ws / rel
        text = path.read_text(encoding="utf-8")
        uri = path.as_uri()
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(types.TextDocumentItem(uri=uri, language_id=language_id, version=1, text=text))
        )
        return uri, text

    async def diagnostics_until(self, uri: str, pred) -> list[types.Diagnostic]:
        async def loop():
            while True:
                d = self.client.diagnostics.get(uri)
                if d is not None and pred(d):
                    return list(d)
                await asyncio.sleep(0.02)

        return await asyncio.wait_for(loop(), TIMEOUT)


def make_client() -> LanguageClient:
    """pytest-lsp's test client plus the server-to-client requests an editor answers
    (dynamic registration of the promptcost.toml watcher, refresh requests)."""
    client = make_test_lsp_client()
    client.registrations = []

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register_capability(params: types.RegistrationParams):
        client.registrations.extend(params.registrations)

    @client.feature(types.CLIENT_UNREGISTER_CAPABILITY)
    def unregister_capability(params: types.UnregistrationParams):
        return None

    for method in (types.WORKSPACE_INLAY_HINT_REFRESH, types.WORKSPACE_CODE_LENS_REFRESH, types.WORKSPACE_SEMANTIC_TOKENS_REFRESH):
        client.feature(method)(lambda params: None)
    return client


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=[str(PROMPTCOST_BIN), "lsp"], client_factory=make_client),
    params=list(CLIENTS),
)
async def client(request, lsp_client: LanguageClient, workspace: pathlib.Path):
    spec, _ = CLIENTS[request.param]
    total = cli_count(workspace / "prompts" / "support.md")["tokens"]
    budget = max(1, total - 60)
    lsp_client.set_configuration(settings(budget), section="promptcost")
    init = await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities(spec),
            root_uri=workspace.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=workspace.as_uri(), name="ws")],
            initialization_options=settings(budget),
        )
    )
    encoding = init.capabilities.position_encoding or "utf-16"
    # pytest-lsp's fixture yields the client itself: hang the session data on it
    lsp_client.promptcost_session = Session(lsp_client, str(encoding), init, workspace, budget, total)
    yield
    # shutdown + exit must end the server; a server that stays alive fails the test fast
    # (pytest-lsp would otherwise wait for the process forever) and is killed.
    try:
        await asyncio.wait_for(lsp_client.shutdown_session(), EXIT_TIMEOUT)
    except asyncio.TimeoutError:
        server = lsp_client._server
        if server is not None and server.returncode is None:
            server.kill()
        pytest.fail(f"promptcost lsp did not exit within {EXIT_TIMEOUT} s of the shutdown request and exit notification")


@pytest.fixture
def session(client: LanguageClient) -> Session:
    return client.promptcost_session


async def test_initialize(session: Session, request):
    client_name = request.node.callspec.params["client"]
    caps = session.init.capabilities
    assert session.encoding == CLIENTS[client_name][1]
    assert caps.inlay_hint_provider
    assert caps.hover_provider
    assert caps.code_lens_provider
    sync = caps.text_document_sync
    kind = sync if isinstance(sync, types.TextDocumentSyncKind) else sync.change
    assert kind == types.TextDocumentSyncKind.Incremental


async def test_inlay_hints_on_headings(session: Session):
    uri, text = session.open("prompts/support.md", "markdown")
    lines = text.split("\n")
    hints = await session.client.text_document_inlay_hint_async(
        types.InlayHintParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(types.Position(0, 0), types.Position(len(lines), 0)),
        )
    )
    assert hints, "no inlay hints"
    by_line = {h.position.line: h for h in hints}
    for i, line in enumerate(lines):
        if not line.startswith("#"):
            continue
        h = by_line.get(i)
        assert h is not None, f"no hint on heading {line!r}"
        assert h.position.character == col(line, session.encoding), (line, h.position)
        label = h.label if isinstance(h.label, str) else "".join(p.value for p in h.label)
        m = HINT_RE.match(label.strip())
        assert m, label
        assert int(m.group(2).replace(",", "")) in section_count_candidates(lines, i), (line, label)


async def test_code_lens_line0(session: Session):
    uri, _ = session.open("prompts/support.md", "markdown")
    lenses = await session.client.text_document_code_lens_async(types.CodeLensParams(types.TextDocumentIdentifier(uri=uri)))
    lens = next(l for l in lenses if l.range.start.line == 0)
    if lens.command is None:
        lens = await session.client.code_lens_resolve_async(lens)
    title = lens.command.title
    assert title.startswith(f"{fmt_int(session.total)} tokens · $"), title
    # contract: `2,345 tokens · $0.0059 gpt-4o · 1.8% of 128k` (the server may append e.g. ` · budget 1,064`)
    assert re.match(r"^[\d,]+ tokens · \$\d+\.\d{4} gpt-4o · [\d.]+% of 128k( · .+)?$", title), title


async def test_hover_table(session: Session):
    uri, text = session.open("prompts/support.md", "markdown")
    rules = text.split("\n").index("## Rules")
    hover = await session.client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(uri=uri), types.Position(rules + 2, 4))
    )
    assert hover is not None
    contents = hover.contents
    assert isinstance(contents, types.MarkupContent) and contents.kind == types.MarkupKind.Markdown, contents
    rows = hover_rows(contents.value)
    for model in MODELS:
        assert model in rows, (model, contents.value)


async def test_budget_diagnostic_and_edit(session: Session):
    uri, text = session.open("prompts/support.md", "markdown")
    diags = await session.diagnostics_until(uri, lambda d: any("exceeds budget" in x.message for x in d))
    w = next(x for x in diags if "exceeds budget" in x.message)
    assert w.severity == types.DiagnosticSeverity.Warning
    assert w.source == "promptcost"
    m = BUDGET_RE.match(w.message)
    assert m, w.message
    assert (m.group(1), m.group(2)) == (fmt_int(session.total), fmt_int(session.budget))

    # delete the Examples section with an incremental change in the negotiated encoding
    lines = text.split("\n")
    ex = lines.index("## Examples")
    end = types.Position(len(lines) - 1, col(lines[-1], session.encoding))
    session.client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangePartial(range=types.Range(types.Position(ex, 0), end), text="")],
        )
    )
    new_text = "\n".join(lines[:ex]) + "\n"
    assert cli_count_text(new_text) < session.budget
    await session.diagnostics_until(uri, lambda d: not any("exceeds budget" in x.message for x in d))


async def test_promptcost_count(session: Session):
    uri, text = session.open("prompts/support.md", "markdown")
    whole = await session.client.protocol.send_request_async("promptcost/count", {"textDocument": {"uri": uri}})
    whole = to_dict(whole)
    gpt = next(m for m in whole["models"] if m["model"] == "gpt-4o")
    assert whole["models"][0]["model"] == "gpt-4o"
    assert gpt["tokens"] == session.total
    assert gpt["exact"] is True and gpt["encoding"] == "o200k_base"
    assert whole["chars"] in (len(text), col(text, "utf-16"))

    lines = text.split("\n")
    rules, ex = lines.index("## Rules"), lines.index("## Examples")
    # a range ending inside the heading line with the emoji / curly quotes: positions in the negotiated encoding
    role = lines[0]
    cut = role.index("agent")
    part = await session.client.protocol.send_request_async(
        "promptcost/count",
        {"textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": col(role[:cut], session.encoding)}}},
    )
    part = to_dict(part)
    assert next(m for m in part["models"] if m["model"] == "gpt-4o")["tokens"] == cli_count_text(role[:cut])
    assert part["chars"] == len(role[:cut])

    rng = await session.client.protocol.send_request_async(
        "promptcost/count",
        {"textDocument": {"uri": uri}, "range": {"start": {"line": rules, "character": 0}, "end": {"line": ex, "character": 0}}},
    )
    rng = to_dict(rng)
    expected = cli_count_text("\n".join(lines[rules:ex]) + "\n")
    assert next(m for m in rng["models"] if m["model"] == "gpt-4o")["tokens"] == expected


async def test_promptcost_models(session: Session):
    res = to_dict(await session.client.protocol.send_request_async("promptcost/models", {}))
    assert res["snapshot_date"]
    gpt = next(m for m in res["models"] if m["model"] == "gpt-4o")
    assert gpt["exact"] is True and gpt["context_window"] == 128000
    for key in ("provider", "aliases", "tokenizer", "input_cost_per_mtok", "output_cost_per_mtok", "max_output_tokens"):
        assert key in gpt, key


async def test_python_literal_hint(session: Session):
    uri, text = session.open("app.py", "python")
    lines = text.split("\n")
    lit = next(i for i, l in enumerate(lines) if l.startswith("SYSTEM_PROMPT ="))
    hints = await session.client.text_document_inlay_hint_async(
        types.InlayHintParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=types.Range(types.Position(0, 0), types.Position(len(lines), 0)),
        )
    )
    on_lit = [h for h in hints or [] if h.position.line == lit]
    assert len(on_lit) == 1, f"inlay hints for app.py: {hints!r} (expected one on line {lit})"
    h = on_lit[0]
    assert h.position.character == col(lines[lit], session.encoding)
    label = h.label if isinstance(h.label, str) else "".join(p.value for p in h.label)
    m = HINT_RE.match(label.strip())
    assert m, label
    assert int(m.group(2).replace(",", "")) in python_literal_candidates(text)


def to_dict(obj):
    """pygls hands back unknown-method results as objects; normalise to dict/list."""
    if isinstance(obj, dict):
        return {k: to_dict(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)) and not hasattr(obj, "_fields"):
        return [to_dict(v) for v in obj]
    if hasattr(obj, "_asdict"):
        return {k: to_dict(v) for k, v in obj._asdict().items()}
    if hasattr(obj, "__dict__") and not isinstance(obj, type):
        return {k: to_dict(v) for k, v in vars(obj).items()}
    return obj


async def test_context_window_error(session: Session, request):
    """A prompt file larger than gpt-4o's 128k context window gets an Error diagnostic."""
    if request.node.callspec.params["client"] != "neovim":
        pytest.skip("one client is enough for the context-window check")
    big = session.ws / "prompts" / "huge.md"
    big.write_text("## Huge\n" + "lorem ipsum dolor sit amet " * 27_000 + "\n", encoding="utf-8")
    tokens = cli_count(big)["tokens"]
    assert tokens > 128_000, tokens
    uri, _ = session.open("prompts/huge.md", "markdown")
    diags = await session.diagnostics_until(uri, lambda d: any(x.severity == types.DiagnosticSeverity.Error for x in d))
    err = next(x for x in diags if x.severity == types.DiagnosticSeverity.Error)
    assert err.source == "promptcost"
    assert fmt_int(tokens) in err.message and "context window" in err.message, err.message
