// Protocol test: the real `promptcost lsp`, driven with VS Code's client capabilities
// (UTF-16 positions only), on a temp workspace with prompts/support.md.
// Expected token counts come from the CLI (`promptcost count --json`), not from the LSP.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { CodeLens, Hover, InitializeResult, InlayHint, MarkupContent } from 'vscode-languageserver-protocol';
import type { CountResult, ModelsResult } from '../src/protocol';
import { modelsMarkdown, statusBarView } from '../src/views';
import { cliCount, cliCountText, fmtInt, labelText, lineEnd, LspSession, serverMissingReason, SERVER_BIN, vscodeCapabilities, waitFor } from './lspHarness';

const SUPPORT_MD = [
  '## Role — “Support” agent 😊',
  'You are Ava, a friendly and precise support agent for Acme Cloud, a hosting company.',
  'Answer in the language of the customer. Keep answers short: at most five sentences.',
  '',
  '## Rules',
  '1. Never promise refunds; link to https://acme.example/refunds instead.',
  '2. If the customer shares a password or an API key, tell them to rotate it at once.',
  '3. Escalate outages (status page: https://status.acme.example) to the on-call engineer.',
  '4. Do not discuss pricing of enterprise plans; offer a call with sales.',
  '',
  '## Examples',
  ...Array.from({ length: 12 }, (_, i) =>
    [
      `### Example ${i + 1}`,
      `Customer: My deployment #${1000 + i} fails with "exit code 137" after the build step; what is wrong?`,
      `Ava: Exit code 137 means the container ran out of memory. Raise the memory limit of service-${i} in acme.yaml`,
      '(resources.memory: 1Gi) or reduce the build concurrency, then redeploy. I can open a ticket if it persists.',
      '',
    ].join('\n'),
  ),
].join('\n');

const skip = serverMissingReason();
if (skip) console.log(`# SKIP protocol test: ${skip}`);

