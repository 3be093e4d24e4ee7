import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { modelPickItems, modelsMarkdown, statusBarView } from '../src/views';
import type { CountResult, ModelsResult } from '../src/protocol';

// The labels are the server's strings (src/server/labels.rs); the views must show them verbatim.
const doc: CountResult = {
  chars: 9000,
  chars_label: '9,000',
  models: [
    { model: 'gpt-4o', encoding: 'o200k_base', tokens: 2345, exact: true, error_pct: null, input_cost_usd: 0.0058625, context_window: 128000, label: { tokens: '2,345', cost: '$0.0059', context: '1.8% of 128k' } },
    { model: 'claude-sonnet-4-5', encoding: 'claude-est', tokens: 2600, exact: false, error_pct: 10, input_cost_usd: 0.0078, context_window: 200000, label: { tokens: '≈2,600', cost: '$0.0078', context: '1.3% of 200k' } },
    { model: 'mystery-1', encoding: 'o200k_base', tokens: 2345, exact: true, error_pct: null, input_cost_usd: null, context_window: null, label: { tokens: '2,345', cost: 'no price', context: null } },
  ],
};
const sel: CountResult = {
  chars: 400,
  chars_label: '400',
  models: [{ model: 'gpt-4o', encoding: 'o200k_base', tokens: 120, exact: true, error_pct: null, input_cost_usd: 0.000003, context_window: 128000, label: { tokens: '120', cost: '$0.000003', context: '0.09% of 128k' } }],
};
const models: ModelsResult = {
  snapshot_date: '2026-11-01',
  models: [
    { model: 'gpt-4o', provider: 'openai', aliases: ['gpt-4o-2024-08-06'], tokenizer: 'o200k_base', exact: true, error_pct: null, accuracy: 'exact (o200k_base)', input_cost_per_mtok: 2.5, cached_input_cost_per_mtok: 1.25, cache_write_cost_per_mtok: null, output_cost_per_mtok: 10, context_window: 128000, max_output_tokens: 16384,
      label: { input: '$2.50', cached_input: '$1.25', cache_write: null, output: '$10.00', context_window: '128k', max_output: '16k' } },
    { model: 'claude-sonnet-4-5', provider: 'anthropic', aliases: [], tokenizer: 'claude-estimate', exact: false, error_pct: 15, accuracy: '≈ ±15%', input_cost_per_mtok: 3, cached_input_cost_per_mtok: 0.3, cache_write_cost_per_mtok: 3.75, output_cost_per_mtok: 15, context_window: 200000, max_output_tokens: 64000,
      label: { input: '$3.00', cached_input: '$0.30', cache_write: '$3.75', output: '$15.00', context_window: '200k', max_output: '64k' } },
  ],
};

describe('views', () => {
  it('status bar: file only', () => {
    const v = statusBarView(doc, undefined, 'gpt-4o')!;
    assert.equal(v.text, '$(symbol-numeric) 2,345 tok · $0.0059 · gpt-4o');
    assert.match(v.tooltip, /1\.8% of 128k/);
    assert.match(v.tooltip, /claude-sonnet-4-5: ≈2,600 tok · \$0\.0078/);
    assert.match(v.tooltip, /mystery-1: 2,345 tok · no price/, 'an unpriced model is never $0');
    assert.match(v.tooltip, /9,000 chars/);
  });

  it('status bar: with a selection', () => {
    const v = statusBarView(doc, sel, 'gpt-4o')!;
    assert.equal(v.text, '$(symbol-numeric) sel 120 tok · $0.000003 / 2,345 tok · gpt-4o', 'a tiny cost is not rounded to $0.0000');
    assert.match(v.tooltip, /Selection: 120 tok/);
  });

  it('status bar: primary model by name, estimate marked', () => {
    const v = statusBarView(doc, undefined, 'claude-sonnet-4-5')!;
    assert.equal(v.text, '$(symbol-numeric) ≈2,600 tok · $0.0078 · claude-sonnet-4-5');
  });

  it('status bar: nothing without counts', () => {
    assert.equal(statusBarView(undefined, undefined, 'gpt-4o'), undefined);
    assert.equal(statusBarView({ chars: 0, chars_label: '0', models: [] }, undefined, 'gpt-4o'), undefined);
  });

  it('models table', () => {
    const md = modelsMarkdown(models, ['gpt-4o']);
    assert.match(md, /Price snapshot: \*\*2026-11-01\*\*/);
    assert.match(md, /\| \*\*gpt-4o\*\* \| openai \| o200k_base \| exact \(o200k_base\) \| \$2\.50 \| \$1\.25 \| — \| \$10\.00 \| 128k \| 16k \| gpt-4o-2024-08-06 \|/);
    assert.match(md, /\| claude-sonnet-4-5 \| anthropic \| claude-estimate \| ≈ ±15% \| \$3\.00 \|/);
  });

  it('model quick pick: configured first, primary starred', () => {
    const items = modelPickItems(models.models, ['claude-sonnet-4-5', 'gpt-4o']);
    assert.deepEqual(items.map((i) => i.model), ['claude-sonnet-4-5', 'gpt-4o']);
    assert.equal(items[0].picked, true);
    assert.match(items[0].label, /star-full/);
    assert.match(items[1].detail, /in \$2\.50\/Mtok · out \$10\.00\/Mtok · 128k context · exact \(o200k_base\)/);
  });
});
