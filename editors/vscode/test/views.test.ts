import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { modelPickItems, modelsMarkdown, statusBarView } from '../src/views';
import type { CountResult, ModelCount, ModelInfo, ModelsResult } from '../src/protocol';

// Complete wire objects from the fields a test cares about (the types are the server's). The
// labels are the server's strings: the views must show them verbatim, never recompute them.
const count = (c: Partial<ModelCount> & { model: string }): ModelCount => ({
  encoding: 'o200k_base', tokenizer: 'o200k_base', tokens: 0, exact: true, error_pct: null, input_cost_usd: null,
  cached_input_cost_usd: null, context_window: null, context_share: null, via_api: false, label: '', share_label: null, ...c,
});
const info = (m: Partial<ModelInfo> & { model: string }): ModelInfo => ({
  provider: 'openai', display_name: null, aliases: [], tokenizer: 'o200k_base', exact: true, error_pct: null, accuracy: 'exact',
  input_cost_per_mtok: null, cached_input_cost_per_mtok: null, cache_write_cost_per_mtok: null, output_cost_per_mtok: null,
  tiers: [], context_window: null, max_output_tokens: null, price_source: 'embedded', input_price_label: '', context_label: '',
  output_price_label: '', ...m,
});
const result = (r: { chars: number; chars_label: string; models: ModelCount[] }): CountResult => ({ uri: 'file:///a.md', bytes: r.chars, snapshot_date: '2026-11-01', ...r });

const doc: CountResult = result({
  chars: 9000,
  chars_label: '9,000',
  models: [
    count({ model: 'gpt-4o', tokens: 2345, input_cost_usd: 0.0058625, context_window: 128000, context_share: 0.0183, label: '2,345 tok · $0.0059', share_label: '1.8% of 128k' }),
    count({ model: 'claude-sonnet-4-5', encoding: 'claude-est', tokens: 2600, exact: false, error_pct: 10, input_cost_usd: 0.0078, label: '≈2,600 tok · $0.0078' }),
    count({ model: 'mystery-1', tokens: 2345, label: '2,345 tok · no price' }),
  ],
});
const sel: CountResult = result({
  chars: 400,
  chars_label: '400',
  models: [count({ model: 'gpt-4o', tokens: 120, input_cost_usd: 0.000003, label: '120 tok · $0.000003' })],
});
const models: ModelsResult = {
  snapshot_date: '2026-11-01',
  source: 'embedded',
  models: [
    info({ model: 'gpt-4o', aliases: ['gpt-4o-2024-08-06'], accuracy: 'exact (o200k_base)', input_cost_per_mtok: 2.5, output_cost_per_mtok: 10, input_price_label: '$2.5', output_price_label: '$10', context_label: '128k' }),
    info({ model: 'claude-sonnet-4-5', provider: 'anthropic', tokenizer: 'claude-estimate', exact: false, error_pct: 15, accuracy: '≈ ±15%', input_price_label: '$3', output_price_label: '$15', context_label: '200k' }),
    info({ model: 'mystery-1', accuracy: 'exact (o200k_base)', input_price_label: 'no price', output_price_label: 'no price', context_label: 'unknown' }),
  ],
  configured: ['gpt-4o'],
};

describe('views', () => {
  it('status bar: file only, the server strings verbatim', () => {
    const v = statusBarView(doc, undefined, 'gpt-4o')!;
    assert.equal(v.text, '$(symbol-numeric) 2,345 tok · $0.0059 · gpt-4o');
    assert.match(v.tooltip, /File: 2,345 tok · \$0\.0059 \(1\.8% of 128k\), 9,000 chars/);
    assert.match(v.tooltip, /claude-sonnet-4-5: ≈2,600 tok · \$0\.0078/);
    assert.match(v.tooltip, /mystery-1: 2,345 tok · no price/, 'an unpriced model is never $0');
  });

  it('status bar: with a selection (a tiny cost is not rounded to $0.0000)', () => {
    const v = statusBarView(doc, sel, 'gpt-4o')!;
    assert.equal(v.text, '$(symbol-numeric) sel 120 tok · $0.000003 / 2,345 tok · $0.0059 · gpt-4o');
    assert.match(v.tooltip, /Selection: 120 tok · \$0\.000003, 400 chars/);
  });

  it('status bar: primary model by name, estimate marked', () => {
    const v = statusBarView(doc, undefined, 'claude-sonnet-4-5')!;
    assert.equal(v.text, '$(symbol-numeric) ≈2,600 tok · $0.0078 · claude-sonnet-4-5');
    assert.doesNotMatch(v.tooltip, /\(null\)|undefined/, 'no share without a context window');
  });

  it('status bar in source code: the prompts total from the lens, the whole text in the tooltip', () => {
    const v = statusBarView(doc, undefined, 'gpt-4o', '59 tokens · $0.0001 gpt-4o · 0.05% of 128k')!;
    assert.equal(v.text, '$(symbol-numeric) prompts 59 tokens · $0.0001 gpt-4o · 0.05% of 128k');
    assert.match(v.tooltip, /Whole text: 2,345 tok · \$0\.0059, 9,000 chars/);
  });

  it('status bar: nothing without counts', () => {
    assert.equal(statusBarView(undefined, undefined, 'gpt-4o'), undefined);
    assert.equal(statusBarView(result({ chars: 0, chars_label: '0', models: [] }), undefined, 'gpt-4o'), undefined);
  });

  it('models table', () => {
    const md = modelsMarkdown(models, ['gpt-4o']);
    assert.match(md, /Price snapshot: \*\*2026-11-01\*\*/);
    assert.match(md, /^\| \*\*gpt-4o\*\* \| openai \| o200k_base \| exact \(o200k_base\) \| \$2\.5 \| \$10 \| 128k \| gpt-4o-2024-08-06 \|$/m);
    assert.match(md, /^\| claude-sonnet-4-5 \| anthropic \| claude-estimate \| ≈ ±15% \| \$3 \| \$15 \| 200k \|  \|$/m);
    assert.match(md, /^\| mystery-1 \| .* \| no price \| no price \| unknown \|/m);
  });

  it('model quick pick: configured first, primary starred', () => {
    const items = modelPickItems(models.models, ['claude-sonnet-4-5', 'gpt-4o']);
    assert.deepEqual(items.map((i) => i.model), ['claude-sonnet-4-5', 'gpt-4o', 'mystery-1']);
    assert.equal(items[0].picked, true);
    assert.match(items[0].label, /star-full/);
    assert.equal(items[1].detail, 'in $2.5/Mtok · out $10/Mtok · 128k context · exact (o200k_base)');
  });
});
