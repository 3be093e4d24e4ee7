// Locating the `promptcost` executable. Pure: no `vscode` import, all I/O injected.
import * as path from 'path';

export type ServerSource = 'setting' | 'bundled' | 'path';

export interface DiscoveryInput {
  /** Value of `promptcost.server.path` (machine-scoped setting); empty/undefined when unset. */
  configuredPath?: string | null;
  /** The extension's install directory (`context.extensionPath`). */
  extensionPath: string;
  /** `process.platform`. */
  platform: NodeJS.Platform | string;
  /** Environment (PATH / Path, PATHEXT, HOME / USERPROFILE). */
  env: Record<string, string | undefined>;
  /** Home directory, used to expand `~` and `${userHome}` in the setting. */
  homedir?: string;
  /** True if `p` is an existing executable file. */
  isExecutable: (p: string) => boolean;
  /**
   * Restores the executable bit of the bundled binary when an unpacker lost it (true if it
   * is executable afterwards). Only ever called on `<extensionPath>/bin/promptcost`.
   */
  makeExecutable?: (p: string) => boolean;
}

export type DiscoveryResult =
  | { ok: true; path: string; source: ServerSource; tried: string[] }
  | { ok: false; message: string; tried: string[] };

export const INSTALL_URL = 'https://github.com/promptcost/promptcost#install';

function pathApi(platform: string): typeof path.posix {
  return platform === 'win32' ? path.win32 : path.posix;
}

export function binaryName(platform: string): string {
  return platform === 'win32' ? 'promptcost.exe' : 'promptcost';
}

/** Expands `~`, `~/...` and `${userHome}` at the start of a configured path. */
export function expandHome(p: string, homedir: string | undefined): string {
  if (!homedir) return p;
  if (p === '~') return homedir;
  if (p.startsWith('~/') || p.startsWith('~\\')) return homedir + p.slice(1);
  if (p.startsWith('${userHome}')) return homedir + p.slice('${userHome}'.length);
  return p;
}

function pathEntries(env: Record<string, string | undefined>, platform: string): string[] {
  const raw = platform === 'win32' ? (env.Path ?? env.PATH ?? '') : (env.PATH ?? '');
  const sep = platform === 'win32' ? ';' : ':';
  return raw
    .split(sep)
    .map((e) => e.trim().replace(/^"(.*)"$/, '$1'))
    .filter((e) => e.length > 0);
}

function candidatesFor(name: string, platform: string, env: Record<string, string | undefined>): string[] {
  if (platform !== 'win32') return [name];
  if (path.win32.extname(name) !== '') return [name];
  const exts = (env.PATHEXT ?? '.EXE;.CMD;.BAT;.COM')
    .split(';')
    .filter((e) => e.length > 0)
    .map((e) => e.toLowerCase());
  return exts.map((e) => name + e);
}

/** Looks `name` up on PATH; returns the first executable match. */
export function whichSync(
  name: string,
  platform: string,
  env: Record<string, string | undefined>,
  isExecutable: (p: string) => boolean,
  tried: string[] = [],
): string | undefined {
  const p = pathApi(platform);
  for (const dir of pathEntries(env, platform)) {
    for (const candidate of candidatesFor(name, platform, env)) {
      const full = p.join(dir, candidate);
      tried.push(full);
      if (isExecutable(full)) return full;
    }
  }
  return undefined;
}

export function notFoundMessage(tried: string[]): string {
  const lines = [
    'promptcost: the language server executable `promptcost` was not found.',
    'This extension package has no server for this platform: install the platform-specific ' +
      'promptcost extension from the releases, or put `promptcost` on your PATH ' +
      '(`pip install promptcost-cli`, or `cargo install --path .` in a promptcost checkout; ' +
      `see ${INSTALL_URL}), or set \`promptcost.server.path\` (User settings) to the full path of the binary.`,
  ];
  if (tried.length > 0) lines.push(`Looked in: ${tried.slice(0, 6).join(', ')}${tried.length > 6 ? ', …' : ''}`);
  return lines.join(' ');
}

/**
 * Finds the server: 1. `promptcost.server.path`, 2. the binary bundled in the
 * extension (`<extensionPath>/bin/promptcost[.exe]`), 3. `promptcost` on PATH.
 */
export function discoverServer(input: DiscoveryInput): DiscoveryResult {
  const { platform, env, isExecutable } = input;
  const p = pathApi(platform);
  const tried: string[] = [];
  const homedir = input.homedir ?? env.HOME ?? env.USERPROFILE;

  const configured = (input.configuredPath ?? '').trim();
  if (configured !== '') {
    const expanded = expandHome(configured, homedir);
    const hasSeparator = expanded.includes('/') || (platform === 'win32' && expanded.includes('\\'));
    if (hasSeparator) {
      const candidates =
        platform === 'win32' && p.extname(expanded) === '' ? [expanded, ...candidatesFor(expanded, platform, env)] : [expanded];
      for (const c of candidates) {
        tried.push(c);
        if (isExecutable(c)) return { ok: true, path: c, source: 'setting', tried };
      }
    } else {
      // A bare command name: look it up on PATH.
      const found = whichSync(expanded, platform, env, isExecutable, tried);
      if (found) return { ok: true, path: found, source: 'setting', tried };
    }
    return {
      ok: false,
      tried,
      message:
        `promptcost: \`promptcost.server.path\` is set to "${configured}", but no executable was found there. ` +
        'Fix or clear the setting (then run "promptcost: Restart Server"). ' +
        `To install the server: \`cargo install --path .\` in a promptcost checkout (see ${INSTALL_URL}).`,
    };
  }

  const bundled = p.join(input.extensionPath, 'bin', binaryName(platform));
  tried.push(bundled);
  if (isExecutable(bundled) || (platform !== 'win32' && input.makeExecutable?.(bundled) === true && isExecutable(bundled))) {
    return { ok: true, path: bundled, source: 'bundled', tried };
  }

  const onPath = whichSync('promptcost', platform, env, isExecutable, tried);
  if (onPath) return { ok: true, path: onPath, source: 'path', tried };

  return { ok: false, tried, message: notFoundMessage(tried) };
}
