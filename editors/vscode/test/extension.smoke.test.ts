// Smoke test of the bundled extension (dist/extension.js) against a stub `vscode` module:
// activation registers the commands and, when no server binary can be found, shows the
// install instructions instead of starting a client. Needs `npm run build` first
// (skipped otherwise). The real editor behaviour is covered by protocol.test.ts.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import Module from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { SERVER_BIN, serverMissingReason, waitFor } from './lspHarness';

const DIST = path.resolve(__dirname, '..', '..', 'dist', 'extension.js');

function makeVscodeStub(config: Record<string, unknown>) {
  const calls = { commands: [] as string[], errors: [] as string[], statusBars: 0, outputs: [] as string[], log: [] as string[] };
  const disposable = { dispose() {} };
  const event = () => disposable;
  class EventEmitter {
    event = event;
    fire() {}
    dispose() {}
  }
  const known: Record<string, unknown> = {
    EventEmitter,
    Disposable: class {
      static from() {
        return disposable;
      }
      dispose() {}
    },
    Uri: {
      parse: (s: string) => ({ toString: () => s, scheme: s.split(':')[0], fsPath: s }),
      file: (p: string) => ({ toString: () => `file://${p}`, scheme: 'file', fsPath: p }),
    },
    StatusBarAlignment: { Left: 1, Right: 2 },
    ConfigurationTarget: { Global: 1, Workspace: 2, WorkspaceFolder: 3 },
    window: {
      createOutputChannel: (name: string) => {
        calls.outputs.push(name);
        const log = (...a: unknown[]) => calls.log.push(a.map(String).join(' '));
        return { name, info: log, warn: log, error: (m: string) => calls.errors.push(`log: ${m}`), debug: log, trace: log, appendLine: log, append: log, show() {}, dispose() {} };
      },
      createStatusBarItem: () => {
        calls.statusBars++;
        return { show() {}, hide() {}, dispose() {}, text: '', tooltip: '', command: '' };
      },
      showErrorMessage: async (m: string) => {
        calls.errors.push(m);
        return undefined;
      },
      showWarningMessage: async () => undefined,
      onDidChangeActiveTextEditor: event,
      onDidChangeTextEditorSelection: event,
      onDidChangeVisibleTextEditors: event,
      onDidChangeWindowState: event,
      showInformationMessage: async () => undefined,
      activeTextEditor: undefined,
      visibleTextEditors: [],
      tabGroups: { all: [], onDidChangeTabs: event, onDidChangeTabGroups: event },
    },
    workspace: {
      getConfiguration: () => ({ get: (k: string, d?: unknown) => config[k] ?? d, inspect: () => undefined, update: async () => {}, has: () => false }),
      registerTextDocumentContentProvider: () => disposable,
      onDidChangeTextDocument: event,
      onDidChangeConfiguration: event,
      onDidOpenTextDocument: event,
      onDidCloseTextDocument: event,
      onDidSaveTextDocument: event,
      onWillSaveTextDocument: event,
      onDidCreateFiles: event,
      onDidRenameFiles: event,
      onDidDeleteFiles: event,
      onWillCreateFiles: event,
      onWillRenameFiles: event,
      onWillDeleteFiles: event,
      onDidChangeWorkspaceFolders: event,
      onDidOpenNotebookDocument: event,
      onDidChangeNotebookDocument: event,
      onDidSaveNotebookDocument: event,
      onDidCloseNotebookDocument: event,
      textDocuments: [],
      notebookDocuments: [],
      workspaceFolders: undefined,
      createFileSystemWatcher: () => ({ onDidCreate: event, onDidChange: event, onDidDelete: event, dispose() {} }),
    },
    commands: {
      registerCommand: (id: string) => {
        calls.commands.push(id);
        return disposable;
      },
      executeCommand: async () => undefined,
    },
    // languages.register*Provider -> a disposable
    languages: new Proxy(
      {
        match: () => 0,
        createDiagnosticCollection: () => ({ set() {}, delete() {}, clear() {}, dispose() {}, forEach() {}, get: () => [], has: () => false }),
        onDidChangeDiagnostics: event,
      } as Record<string, unknown>,
      { get: (t, k: string) => (k in t ? t[k] : k.startsWith('register') ? () => disposable : undefined) },
    ),
    env: { openExternal: async () => true, language: 'en', appName: 'stub', machineId: 'm', sessionId: 's', uiKind: 1 },
    extensions: { all: [], getExtension: () => undefined, onDidChange: event },
    version: '1.95.0',
  };
  // Anything else vscode-languageclient touches at load time: a harmless class.
  const stub = new Proxy(known, {
    get(target, key: string) {
      if (!(key in target)) target[key] = class {};
      return target[key];
    },
  });
  return { stub, calls };
}

function loadExtensionWith(stub: unknown) {
  const mod = Module as unknown as { _load: (req: string, ...rest: unknown[]) => unknown };
  const orig = mod._load;
  mod._load = function (request: string, ...rest: unknown[]) {
    if (request === 'vscode') return stub;
    return orig.call(this, request, ...rest);
  };
  try {
    delete require.cache[DIST];
    return require(DIST);
  } finally {
    mod._load = orig;
  }
}

const skip = fs.existsSync(DIST) ? undefined : `${DIST} not built (run \`npm run build\`)`;

