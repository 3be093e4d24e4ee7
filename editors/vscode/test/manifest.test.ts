// Checks package.json against the pure modules (settings, selector) so they stay in sync.
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { CODE_LANGUAGES, documentSelector, PROMPT_FILE_PATTERNS, YAML_PROMPT_FILE_PATTERNS } from '../src/selector';
import { toServerSettings } from '../src/settings';

const root = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const props: Record<string, { scope?: string; default?: unknown }> = pkg.contributes.configuration.properties;

describe('package.json', () => {
  it('declares the publisher, license and repository vsce needs', () => {
    assert.equal(pkg.publisher, 'promptcost');
    assert.equal(pkg.license, 'MIT');
    assert.ok(pkg.repository?.url);
    assert.ok(fs.existsSync(path.join(root, 'LICENSE')));
  });

  it('claudeApi can only be turned on in user settings (it sends text to Anthropic)', () => {
    assert.equal(props['promptcost.claudeApi'].scope, 'application');
    assert.equal(props['promptcost.claudeApi'].default, false);
  });

  it('server.path and pricesFile are machine-scoped', () => {
    assert.equal(props['promptcost.server.path'].scope, 'machine');
    assert.equal(props['promptcost.pricesFile'].scope, 'machine');
  });

  it('contributes every key the server reads; the defaults send nothing (promptcost.toml applies)', () => {
    const defaults = (key: string) => props[`promptcost.${key}`]?.default;
    assert.deepEqual(toServerSettings(defaults), {});
    for (const key of ['models', 'budget', 'include', 'exclude', 'expectedOutputTokens', 'callsPerDay', 'cacheHit', 'logLevel', 'pricesFile', 'code.enabled', 'code.namePattern', 'claudeApi', 'trace.server']) {
      assert.ok(props[`promptcost.${key}`], `missing promptcost.${key}`);
    }
  });

  it('declares the commands', () => {
    const ids = pkg.contributes.commands.map((c: { command: string }) => c.command).sort();
    assert.deepEqual(ids, ['promptcost.pickModel', 'promptcost.restartServer', 'promptcost.showModels']);
  });

  it('activates on the code languages', () => {
    for (const l of CODE_LANGUAGES) assert.ok(pkg.activationEvents.includes(`onLanguage:${l}`), l);
  });
});

describe('documentSelector', () => {
  it('covers the default prompt files (file scheme) and code languages (file + untitled)', () => {
    const sel = documentSelector();
    for (const p of PROMPT_FILE_PATTERNS) assert.ok(sel.some((f) => f.scheme === 'file' && f.pattern === p), p);
    for (const p of YAML_PROMPT_FILE_PATTERNS) assert.ok(sel.some((f) => f.scheme === 'file' && f.pattern === p), p);
    assert.ok(!sel.some((f) => f.language === 'yaml'), 'not every YAML file');
    for (const l of CODE_LANGUAGES) {
      assert.ok(sel.some((f) => f.scheme === 'file' && f.language === l));
      assert.ok(sel.some((f) => f.scheme === 'untitled' && f.language === l));
    }
    for (const needed of ['**/AGENTS.md', '**/CLAUDE.md', '**/.cursorrules', '**/*.mdc', '**/.github/copilot-instructions.md']) {
      assert.ok(PROMPT_FILE_PATTERNS.includes(needed), needed);
    }
  });

  it('adds the user include globs', () => {
    const sel = documentSelector(['docs/**/*.md', '**/x.txt']);
    assert.ok(sel.some((f) => f.pattern === '**/docs/**/*.md'));
    assert.equal(sel.filter((f) => f.pattern === '**/x.txt').length, 1);
  });
});
