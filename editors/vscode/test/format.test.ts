import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { formatUsd, formatWindow, modelPickItems, modelsMarkdown, statusBarView } from '../src/format';
import type { CountResult, ModelCount, ModelInfo, ModelsResult } from '../src/protocol';

// Complete wire objects from the fields a test cares about (the types are the server's).
const count = (c: Partial<ModelCount> & { model: string }): ModelCount => ({
  encoding: 'o200k_base', tokenizer: 'o200k_base', tokens: 0, exact: true, error_pct: null, input_cost_usd: null,
  cached_input_cost_usd: null, context_window: null, context_share: null, via_api: false, label: '', ...c,
});
const info = (m: Partial<ModelInfo> & { model: string }): ModelInfo => ({
  provider: 'openai', display_name: null, aliases: [], tokenizer: 'o200k_base', exact: true, error_pct: null, accuracy: 'exact',
  input_cost_per_mtok: null, cached_input_cost_per_mtok: null, cache_write_cost_per_mtok: null, output_cost_per_mtok: null,
  tiers: [], context_window: null, max_output_tokens: null, price_source: 'embedded', input_price_label: '', context_label: '', ...m,
});
const result = (r: { chars: number; models: ModelCount[] }): CountResult => ({ uri: 'file:///a.md', bytes: r.chars, snapshot_date: '2026-11-01', ...r });

const doc: CountResult = result({
  chars: 9000,
  models: [
    count({ model: 'gpt-4o', encoding: 'o200k_base', tokens: 2345, exact: true, error_pct: null, input_cost_usd: 0.0058625, context_window: 128000 }),
    count({ model: 'claude-sonnet-4-5', encoding: 'claude-est', tokens: 2600, exact: false, error_pct: 10, input_cost_usd: 0.0078, context_window: 200000 }),
  ],});
const sel: CountResult = result({
  chars: 400,
  models: [count({ model: 'gpt-4o', encoding: 'o200k_base', tokens: 120, exact: true, error_pct: null, input_cost_usd: 0.0003, context_window: 128000 })],});
const models: ModelsResult = {
  snapshot_date: '2026-11-01',
  source: 'embedded',
  models: [
    info({ model: 'gpt-4o', provider: 'openai', aliases: ['gpt-4o-2024-08-06'], tokenizer: 'o200k_base', exact: true, error_pct: null, input_cost_per_mtok: 2.5, cached_input_cost_per_mtok: 1.25, cache_write_cost_per_mtok: null, output_cost_per_mtok: 10, context_window: 128000, max_output_tokens: 16384 }),
    info({ model: 'claude-sonnet-4-5', provider: 'anthropic', aliases: [], tokenizer: 'claude-estimate', exact: false, error_pct: 15, input_cost_per_mtok: 3, cached_input_cost_per_mtok: 0.3, cache_write_cost_per_mtok: 3.75, output_cost_per_mtok: 15, context_window: 200000, max_output_tokens: 64000 }),
  ],
};

describe('format', () => {
  it('formatUsd', () => {
    assert.equal(formatUsd(0.0058625), '$0.0059');
    assert.equal(formatUsd(12.5), '$12.50');
    assert.equal(formatUsd(1234.5), '$1,234.50');
    assert.equal(formatUsd(null), '');
    assert.equal(formatUsd(0), '$0');
  });

  it('formatWindow', () => {
    assert.equal(formatWindow(128000), '128k');
    assert.equal(formatWindow(1048576), '1.05M');
    assert.equal(formatWindow(1000000), '1M');
    assert.equal(formatWindow(null), '');
  });

  it('status bar: file only', () => {
    const v = statusBarView(doc, undefined, 'gpt-4o')!;
    assert.equal(v.text, '$(symbol-numeric) 2,345 tok · $0.0059 · gpt-4o');
    assert.match(v.tooltip, /1\.8% of 128k/);
    assert.match(v.tooltip, /claude-sonnet-4-5: ≈ 2,600 tok/);
  });

  it('status bar: with a selection', () => {
    const v = statusBarView(doc, sel, 'gpt-4o')!;
    assert.equal(v.text, '$(symbol-numeric) sel 120 tok · $0.0003 / 2,345 tok · gpt-4o');
    assert.match(v.tooltip, /Selection: 120 tok/);
  });

  it('status bar: primary model by name, estimate marked', () => {
    const v = statusBarView(doc, undefined, 'claude-sonnet-4-5')!;
    assert.equal(v.text, '$(symbol-numeric) ≈ 2,600 tok · $0.0078 · claude-sonnet-4-5');
  });

  it('status bar: nothing without counts', () => {
    assert.equal(statusBarView(undefined, undefined, 'gpt-4o'), undefined);
    assert.equal(statusBarView(result({ chars: 0, models: [] }), undefined, 'gpt-4o'), undefined);
  });

  it('models table', () => {
    const md = modelsMarkdown(models, ['gpt-4o']);
    assert.match(md, /Price snapshot: \*\*2026-11-01\*\*/);
    assert.match(md, /\| \*\*gpt-4o\*\* \| openai \| o200k_base \| \$2\.50 \| \$1\.25 \| — \| \$10\.00 \| 128k \| 16\.4k \| gpt-4o-2024-08-06 \|/);
    assert.match(md, /claude-estimate \(≈ ±15%\)/);
  });

  it('model quick pick: configured first, primary starred', () => {
    const items = modelPickItems(models.models, ['claude-sonnet-4-5', 'gpt-4o']);
    assert.deepEqual(items.map((i) => i.model), ['claude-sonnet-4-5', 'gpt-4o']);
    assert.equal(items[0].picked, true);
    assert.match(items[0].label, /star-full/);
    assert.match(items[1].detail, /in \$2\.50\/Mtok · out \$10\.00\/Mtok · 128k context · exact/);
  });
});
