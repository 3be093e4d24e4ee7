// Text shown by the extension (status bar, model table, quick pick). Pure.
import type { CountResult, ModelCount, ModelInfo, ModelsResult } from './protocol';

export function formatInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** USD with 4 decimals below $1 (prompt costs are small), 2 above. */
export function formatUsd(usd: number | null | undefined): string {
  if (usd === null || usd === undefined || !Number.isFinite(usd)) return '';
  if (usd === 0) return '$0';
  if (Math.abs(usd) < 1) return `$${usd.toFixed(4)}`;
  return `$${usd.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** `128k`, `1M`, `1.05M`, `200k`. */
export function formatWindow(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '';
  if (n >= 1_000_000) return `${+(n / 1_000_000).toFixed(2)}M`;
  if (n >= 1_000) return `${+(n / 1_000).toFixed(1)}k`;
  return String(n);
}

/** Per-million-token price, e.g. `$2.50`. */
export function formatPerMtok(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  return `$${v.toFixed(v < 0.1 && v > 0 ? 3 : 2)}`;
}

/** The count of the primary model (by name, else the first one). */
export function primaryCount(result: CountResult | undefined, primary: string | undefined): ModelCount | undefined {
  if (!result || result.models.length === 0) return undefined;
  return result.models.find((m) => m.model === primary) ?? result.models[0];
}

/** `≈ 2,345 tok · $0.0059` (the `≈` for estimated tokenizers). */
export function countLabel(c: ModelCount): string {
  const cost = formatUsd(c.input_cost_usd);
  return `${c.exact ? '' : '≈ '}${formatInt(c.tokens)} tok${cost ? ` · ${cost}` : ''}`;
}

export interface StatusBarView {
  text: string;
  tooltip: string;
}

/**
 * Status bar text: `$(symbol-numeric) 2,345 tok · $0.0059 · gpt-4o`, and with a
 * selection `$(symbol-numeric) sel 120 tok · $0.0003 / 2,345 tok · gpt-4o`.
 */
export function statusBarView(
  doc: CountResult | undefined,
  selection: CountResult | undefined,
  primary: string | undefined,
): StatusBarView | undefined {
  const d = primaryCount(doc, primary);
  if (!d) return undefined;
  const s = primaryCount(selection, primary);
  const model = d.model;
  const pct =
    d.context_window && d.context_window > 0 ? ` (${((100 * d.tokens) / d.context_window).toFixed(1)}% of ${formatWindow(d.context_window)})` : '';
  let text: string;
  const tooltipLines = [`promptcost — ${model}`, `File: ${countLabel(d)}${pct}, ${formatInt(doc!.chars)} chars`];
  if (s) {
    text = `$(symbol-numeric) sel ${countLabel(s)} / ${formatInt(d.tokens)} tok · ${model}`;
    tooltipLines.push(`Selection: ${countLabel(s)}, ${formatInt(selection!.chars)} chars`);
  } else {
    text = `$(symbol-numeric) ${countLabel(d)} · ${model}`;
  }
  const others = (doc?.models ?? []).filter((m) => m !== d);
  for (const o of others) tooltipLines.push(`${o.model}: ${countLabel(o)}`);
  tooltipLines.push('Click to pick the primary model');
  return { text, tooltip: tooltipLines.join('\n') };
}

function cell(s: string): string {
  return s.replace(/\|/g, '\\|');
}

/** Markdown table of `promptcost/models` (command "Show Models and Prices"). */
export function modelsMarkdown(res: ModelsResult, configured: readonly string[] = []): string {
  const lines: string[] = [];
  lines.push('# promptcost models');
  lines.push('');
  lines.push(`Price snapshot: **${res.snapshot_date}**. Prices in USD per million tokens.`);
  if (configured.length > 0) lines.push(`Configured models: ${configured.map((m) => `\`${m}\``).join(', ')} (primary: \`${configured[0]}\`).`);
  lines.push('');
  lines.push('| Model | Provider | Tokenizer | Input | Cached input | Cache write | Output | Context | Max output | Aliases |');
  lines.push('|---|---|---|---:|---:|---:|---:|---:|---:|---|');
  for (const m of res.models) {
    const tokenizer = m.exact ? m.tokenizer : `${m.tokenizer} (≈${m.error_pct !== null ? ` ±${m.error_pct}%` : ''})`;
    const name = configured.includes(m.model) ? `**${m.model}**` : m.model;
    lines.push(
      `| ${cell(name)} | ${cell(m.provider)} | ${cell(tokenizer)} | ${formatPerMtok(m.input_cost_per_mtok)} | ${formatPerMtok(
        m.cached_input_cost_per_mtok,
      )} | ${formatPerMtok(m.cache_write_cost_per_mtok)} | ${formatPerMtok(m.output_cost_per_mtok)} | ${formatWindow(m.context_window) || '—'} | ${
        formatWindow(m.max_output_tokens) || '—'
      } | ${cell((m.aliases ?? []).join(', '))} |`,
    );
  }
  lines.push('');
  return lines.join('\n');
}

export interface ModelPickItem {
  label: string;
  description: string;
  detail: string;
  model: string;
  picked: boolean;
}

/** Quick-pick items for "Pick Primary Model": configured models first, current primary marked. */
export function modelPickItems(models: readonly ModelInfo[], configured: readonly string[]): ModelPickItem[] {
  const rank = (m: ModelInfo) => {
    const i = configured.indexOf(m.model);
    return i === -1 ? configured.length : i;
  };
  const sorted = [...models].sort((a, b) => rank(a) - rank(b));
  return sorted.map((m) => ({
    label: `${configured[0] === m.model ? '$(star-full) ' : configured.includes(m.model) ? '$(check) ' : ''}${m.model}`,
    description: m.provider,
    detail: `in ${formatPerMtok(m.input_cost_per_mtok)}/Mtok · out ${formatPerMtok(m.output_cost_per_mtok)}/Mtok · ${
      formatWindow(m.context_window) || '?'
    } context · ${m.exact ? 'exact' : 'estimated'} (${m.tokenizer})`,
    model: m.model,
    picked: configured[0] === m.model,
  }));
}
