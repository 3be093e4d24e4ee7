// A minimal LSP client for tests: spawns the real `promptcost lsp` and talks to it
// through vscode-languageserver-protocol, answering the requests VS Code answers.
import { ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  createProtocolConnection,
  Diagnostic,
  ProtocolConnection,
  PublishDiagnosticsParams,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';

/** Repository root (this file runs from editors/vscode/out/test/). */
export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..', '..');
export const SERVER_BIN = process.env.PROMPTCOST_BIN || path.join(REPO_ROOT, 'target', 'debug', process.platform === 'win32' ? 'promptcost.exe' : 'promptcost');

export function serverMissingReason(): string | undefined {
  if (fs.existsSync(SERVER_BIN)) return undefined;
  return `promptcost binary not found at ${SERVER_BIN} (build it with \`cargo build\` or set PROMPTCOST_BIN); skipping the protocol test`;
}

export function vscodeCapabilities(): { clientInfo: { name: string; version: string }; capabilities: Record<string, unknown> } {
  const p = path.resolve(__dirname, '..', '..', 'test', 'fixtures', 'vscode-client-capabilities.json');
  return JSON.parse(fs.readFileSync(p, 'utf8'));
}

export interface CliCount {
  model: string;
  encoding: string;
  tokens: number;
  exact: boolean;
  input_cost_usd: number | null;
  context_window: number | null;
}

/** `promptcost count --model M --json FILE`, independent of the LSP path. */
export function cliCount(file: string, model = 'gpt-4o'): CliCount {
  const r = spawnSync(SERVER_BIN, ['count', '--model', model, '--json', file], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`promptcost count failed (${r.status}): ${r.stderr}`);
  const parsed = JSON.parse(r.stdout);
  const m = parsed.models.find((x: CliCount) => x.model === model) ?? parsed.models[0];
  if (!m) throw new Error(`no model in CLI output: ${r.stdout}`);
  return m;
}

/** Counts `text` with the CLI by writing it to a scratch file. */
const textCounts = new Map<string, CliCount>();
export function cliCountText(dir: string, text: string, model = 'gpt-4o'): CliCount {
  const key = `${model}\0${text}`;
  const cached = textCounts.get(key);
  if (cached) return cached;
  const r = cliCountTextUncached(dir, text, model);
  textCounts.set(key, r);
  return r;
}

function cliCountTextUncached(dir: string, text: string, model: string): CliCount {
  const f = path.join(dir, `.scratch-${process.pid}-${Math.random().toString(36).slice(2)}.txt`);
  fs.writeFileSync(f, text);
  try {
    return cliCount(f, model);
  } finally {
    fs.rmSync(f, { force: true });
  }
}

export async function waitFor<T>(what: string, fn: () => T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export class LspSession {
  readonly proc: ChildProcessWithoutNullStreams;
  readonly conn: ProtocolConnection;
  readonly diagnostics = new Map<string, PublishDiagnosticsParams[]>();
  readonly logs: string[] = [];
  readonly configurationRequests: unknown[] = [];
  stderr = '';

  constructor(
    readonly cwd: string,
    public settings: Record<string, unknown>,
  ) {
    this.proc = spawn(SERVER_BIN, ['lsp'], { cwd, env: { ...process.env, RUST_BACKTRACE: '1' } });
    this.proc.stderr.on('data', (d) => (this.stderr += d.toString()));
    this.conn = createProtocolConnection(new StreamMessageReader(this.proc.stdout), new StreamMessageWriter(this.proc.stdin));
    this.conn.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => {
      const list = this.diagnostics.get(p.uri) ?? [];
      list.push(p);
      this.diagnostics.set(p.uri, list);
    });
    this.conn.onNotification('window/logMessage', (p: { message: string }) => this.logs.push(p.message));
    this.conn.onNotification('window/showMessage', (p: { message: string }) => this.logs.push(`[show] ${p.message}`));
    this.conn.onRequest('workspace/configuration', (p: { items: { section?: string }[] }) => {
      this.configurationRequests.push(p);
      return p.items.map((i) => (i.section === 'promptcost' ? this.settings : i.section ? null : { promptcost: this.settings }));
    });
    for (const m of [
      'client/registerCapability',
      'client/unregisterCapability',
      'window/workDoneProgress/create',
      'workspace/inlayHint/refresh',
      'workspace/codeLens/refresh',
      'workspace/diagnostic/refresh',
      'workspace/semanticTokens/refresh',
    ]) {
      this.conn.onRequest(m, () => null);
    }
    this.conn.onRequest('window/showMessageRequest', () => null);
    this.conn.listen();
  }

  /** A request that fails (instead of hanging) when the server does not answer in time. */
  async request<T = unknown>(method: string, params: unknown, timeoutMs = 30_000): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${method}: no answer within ${timeoutMs} ms; server stderr:\n${this.stderr.slice(-2000)}`)), timeoutMs);
    });
    try {
      return (await Promise.race([this.conn.sendRequest(method, params), timeout])) as T;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Latest diagnostics pushed for `uri` (undefined before the first push). */
  latestDiagnostics(uri: string): Diagnostic[] | undefined {
    const list = this.diagnostics.get(uri);
    return list?.[list.length - 1]?.diagnostics;
  }

  /** shutdown + exit; true if the process ended by itself within 10 s (it is killed otherwise). */
  async shutdown(): Promise<boolean> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return true;
    const exited = new Promise<boolean>((r) => this.proc.once('exit', () => r(true)));
    try {
      await Promise.race([this.conn.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 5000))]);
      await this.conn.sendNotification('exit');
    } catch {
      /* the process may be gone already */
    }
    const clean = await Promise.race([exited, new Promise<boolean>((r) => setTimeout(() => r(false), 10_000))]);
    if (!clean) this.proc.kill('SIGKILL');
    this.conn.dispose();
    return clean;
  }
}

/** UTF-16 position of the end of line `line` in `text`. */
export function lineEnd(text: string, line: number): { line: number; character: number } {
  return { line, character: text.split('\n')[line].replace(/\r$/, '').length };
}

/** Joins an inlay hint label (string or label parts). */
export function labelText(label: string | { value: string }[]): string {
  return typeof label === 'string' ? label : label.map((p) => p.value).join('');
}

export function fmtInt(n: number): string {
  return n.toLocaleString('en-US');
}
