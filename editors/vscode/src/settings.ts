// Mapping VS Code's `promptcost.*` settings to the object the server reads
// (section `promptcost`, camelCase keys). Pure: no `vscode` import.

export type LogLevel = 'error' | 'warn' | 'info' | 'debug' | 'trace';

/**
 * The settings object sent to the server. Only keys the user set are present: the server
 * treats a missing key (or null / an empty list) as "not set", so `promptcost.toml` and the
 * server's built-in defaults apply (precedence: defaults < promptcost.toml < editor settings).
 */
export interface ServerSettings {
  models?: string[];
  budget?: number;
  include?: string[];
  exclude?: string[];
  expectedOutputTokens?: number;
  /** Calls per day of every prompt (cost per day and per month). */
  callsPerDay?: number;
  /** Share of calls (0..1) reading the static prefix from the prompt cache. */
  cacheHit?: number;
  logLevel?: LogLevel;
  pricesFile?: string;
  code?: { enabled?: boolean; namePattern?: string };
  /** Exact Claude counts via Anthropic's API: sent only when the user turned it on. */
  claudeApi?: boolean;
}

export const LOG_LEVELS: readonly LogLevel[] = ['error', 'warn', 'info', 'debug', 'trace'];

/** Reads one setting below `promptcost.` (e.g. `models`, `code.enabled`), like `WorkspaceConfiguration.get`. */
export type SettingGetter = (key: string) => unknown;

function stringList(v: unknown): string[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const out: string[] = [];
  for (const item of v) {
    if (typeof item !== 'string') continue;
    const s = item.trim();
    if (s !== '' && !out.includes(s)) out.push(s);
  }
  return out.length > 0 ? out : undefined;
}

function nonNegativeInt(v: unknown): number | undefined {
  if (typeof v === 'string' && v.trim() !== '') v = Number(v);
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) return undefined;
  return Math.floor(v);
}

function number(v: unknown): number | undefined {
  if (typeof v === 'string' && v.trim() !== '') v = Number(v);
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function optionalPath(v: unknown, homedir?: string): string | undefined {
  if (typeof v !== 'string') return undefined;
  let s = v.trim();
  if (s === '') return undefined;
  if (homedir) {
    if (s === '~') s = homedir;
    else if (s.startsWith('~/') || s.startsWith('~\\')) s = homedir + s.slice(1);
    else if (s.startsWith('${userHome}')) s = homedir + s.slice('${userHome}'.length);
  }
  return s;
}

/**
 * Builds the `promptcost` settings object sent to the server (initializationOptions,
 * workspace/configuration answers and didChangeConfiguration) from VS Code's
 * `promptcost.*` settings. Unset, empty or invalid values are left out, so they do not
 * override `promptcost.toml`; `budget` ≤ 0 and `callsPerDay` ≤ 0 count as unset, a
 * `cacheHit` outside 0..1 too.
 */
export function toServerSettings(get: SettingGetter, homedir?: string): ServerSettings {
  const out: ServerSettings = {};
  const models = stringList(get('models'));
  if (models) out.models = models;
  const budget = nonNegativeInt(get('budget'));
  if (budget !== undefined && budget > 0) out.budget = budget;
  const include = stringList(get('include'));
  if (include) out.include = include;
  const exclude = stringList(get('exclude'));
  if (exclude) out.exclude = exclude;
  const expected = nonNegativeInt(get('expectedOutputTokens'));
  if (expected !== undefined) out.expectedOutputTokens = expected;
  const calls = number(get('callsPerDay'));
  if (calls !== undefined && calls > 0) out.callsPerDay = calls;
  const cacheHit = number(get('cacheHit'));
  if (cacheHit !== undefined && cacheHit >= 0 && cacheHit <= 1) out.cacheHit = cacheHit;
  const logLevel = get('logLevel');
  if (typeof logLevel === 'string' && (LOG_LEVELS as readonly string[]).includes(logLevel)) out.logLevel = logLevel as LogLevel;
  const pricesFile = optionalPath(get('pricesFile'), homedir);
  if (pricesFile !== undefined) out.pricesFile = pricesFile;
  const code: { enabled?: boolean; namePattern?: string } = {};
  const enabled = get('code.enabled');
  if (typeof enabled === 'boolean') code.enabled = enabled;
  const namePattern = get('code.namePattern');
  if (typeof namePattern === 'string' && namePattern.trim() !== '') code.namePattern = namePattern;
  if (Object.keys(code).length > 0) out.code = code;
  if (get('claudeApi') === true) out.claudeApi = true;
  return out;
}

/** Getter over a plain (possibly nested) object, e.g. `{models: [...], code: {enabled: true}}` or dotted keys. */
export function getterFromObject(obj: Record<string, unknown>): SettingGetter {
  return (key: string) => {
    if (key in obj) return obj[key];
    let cur: unknown = obj;
    for (const part of key.split('.')) {
      if (cur === null || typeof cur !== 'object') return undefined;
      cur = (cur as Record<string, unknown>)[part];
    }
    return cur;
  };
}

/**
 * The model list with `chosen` moved to the front (the primary model). `current` is the
 * effective list (the user's setting, or the models the server reports when it is unset).
 */
export function withPrimaryModel(current: readonly string[] | undefined, chosen: string): string[] {
  const rest = (current ?? []).filter((m) => m !== chosen);
  return [chosen, ...rest];
}

/** Settings that need a server restart when changed (everything else is pushed live). */
export const RESTART_SETTINGS = ['promptcost.server.path'];
