// VS Code entry point: starts `promptcost lsp` through vscode-languageclient and
// adds a status bar item and three commands. Logic that can be tested without
// VS Code lives in discovery.ts, settings.ts, selector.ts and views.ts.
import * as fs from 'fs';
import * as os from 'os';
import * as vscode from 'vscode';
import {
  DidChangeConfigurationNotification,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  State,
} from 'vscode-languageclient/node';
import { discoverServer, INSTALL_URL } from './discovery';
import { modelPickItems, modelsMarkdown, statusBarView } from './views';
import { COUNT_METHOD, CountParams, CountResult, MODELS_METHOD, ModelsResult, SHOW_MODELS_COMMAND } from './protocol';
import { documentSelector } from './selector';
import { ServerSettings, toServerSettings, withPrimaryModel } from './settings';

const SECTION = 'promptcost';
const MODELS_URI = vscode.Uri.parse('promptcost:/models.md');

let client: LanguageClient | undefined;
let clientSelector: vscode.DocumentSelector = [];
let output: vscode.LogOutputChannel;
let statusBar: vscode.StatusBarItem;
let starting: Promise<void> | undefined;

function isExecutable(p: string): boolean {
  try {
    if (!fs.statSync(p).isFile()) return false;
    if (process.platform !== 'win32') fs.accessSync(p, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function currentSettings(scope?: vscode.ConfigurationScope): ServerSettings {
  const cfg = vscode.workspace.getConfiguration(SECTION, scope);
  return toServerSettings((key) => cfg.get(key), os.homedir());
}

/** Sets the executable bits of the bundled binary (an unzip that drops modes loses them). */
function makeExecutable(p: string): boolean {
  try {
    if (!fs.statSync(p).isFile()) return false;
    fs.chmodSync(p, 0o755);
    output.info(`Made ${p} executable`);
    return true;
  } catch {
    return false;
  }
}

async function startClient(context: vscode.ExtensionContext): Promise<void> {
  const cfg = vscode.workspace.getConfiguration(SECTION);
  const found = discoverServer({
    configuredPath: cfg.get<string | null>('server.path'),
    extensionPath: context.extensionPath,
    platform: process.platform,
    env: process.env,
    homedir: os.homedir(),
    isExecutable,
    makeExecutable,
  });
  if (!found.ok) {
    output.error(found.message);
    statusBar.hide();
    const choice = await vscode.window.showErrorMessage(found.message, 'Open Settings', 'Installation Guide');
    if (choice === 'Open Settings') {
      void vscode.commands.executeCommand('workbench.action.openSettings', 'promptcost.server.path');
    } else if (choice === 'Installation Guide') {
      void vscode.env.openExternal(vscode.Uri.parse(INSTALL_URL));
    }
    return;
  }
  output.info(`Starting ${found.path} lsp (found via ${found.source})`);

  const settings = currentSettings();
  const serverOptions: ServerOptions = {
    run: { command: found.path, args: ['lsp'] },
    debug: { command: found.path, args: ['lsp'], options: { env: { ...process.env, RUST_BACKTRACE: '1' } } },
  };
  clientSelector = documentSelector(settings.include);
  const clientOptions: LanguageClientOptions = {
    documentSelector: clientSelector as LanguageClientOptions['documentSelector'],
    // The lens command is ours (a quick pick): the server must not register it as well.
    initializationOptions: { ...settings, clientCommands: [SHOW_MODELS_COMMAND] },
    outputChannel: output,
    synchronize: { configurationSection: SECTION },
    markdown: { isTrusted: false, supportHtml: false },
    middleware: {
      workspace: {
        // Answer workspace/configuration for `promptcost` with the mapped settings
        // (per resource, so folder-level settings apply).
        configuration: async (params, token, next) => {
          const result = await next(params, token);
          if (!Array.isArray(result)) return result;
          return params.items.map((item, i) => {
            if (item.section === SECTION) {
              const scope = item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined;
              return currentSettings(scope);
            }
            return result[i];
          });
        },
        // Push the mapped settings in the `{settings: {promptcost: {...}}}` shape.
        didChangeConfiguration: async () => {
          if (!client) return;
          await client.sendNotification(DidChangeConfigurationNotification.type, {
            settings: { [SECTION]: currentSettings() },
          });
        },
      },
    },
  };

  const c = new LanguageClient('promptcost', 'promptcost', serverOptions, clientOptions);
  client = c;
  c.onDidChangeState((e) => {
    if (e.newState === State.Stopped) statusBar.hide();
    if (e.newState === State.Running) scheduleStatusUpdate(0);
  });
  try {
    await c.start();
  } catch (err) {
    output.error(`Failed to start the promptcost server: ${String(err)}`);
    void vscode.window.showErrorMessage(`promptcost: failed to start ${found.path} lsp: ${String(err)}`);
  }
}

async function stopClient(): Promise<void> {
  const c = client;
  client = undefined;
  if (c) {
    try {
      await c.stop();
    } catch (err) {
      output.warn(`Stopping the server: ${String(err)}`);
    }
  }
}

async function restart(context: vscode.ExtensionContext): Promise<void> {
  if (starting) await starting;
  starting = (async () => {
    await stopClient();
    await startClient(context);
  })();
  try {
    await starting;
  } finally {
    starting = undefined;
  }
}

// ---- status bar ----------------------------------------------------------

/** Languages whose prompts are string literals: the status bar shows their prompts' total. */
const SOURCE_LANGUAGES = new Set(['python', 'typescript', 'typescriptreact', 'javascript', 'javascriptreact', 'rust', 'go']);
let statusTimer: NodeJS.Timeout | undefined;
let statusSeq = 0;
let statusCancel: vscode.CancellationTokenSource | undefined;

function scheduleStatusUpdate(delayMs: number): void {
  if (statusTimer) clearTimeout(statusTimer);
  statusTimer = setTimeout(() => void updateStatus(), delayMs);
}

function handled(doc: vscode.TextDocument): boolean {
  return vscode.languages.match(clientSelector, doc) > 0;
}

async function updateStatus(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  const c = client;
  if (!c || !c.isRunning() || !editor || !handled(editor.document)) {
    statusBar.hide();
    return;
  }
  const seq = ++statusSeq;
  statusCancel?.cancel();
  statusCancel = new vscode.CancellationTokenSource();
  const token = statusCancel.token;
  const uri = c.code2ProtocolConverter.asUri(editor.document.uri);
  const sel = editor.selection;
  try {
    const whole = c.sendRequest<CountResult>(COUNT_METHOD, { textDocument: { uri } } satisfies CountParams, token);
    const part = sel.isEmpty
      ? Promise.resolve(undefined)
      : c.sendRequest<CountResult>(
          COUNT_METHOD,
          { textDocument: { uri }, range: c.code2ProtocolConverter.asRange(sel) } satisfies CountParams,
          token,
        );
    // In source code the file's figure is its prompts' total (the lens), not the whole text.
    const lens = SOURCE_LANGUAGES.has(editor.document.languageId)
      ? c.sendRequest<{ range: { start: { line: number } }; command?: { title: string } }[] | null>('textDocument/codeLens', { textDocument: { uri } }, token)
      : Promise.resolve(null);
    const [doc, selection, lenses] = await Promise.all([whole, part, lens]);
    if (seq !== statusSeq) return;
    // The server's file lens: on line 0 of a prompt file, above the first prompt in code.
    const prompts = lenses?.[0]?.command?.title;
    // primary: the user's first model, else the server's (the first model of the count)
    const view = statusBarView(doc, selection, currentSettings(editor.document.uri).models?.[0], prompts);
    if (!view) {
      statusBar.hide();
      return;
    }
    statusBar.text = view.text;
    statusBar.tooltip = view.tooltip;
    statusBar.show();
  } catch (err) {
    if (seq !== statusSeq || token.isCancellationRequested) return;
    output.debug(`promptcost/count failed: ${String(err)}`);
    statusBar.hide();
  }
}

// ---- commands ------------------------------------------------------------

async function fetchModels(): Promise<ModelsResult | undefined> {
  if (!client || !client.isRunning()) {
    void vscode.window.showWarningMessage('promptcost: the language server is not running (run "promptcost: Restart Server").');
    return undefined;
  }
  try {
    return await client.sendRequest<ModelsResult>(MODELS_METHOD, {});
  } catch (err) {
    void vscode.window.showErrorMessage(`promptcost: ${MODELS_METHOD} failed: ${String(err)}`);
    return undefined;
  }
}

class ModelsDocumentProvider implements vscode.TextDocumentContentProvider {
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;
  content = '# promptcost models\n\nLoading…\n';
  set(content: string): void {
    this.content = content;
    this.emitter.fire(MODELS_URI);
  }
  provideTextDocumentContent(): string {
    return this.content;
  }
}

async function showModels(provider: ModelsDocumentProvider): Promise<void> {
  const res = await fetchModels();
  if (!res) return;
  provider.set(modelsMarkdown(res, await effectiveModels()));
  const doc = await vscode.workspace.openTextDocument(MODELS_URI);
  await vscode.window.showTextDocument(doc, { preview: true });
}

/**
 * The models in use: `promptcost.models` if set, else what the server counts with
 * (promptcost.toml or its defaults), read from a `promptcost/count` of the active document.
 */
async function effectiveModels(): Promise<string[]> {
  const configured = currentSettings().models;
  if (configured) return configured;
  const editor = vscode.window.activeTextEditor;
  if (!client || !editor || !handled(editor.document)) return [];
  try {
    const res = await client.sendRequest<CountResult>(COUNT_METHOD, {
      textDocument: { uri: client.code2ProtocolConverter.asUri(editor.document.uri) },
    } satisfies CountParams);
    return res.models.map((m) => m.model);
  } catch {
    return [];
  }
}

async function pickModel(): Promise<void> {
  const res = await fetchModels();
  if (!res) return;
  const configured = await effectiveModels();
  const items = modelPickItems(res.models, configured);
  const chosen = await vscode.window.showQuickPick(items, {
    title: `promptcost: primary model (prices of ${res.snapshot_date})`,
    placeHolder: configured.length > 0 ? `Current: ${configured[0]}` : 'Primary model',
    matchOnDescription: true,
    matchOnDetail: true,
  });
  if (!chosen) return;
  const cfg = vscode.workspace.getConfiguration(SECTION);
  const inspected = cfg.inspect<string[]>('models');
  const target =
    inspected?.workspaceFolderValue !== undefined || inspected?.workspaceValue !== undefined
      ? vscode.ConfigurationTarget.Workspace
      : vscode.ConfigurationTarget.Global;
  await cfg.update('models', withPrimaryModel(configured, chosen.model), target);
  scheduleStatusUpdate(100);
}

// ---- activation ----------------------------------------------------------

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel('promptcost', { log: true });
  statusBar = vscode.window.createStatusBarItem('promptcost.status', vscode.StatusBarAlignment.Right, 100);
  statusBar.name = 'promptcost';
  statusBar.command = 'promptcost.pickModel';
  const modelsProvider = new ModelsDocumentProvider();

  context.subscriptions.push(
    output,
    statusBar,
    vscode.workspace.registerTextDocumentContentProvider('promptcost', modelsProvider),
    vscode.commands.registerCommand('promptcost.restartServer', () => restart(context)),
    vscode.commands.registerCommand(SHOW_MODELS_COMMAND, () => showModels(modelsProvider)),
    vscode.commands.registerCommand('promptcost.pickModel', () => pickModel()),
    vscode.window.onDidChangeActiveTextEditor(() => scheduleStatusUpdate(50)),
    vscode.window.onDidChangeTextEditorSelection((e) => {
      if (e.textEditor === vscode.window.activeTextEditor) scheduleStatusUpdate(250);
    }),
    vscode.workspace.onDidChangeTextDocument((e) => {
      if (e.document === vscode.window.activeTextEditor?.document) scheduleStatusUpdate(400);
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('promptcost.server.path') || e.affectsConfiguration('promptcost.include')) {
        output.info('Server path or include globs changed; restarting the server.');
        void restart(context);
      } else if (e.affectsConfiguration(SECTION)) {
        scheduleStatusUpdate(300);
      }
    }),
    { dispose: () => void stopClient() },
  );

  await restart(context);
}

export async function deactivate(): Promise<void> {
  if (statusTimer) clearTimeout(statusTimer);
  await stopClient();
}