describe('bundled extension (stub vscode)', { skip }, () => {
  it('activates, registers the commands and explains how to install a missing server', async () => {
    const ext = fs.mkdtempSync(path.join(os.tmpdir(), 'promptcost-ext-'));
    const savedPath = process.env.PATH;
    process.env.PATH = ext; // nothing named promptcost there
    try {
      const { stub, calls } = makeVscodeStub({ 'server.path': null });
      const extension = loadExtensionWith(stub);
      const subscriptions: { dispose(): void }[] = [];
      await extension.activate({ extensionPath: ext, subscriptions });
      assert.deepEqual(calls.commands.sort(), ['promptcost.pickModel', 'promptcost.restartServer', 'promptcost.showModels']);
      assert.equal(calls.statusBars, 1);
      assert.deepEqual(calls.outputs, ['promptcost']);
      const shown = calls.errors.filter((e) => !e.startsWith('log: '));
      assert.equal(shown.length, 1, JSON.stringify(calls.errors));
      assert.match(shown[0], /cargo install --path \./);
      assert.match(shown[0], /promptcost\.server\.path/);
      await extension.deactivate();
      for (const d of subscriptions) d.dispose();
    } finally {
      process.env.PATH = savedPath;
      fs.rmSync(ext, { recursive: true, force: true });
    }
  });

  it('reports a server.path setting that points nowhere', async () => {
    const { stub, calls } = makeVscodeStub({ 'server.path': '/nonexistent/promptcost' });
    const extension = loadExtensionWith(stub);
    await extension.activate({ extensionPath: os.tmpdir(), subscriptions: [] });
    const shown = calls.errors.filter((e) => !e.startsWith('log: '));
    assert.equal(shown.length, 1);
    assert.match(shown[0], /"\/nonexistent\/promptcost"/);
    await extension.deactivate();
  });
});

/** Splits a captured LSP byte stream into messages. */
function parseLspStream(raw: Buffer): { id?: number | string; method?: string; params?: any; result?: any }[] {
  const out: { id?: number | string; method?: string; params?: any; result?: any }[] = [];
  let i = 0;
  for (;;) {
    const head = raw.indexOf('\r\n\r\n', i);
    if (head < 0) break;
    const m = /Content-Length: (\d+)/i.exec(raw.subarray(i, head).toString('ascii'));
    if (!m) break;
    const start = head + 4;
    const end = start + Number(m[1]);
    if (end > raw.length) break;
    out.push(JSON.parse(raw.subarray(start, end).toString('utf8')));
    i = end;
  }
  return out;
}

const liveSkip = skip ?? (process.platform === 'win32' ? 'needs /bin/sh' : serverMissingReason());

describe('bundled extension starting the real server (stub vscode)', { skip: liveSkip }, () => {
  it('starts `promptcost lsp` with the mapped settings and pushes them on didChangeConfiguration', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'promptcost-ext-live-'));
    const log = path.join(dir, 'stdin.log');
    const wrapper = path.join(dir, 'promptcost');
    // A wrapper that records what the extension sends to the server.
    fs.writeFileSync(wrapper, `#!/bin/sh\ntee '${log}' | '${SERVER_BIN}' "$@"\n`, { mode: 0o755 });
    try {
      const { stub, calls } = makeVscodeStub({ 'server.path': wrapper, models: ['claude-sonnet-4-5', 'gpt-4o'], budget: 1234, 'code.enabled': false });
      const extension = loadExtensionWith(stub);
      await extension.activate({ extensionPath: dir, subscriptions: [] });
      const msgs = await waitFor('initialize and didChangeConfiguration', () => {
        const m = fs.existsSync(log) ? parseLspStream(fs.readFileSync(log)) : [];
        return m.some((x) => x.method === 'workspace/didChangeConfiguration') && m;
      }).catch((e) => {
        throw new Error(`${e.message}\noutput channel: ${calls.log.join('\n')}\nerrors: ${calls.errors.join('\n')}`);
      });
      await extension.deactivate();
      const init = msgs.find((m) => m.method === 'initialize')!;
      assert.deepEqual(init.params.capabilities.general.positionEncodings, ['utf-16']);
      assert.deepEqual(init.params.initializationOptions.models, ['claude-sonnet-4-5', 'gpt-4o']);
      assert.equal(init.params.initializationOptions.budget, 1234);
      assert.equal(init.params.initializationOptions.code.enabled, false);
      const change = msgs.find((m) => m.method === 'workspace/didChangeConfiguration')!;
      // initializationOptions = the settings + the commands the extension runs itself.
      const { clientCommands, ...initSettings } = init.params.initializationOptions;
      assert.deepEqual(clientCommands, ['promptcost.showModels']);
      assert.deepEqual(change.params.settings.promptcost, initSettings);
      // The server asks workspace/configuration (section promptcost); the middleware answers the mapped settings.
      const answer = await waitFor('an answer to workspace/configuration', () =>
        parseLspStream(fs.readFileSync(log)).find((m) => m.method === undefined && Array.isArray(m.result) && m.result[0]?.models),
      );
      assert.deepEqual(answer.result[0], initSettings);
      assert.deepEqual(calls.errors.filter((e) => !e.startsWith('log: ')), []);
      // tee writes to the server before the log file: wait for the record of the shutdown request
      await waitFor('shutdown request in the log', () => parseLspStream(fs.readFileSync(log)).some((m) => m.method === 'shutdown'), 10_000);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
