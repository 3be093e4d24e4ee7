// Text shown by the extension (status bar, model table, quick pick), built from the strings
// the server renders (`label`, `share_label`, `chars_label`, `*_price_label`, `context_label`
// in promptcost/count and promptcost/models): the extension never formats a number or an
// amount of money itself, so it reads exactly like the hints, the lens and the CLI. Pure.
import type { CountResult, ModelCount, ModelInfo, ModelsResult } from './protocol';

/** The count of the primary model (by name, else the first one). */
export function primaryCount(result: CountResult | undefined, primary: string | undefined): ModelCount | undefined {
  if (!result || result.models.length === 0) return undefined;
  return result.models.find((m) => m.model === primary) ?? result.models[0];
}

/** `≈2,345 tok · $0.0059`: the server's label. */
export function countLabel(c: ModelCount): string {
  return c.label;
}

export interface StatusBarView {
  text: string;
  tooltip: string;
}

/**
 * Status bar text: `$(symbol-numeric) 2,345 tok · $0.0059 · gpt-4o`, and with a
 * selection `$(symbol-numeric) sel 120 tok · $0.0003 / 2,345 tok · $0.0059 · gpt-4o`.
 */
export function statusBarView(
  doc: CountResult | undefined,
  selection: CountResult | undefined,
  primary: string | undefined,
  /** In source code: the prompts' total as the code lens says it (the whole text is no prompt). */
  prompts?: string,
): StatusBarView | undefined {
  const d = primaryCount(doc, primary);
  if (!d) return undefined;
  const s = primaryCount(selection, primary);
  const model = d.model;
  const share = d.share_label ? ` (${d.share_label})` : '';
  let text: string;
  const tooltipLines = [`promptcost — ${model}`];
  if (prompts) tooltipLines.push(`Prompts: ${prompts}`, `Whole text: ${countLabel(d)}, ${doc!.chars_label} chars`);
  else tooltipLines.push(`File: ${countLabel(d)}${share}, ${doc!.chars_label} chars`);
  const file = prompts ? `prompts ${prompts}` : `${countLabel(d)} · ${model}`;
  if (s) {
    text = `$(symbol-numeric) sel ${countLabel(s)} / ${file}`;
    tooltipLines.push(`Selection: ${countLabel(s)}, ${selection!.chars_label} chars`);
  } else {
    text = `$(symbol-numeric) ${file}`;
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
  lines.push('| Model | Provider | Tokenizer | Count | Input | Output | Context | Aliases |');
  lines.push('|---|---|---|---|---:|---:|---:|---|');
  for (const m of res.models) {
    const name = configured.includes(m.model) ? `**${m.model}**` : m.model;
    const cells = [name, m.provider, m.tokenizer, m.accuracy, m.input_price_label, m.output_price_label, m.context_label, m.aliases.join(', ')];
    lines.push(`| ${cells.map(cell).join(' | ')} |`);
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
    detail: `in ${m.input_price_label}/Mtok · out ${m.output_price_label}/Mtok · ${m.context_label} context · ${m.accuracy}`,
    model: m.model,
    picked: configured[0] === m.model,
  }));
}