if (skip) it('promptcost lsp with VS Code client capabilities', { skip }, () => {});
else describe('promptcost lsp with VS Code client capabilities', () => {
  let dir: string;
  let file: string;
  let uri: string;
  let session: LspSession;
  let init: InitializeResult;
  let total: number; // gpt-4o tokens of the whole file, from the CLI
  let budget: number;
  let text = SUPPORT_MD;
  const lines = SUPPORT_MD.split('\n');
  const headingLines = lines.flatMap((l, i) => (/^#{1,6} /.test(l) ? [i] : []));
  const rulesLine = lines.indexOf('## Rules');
  const examplesLine = lines.indexOf('## Examples');

  before(async () => {
    dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'promptcost-vscode-')));
    fs.mkdirSync(path.join(dir, 'prompts'));
    file = path.join(dir, 'prompts', 'support.md');
    fs.writeFileSync(file, SUPPORT_MD);
    uri = pathToFileURL(file).href;
    total = cliCount(file).tokens;
    budget = Math.max(1, total - 60);
    session = new LspSession(dir, {
      models: ['gpt-4o', 'claude-sonnet-4-5'],
      budget,
      include: [],
      exclude: [],
      expectedOutputTokens: 500,
      logLevel: 'info',
      pricesFile: null,
      code: { enabled: true, namePattern: '(?i)(prompt|instructions?|system|template)' },
    });
    const caps = vscodeCapabilities();
    init = (await session.request('initialize', {
      processId: process.pid,
      clientInfo: caps.clientInfo,
      locale: 'en',
      rootPath: dir,
      rootUri: pathToFileURL(dir).href,
      workspaceFolders: [{ uri: pathToFileURL(dir).href, name: path.basename(dir) }],
      capabilities: caps.capabilities,
      initializationOptions: session.settings,
      trace: 'off',
    })) as InitializeResult;
    await session.conn.sendNotification('initialized', {});
    await session.conn.sendNotification('workspace/didChangeConfiguration', { settings: null });
    await session.conn.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId: 'markdown', version: 1, text },
    });
  });

  after(async () => {
    if (session) {
      await session.shutdown();
      if (process.env.PROMPTCOST_TEST_VERBOSE) console.log(session.stderr);
    }
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('initialize: UTF-16 positions, incremental sync, hints/hover/code lens', () => {
    const c = init.capabilities;
    assert.ok(c.positionEncoding === undefined || c.positionEncoding === 'utf-16', `positionEncoding ${c.positionEncoding}`);
    assert.ok(c.inlayHintProvider, 'inlayHintProvider');
    assert.ok(c.hoverProvider, 'hoverProvider');
    assert.ok(c.codeLensProvider, 'codeLensProvider');
    const sync = c.textDocumentSync;
    const kind = typeof sync === 'number' ? sync : sync?.change;
    assert.equal(kind, 2, 'incremental text document sync');
  });

  it('inlay hints: one per heading, at the end of the line (UTF-16), with the section count', async () => {
    const hints = (await session.request('textDocument/inlayHint', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: lines.length, character: 0 } },
    })) as InlayHint[];
    assert.ok(Array.isArray(hints), 'inlay hints array');
    for (let h = 0; h < headingLines.length; h++) {
      const line = headingLines[h];
      const hint = hints.find((x) => x.position.line === line);
      assert.ok(hint, `hint on heading line ${line} (${lines[line]}); got ${JSON.stringify(hints.map((x) => x.position))}`);
      assert.deepEqual(hint.position, lineEnd(text, line), `end of line ${line} in UTF-16`);
      const label = labelText(hint.label as string | { value: string }[]).trim();
      const m = /^(≈ ?)?([\d,]+) tok · \$\d+\.\d{4}$/.exec(label);
      assert.ok(m, `label format: ${JSON.stringify(label)}`);
      assert.equal(m[1], undefined, 'gpt-4o counts are exact (no ≈)');
      const got = Number(m[2].replace(/,/g, ''));
      // The section runs from its heading to the next heading of the same or a higher
      // level; accept the count with or without the heading line / final newline.
      const level = /^#+/.exec(lines[line])![0].length;
      let end = lines.length;
      for (const l of headingLines) if (l > line && /^#+/.exec(lines[l])![0].length <= level) { end = l; break; }
      let endChild = lines.length;
      for (const l of headingLines) if (l > line) { endChild = l; break; }
      const candidates = new Set<number>();
      for (const stop of [end, endChild]) {
        const body = lines.slice(line, stop).join('\n');
        const noHead = lines.slice(line + 1, stop).join('\n');
        for (const t of [body, body + '\n', noHead, noHead + '\n']) candidates.add(cliCountText(dir, t).tokens);
      }
      assert.ok(candidates.has(got), `section "${lines[line]}": hint says ${got}, CLI counts ${[...candidates].join('/')}`);
    }
  });

  it('code lens on line 0: whole-file tokens, cost, model and % of context', async () => {
    let lenses = (await session.request('textDocument/codeLens', { textDocument: { uri } })) as CodeLens[];
    assert.ok(Array.isArray(lenses) && lenses.length > 0, 'code lenses');
    const lens0 = lenses.find((l) => l.range.start.line === 0);
    assert.ok(lens0, 'a lens on line 0');
    const resolved = lens0.command ? lens0 : ((await session.request('codeLens/resolve', lens0)) as CodeLens);
    const title = resolved.command?.title ?? '';
    // contract: `2,345 tokens · $0.0059 gpt-4o · 1.8% of 128k` (the server may append more, e.g. ` · budget 1,064`)
    assert.match(title, new RegExp(`^${fmtInt(total)} tokens · \\$\\d+\\.\\d{4} gpt-4o · [\\d.]+% of 128k( · .+)?$`), title);
    lenses = [];
  });

  it('status bar and models table show the server strings: the same as the code lens', async () => {
    const lenses = (await session.request('textDocument/codeLens', { textDocument: { uri } })) as CodeLens[];
    const title = lenses.find((l) => l.range.start.line === 0)?.command?.title ?? '';
    const m = title.match(/^(\S+) tokens · (\S+) gpt-4o/);
    assert.ok(m, `lens title: ${title}`);
    const whole = (await session.request('promptcost/count', { textDocument: { uri } })) as CountResult;
    const view = statusBarView(whole, undefined, 'gpt-4o');
    assert.equal(view?.text, `$(symbol-numeric) ${m[1]} tok · ${m[2]} · gpt-4o`, 'the lens and the status bar agree');
    const g = whole.models.find((x) => x.model === 'gpt-4o')!;
    assert.ok(g.share_label && title.includes(g.share_label), `share ${g.share_label} as in the lens: ${title}`);
    assert.ok(view?.tooltip.includes(`(${g.share_label}), ${whole.chars_label} chars`), view?.tooltip);
    assert.equal(whole.chars_label, fmtInt(whole.chars));

    const models = (await session.request('promptcost/models', {})) as ModelsResult;
    assert.deepEqual(models.configured?.slice(0, 2), ['gpt-4o', 'claude-sonnet-4-5']);
    for (const info of models.models) {
      for (const [raw, label] of [
        [info.input_cost_per_mtok, info.input_price_label],
        [info.output_cost_per_mtok, info.output_price_label],
      ] as const) {
        if (raw === null) assert.equal(label, 'no price', `${info.model}: no price is said, never $0`);
        else assert.ok(Math.abs(parseFloat(label.slice(1).replace(/,/g, '')) - raw) <= 0.00005 + raw * 1e-9, `${info.model}: ${label} for ${raw}`);
      }
    }
    const md = modelsMarkdown(models, models.configured);
    const row = md.split('\n').find((l) => l.startsWith('| **gpt-4o** |'));
    const gi = models.models.find((x) => x.model === 'gpt-4o')!;
    assert.ok(row?.includes(` ${gi.input_price_label} | ${gi.output_price_label} | ${gi.context_label} `), `gpt-4o row: ${row}`);
  });

  it('hover in a section: a fixed-width table with the configured models and the snapshot date', async () => {
    const hover = (await session.request('textDocument/hover', {
      textDocument: { uri },
      position: { line: rulesLine + 2, character: 5 },
    })) as Hover | null;
    assert.ok(hover, 'hover result');
    const contents = hover.contents as MarkupContent;
    assert.equal(contents.kind, 'markdown');
    const md = contents.value;
    const lines = md.split('\n');
    const start = lines.indexOf('```text');
    assert.ok(start >= 0, `a fixed-width table in a code block:\n${md}`);
    const rows = lines.slice(start + 1, lines.indexOf('```', start + 1));
    assert.match(rows[0], /^model\s{2,}tokens/);
    assert.ok(rows.some((l) => l.startsWith('gpt-4o ')), `a table row for gpt-4o in:\n${md}`);
    assert.ok(rows.some((l) => l.startsWith('claude-sonnet-4-5 ')), 'a row for the second model');
    assert.match(md, /\d{4}-\d{2}-\d{2}/, 'price snapshot date');
  });

  it('promptcost/count: whole document and a range', async () => {
    const whole = (await session.request('promptcost/count', { textDocument: { uri } })) as {
      chars: number;
      models: { model: string; encoding: string; tokens: number; exact: boolean; input_cost_usd: number | null; context_window: number | null }[];
    };
    assert.ok([[...text].length, text.length].includes(whole.chars), `chars ${whole.chars} (code points ${[...text].length})`);
    const g = whole.models.find((m) => m.model === 'gpt-4o');
    assert.ok(g, 'gpt-4o in the count');
    assert.equal(whole.models[0].model, 'gpt-4o', 'primary model first');
    const cli = cliCount(file);
    assert.equal(g.tokens, cli.tokens);
    assert.equal(g.encoding, 'o200k_base');
    assert.equal(g.exact, true);
    assert.equal(g.context_window, cli.context_window);
    assert.ok(g.input_cost_usd !== null && Math.abs(g.input_cost_usd - (cli.input_cost_usd ?? NaN)) < 1e-9, 'input cost as the CLI');
    assert.ok(whole.models.some((m) => m.model === 'claude-sonnet-4-5'), 'second configured model');

    const range = { start: { line: rulesLine, character: 0 }, end: { line: examplesLine, character: 0 } };
    const part = (await session.request('promptcost/count', { textDocument: { uri }, range })) as typeof whole;
    const slice = lines.slice(rulesLine, examplesLine).join('\n') + '\n';
    assert.equal(part.models.find((m) => m.model === 'gpt-4o')?.tokens, cliCountText(dir, slice).tokens);
    assert.equal(part.chars, [...slice].length);
  });

  it('budget diagnostic appears when over budget and disappears after shrinking the file', async () => {
    const diags = await waitFor('budget warning', () => {
      const d = session.latestDiagnostics(uri);
      return d && d.length > 0 && d;
    });
    const warning = diags.find((d) => /exceeds budget/.test(d.message));
    assert.ok(warning, JSON.stringify(diags));
    assert.equal(warning.severity, 2, 'Warning');
    assert.equal(warning.source, 'promptcost');
    // contract: `1,234 tokens exceeds budget 1,000 (+23%)` (trailing detail tolerated)
    const m = /^([\d,]+) tokens exceeds budget ([\d,]+) \(\+(\d+)%\)/.exec(warning.message);
    assert.ok(m, `message format: ${warning.message}`);
    assert.equal(m[1], fmtInt(total));
    assert.equal(m[2], fmtInt(budget));
    const pct = ((total - budget) / budget) * 100;
    assert.ok([Math.floor(pct), Math.round(pct), Math.ceil(pct)].includes(Number(m[3])), `percent ${m[3]} vs ${pct}`);

    // Delete the Examples section (incremental change, UTF-16 range).
    const end = lineEnd(text, lines.length - 1);
    const before = session.diagnostics.get(uri)!.length;
    await session.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ range: { start: { line: examplesLine, character: 0 }, end }, text: '' }],
    });
    text = lines.slice(0, examplesLine).join('\n') + '\n';
    const shrunk = cliCountText(dir, text).tokens;
    assert.ok(shrunk < budget, `edited file (${shrunk}) is under the budget (${budget})`);
    await waitFor('diagnostics to clear', () => {
      const list = session.diagnostics.get(uri)!;
      return list.length > before && !list[list.length - 1].diagnostics.some((d) => /exceeds budget/.test(d.message));
    });
    const recount = (await session.request('promptcost/count', { textDocument: { uri } })) as { models: { model: string; tokens: number }[] };
    assert.equal(recount.models.find((x) => x.model === 'gpt-4o')?.tokens, shrunk, 'count after the edit');
  });

  it('a lower budget pushed with workspace/didChangeConfiguration brings the warning back', async () => {
    const before = session.diagnostics.get(uri)?.length ?? 0;
    session.settings = { ...session.settings, budget: 10 };
    await session.conn.sendNotification('workspace/didChangeConfiguration', { settings: { promptcost: session.settings } });
    const d = await waitFor('budget warning after the settings change', () => {
      const list = session.diagnostics.get(uri) ?? [];
      const last = list[list.length - 1];
      return list.length > before && last.diagnostics.find((x) => /exceeds budget 10 /.test(x.message));
    });
    assert.equal(d.severity, 2);
  });

  it('shutdown + exit end the server process', async () => {
    assert.equal(await session.shutdown(), true, 'promptcost lsp did not exit within 10 s of shutdown/exit (killed)');
  });
});

if (!skip) console.log(`# protocol test uses ${SERVER_BIN}`);
