import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { getterFromObject, toServerSettings, withPrimaryModel } from '../src/settings';

describe('toServerSettings', () => {
  it('sends nothing for unset settings (promptcost.toml and server defaults apply)', () => {
    assert.deepEqual(toServerSettings(() => undefined), {});
    const unset = getterFromObject({ models: [], budget: null, include: [], exclude: [], expectedOutputTokens: null, callsPerDay: null, cacheHit: null, logLevel: null, pricesFile: null, 'code.enabled': null, 'code.namePattern': null });
    assert.deepEqual(toServerSettings(unset), {});
  });

  it('maps every key (dotted VS Code keys to the nested server object)', () => {
    const get = getterFromObject({
      models: ['claude-sonnet-4-5', 'gpt-4o'],
      budget: 1000,
      include: ['docs/**/*.md'],
      exclude: ['**/vendor/**'],
      expectedOutputTokens: 1200,
      callsPerDay: 10000,
      cacheHit: 0.8,
      logLevel: 'debug',
      pricesFile: '/etc/prices.json',
      'code.enabled': false,
      'code.namePattern': 'PROMPT$',
      'server.path': '/should/not/be/sent',
      'trace.server': 'verbose',
    });
    const s = toServerSettings(get);
    assert.deepEqual(s, {
      models: ['claude-sonnet-4-5', 'gpt-4o'],
      budget: 1000,
      include: ['docs/**/*.md'],
      exclude: ['**/vendor/**'],
      expectedOutputTokens: 1200,
      callsPerDay: 10000,
      cacheHit: 0.8,
      logLevel: 'debug',
      pricesFile: '/etc/prices.json',
      code: { enabled: false, namePattern: 'PROMPT$' },
    });
    assert.equal('server' in s, false);
    assert.equal('trace' in s, false);
  });

  it('reads nested objects too (as the raw workspace/configuration object)', () => {
    const s = toServerSettings(getterFromObject({ code: { enabled: false, namePattern: 'X' } }));
    assert.deepEqual(s.code, { enabled: false, namePattern: 'X' });
    assert.deepEqual(toServerSettings(getterFromObject({ code: { enabled: true } })), { code: { enabled: true } });
  });

  it('cleans the model list; an empty one is unset', () => {
    assert.deepEqual(toServerSettings(getterFromObject({ models: [' gpt-4o ', 'gpt-4o', '', 3, 'o3'] })).models, ['gpt-4o', 'o3']);
    assert.equal(toServerSettings(getterFromObject({ models: [] })).models, undefined);
    assert.equal(toServerSettings(getterFromObject({ models: 'gpt-4o' })).models, undefined);
  });

  it('budget: positive integers only, else unset', () => {
    const b = (v: unknown) => toServerSettings(getterFromObject({ budget: v })).budget;
    assert.equal(b(1500), 1500);
    assert.equal(b(1500.7), 1500);
    assert.equal(b('2000'), 2000);
    assert.equal(b(0), undefined);
    assert.equal(b(-5), undefined);
    assert.equal(b(null), undefined);
    assert.equal(b(Number.NaN), undefined);
    assert.equal(b('abc'), undefined);
  });

  it('validates logLevel and expectedOutputTokens', () => {
    const s = toServerSettings(getterFromObject({ logLevel: 'verbose', expectedOutputTokens: -1 }));
    assert.equal(s.logLevel, undefined);
    assert.equal(s.expectedOutputTokens, undefined);
    assert.equal(toServerSettings(getterFromObject({ expectedOutputTokens: 0 })).expectedOutputTokens, 0);
    assert.equal(toServerSettings(getterFromObject({ logLevel: 'trace' })).logLevel, 'trace');
  });

  it('callsPerDay: positive numbers only; cacheHit: a share from 0 to 1', () => {
    const c = (v: unknown) => toServerSettings(getterFromObject({ callsPerDay: v })).callsPerDay;
    assert.equal(c(10000), 10000);
    assert.equal(c(2.5), 2.5);
    assert.equal(c('500'), 500);
    assert.equal(c(0), undefined);
    assert.equal(c(-1), undefined);
    assert.equal(c(null), undefined);
    const h = (v: unknown) => toServerSettings(getterFromObject({ cacheHit: v })).cacheHit;
    assert.equal(h(0.8), 0.8);
    assert.equal(h(0), 0);
    assert.equal(h(1), 1);
    assert.equal(h(1.5), undefined);
    assert.equal(h(-0.1), undefined);
    assert.equal(h('x'), undefined);
  });

  it('pricesFile: empty is unset, ~ is expanded', () => {
    assert.equal(toServerSettings(getterFromObject({ pricesFile: '  ' })).pricesFile, undefined);
    assert.equal(toServerSettings(getterFromObject({ pricesFile: '~/p.json' }), '/home/u').pricesFile, '/home/u/p.json');
  });

  it('claudeApi is sent only when true', () => {
    assert.equal(toServerSettings(getterFromObject({ claudeApi: true })).claudeApi, true);
    assert.deepEqual(toServerSettings(getterFromObject({ claudeApi: false })), {});
    assert.deepEqual(toServerSettings(getterFromObject({ claudeApi: 'yes' })), {});
  });

  it('empty namePattern is unset', () => {
    assert.deepEqual(toServerSettings(getterFromObject({ 'code.namePattern': '' })), {});
  });

  it('is JSON-serialisable (sent as initializationOptions)', () => {
    const s = toServerSettings(getterFromObject({ models: ['a'], budget: 5, 'code.enabled': true }));
    assert.deepEqual(JSON.parse(JSON.stringify(s)), s);
  });
});

describe('withPrimaryModel', () => {
  it('moves the chosen model to the front', () => {
    assert.deepEqual(withPrimaryModel(['a', 'b', 'c'], 'c'), ['c', 'a', 'b']);
    assert.deepEqual(withPrimaryModel(['a', 'b'], 'a'), ['a', 'b']);
  });
  it('adds a model that was not configured', () => {
    assert.deepEqual(withPrimaryModel(['a', 'b'], 'z'), ['z', 'a', 'b']);
    assert.deepEqual(withPrimaryModel([], 'z'), ['z']);
    assert.deepEqual(withPrimaryModel(undefined, 'z'), ['z']);
  });
});
