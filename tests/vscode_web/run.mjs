// The VS Code extension in a real VS Code: code-server (VS Code in the browser) driven by
// headless Chromium through puppeteer-core. Installs the platform VSIX (server bundled at
// extension/bin/promptcost) with no `promptcost` on PATH and no `promptcost.server.path`
// setting, opens a prompt file and a Python file, reads the inlay hints, the code lens, the
// status bar item and the Problems count from the page, edits, and sees them change. Expected
// counts come from the bundled binary's `promptcost count --json`, not from the editor.
//
//   node run.mjs PATH/TO/promptcost-linux-x64-VERSION.vsix   (run.sh does this with node 24)
//
// Artifacts (kept for a reviewer) in target/vscode-web/: promptcost-vscode-prompt.png,
// promptcost-vscode-python.png, code-server.log, the logs of VS Code and of the extension.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import puppeteer from 'puppeteer-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const vsix = path.resolve(process.argv[2] ?? '');
assert.ok(process.argv[2] && fs.existsSync(vsix), `usage: node run.mjs FILE.vsix (not found: ${vsix})`);
const out = path.join(repo, 'target', 'vscode-web');
const work = path.join(out, 'run');
fs.rmSync(work, { recursive: true, force: true });
for (const d of ['home', 'user-data/User', 'extensions', 'chromium', 'ws/prompts']) fs.mkdirSync(path.join(work, d), { recursive: true });

const step = (s) => console.log(`vscode_web: ${s}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const HINT = /^(≈ ?)?([\d,]+) tok · (\$[\d.,]+|no price)( ⚠)?$/;
const num = (s) => Number(s.replace(/,/g, ''));

// ---- environment: node 24 and system dirs only, no promptcost anywhere on PATH -----------
const nodeBin = path.join(here, 'node_modules', '.bin');
const PATH = [nodeBin, '/usr/bin', '/bin'].join(':');
for (const dir of PATH.split(':')) assert.ok(!fs.existsSync(path.join(dir, 'promptcost')), `promptcost found on the test PATH in ${dir}`);
const env = { PATH, HOME: path.join(work, 'home'), LANG: 'C.UTF-8' };
const csArgs = ['--config', path.join(work, 'code-server.yaml'), '--user-data-dir', path.join(work, 'user-data'), '--extensions-dir', path.join(work, 'extensions')];
fs.writeFileSync(path.join(work, 'code-server.yaml'), '');
const codeServer = path.join(nodeBin, 'code-server');

step(`installing ${path.relative(repo, vsix)}`);
execFileSync(codeServer, [...csArgs, '--install-extension', vsix], { env, stdio: 'inherit' });
const installed = fs.readdirSync(path.join(work, 'extensions')).find((d) => d.startsWith('promptcost.promptcost-'));
assert.ok(installed, 'extension directory not found after --install-extension');
const bundled = path.join(work, 'extensions', installed, 'bin', 'promptcost');
fs.accessSync(bundled, fs.constants.X_OK);

// No promptcost.server.path: the extension must find its bundled binary by itself.
const settings = {
  'workbench.startupEditor': 'none',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'chat.disableAIFeatures': true,
  'editor.inlayHints.enabled': 'on',
  'editor.minimap.enabled': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'window.restoreWindows': 'none',
  'files.autoSave': 'off',
  'git.openRepositoryInParentFolders': 'never',
};
fs.writeFileSync(path.join(work, 'user-data', 'User', 'settings.json'), JSON.stringify(settings, null, 2));

// ---- the workspace ----------------------------------------------------------------------
const ws = path.join(work, 'ws');
const prompt = '# Support agent\nYou help customers of Acme Cloud with their deployments.\n\n## Tools\nUse the status page before you answer.\n';
fs.writeFileSync(path.join(ws, 'prompts', 'support.md'), prompt);
fs.copyFileSync(path.join(repo, 'tests', 'e2e_py', 'fixtures', 'app.py'), path.join(ws, 'app.py'));
const MODEL = 'gpt-4o';
const count = (text) => {
  const f = path.join(work, 'count.txt');
  fs.writeFileSync(f, text);
  const r = JSON.parse(execFileSync(bundled, ['count', '--model', MODEL, '--json', f], { encoding: 'utf8' }));
  return r.models[0].tokens;
};
const before = count(prompt);
const added = ' Mention the incident number, the affected region and the time of the next update in every reply.';
const after = count(prompt.replace(/\n$/, '') + added + '\n');
assert.ok(after > before, 'the edit must add tokens');
// A budget between the two totals: within budget before the edit, over it after.
const budget = Math.floor((before + after) / 2);
fs.writeFileSync(path.join(ws, 'promptcost.toml'), `models = ["${MODEL}"]\nbudget = ${budget}\n`);

// ---- code-server ------------------------------------------------------------------------
const port = await new Promise((resolve) => {
  const s = net.createServer().listen(0, '127.0.0.1', () => {
    const p = s.address().port;
    s.close(() => resolve(p));
  });
});
const log = fs.openSync(path.join(out, 'code-server.log'), 'w');
const server = spawn(
  codeServer,
  [...csArgs, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override', ws],
  { env, stdio: ['ignore', log, log] },
);
const base = `http://127.0.0.1:${port}`;
let browser;
try {
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) break;
    } catch {}
    assert.ok(i < 120 && server.exitCode === null, 'code-server did not start (see target/vscode-web/code-server.log)');
    await sleep(500);
  }
  step(`code-server on ${base}`);

  browser = await puppeteer.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      `--user-data-dir=${path.join(work, 'chromium')}`, '--window-size=1400,900',
    ],
  });
  const page = await browser.newPage();
  await page.setViewport({ width: 1400, height: 900 });
  await page.goto(`${base}/?folder=${encodeURIComponent(ws)}`, { waitUntil: 'domcontentloaded' });
  await page.waitForSelector('.monaco-workbench', { timeout: 90_000 });
  await page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: 90_000 });

  // What the page shows: hints per line (injected text spans), lens titles, status bar items.
  const view = () =>
    page.evaluate(() => {
      const lines = [...document.querySelectorAll('.monaco-editor .view-lines .view-line')]
        .map((el) => ({ top: parseFloat(el.style.top || '0'), el }))
        .sort((a, b) => a.top - b.top)
        .map(({ el }) => ({
          text: el.textContent.replace(/\u00a0/g, " "),
          hints: [...el.querySelectorAll('span[class*="dyn-rule"]')].map((s) => s.textContent.replace(/\u00a0/g, ' ').trim()).filter((t) => t),
        }));
      const lens = [...document.querySelectorAll('.codelens-decoration a')].map((a) => a.textContent);
      const status = document.querySelector('[id$="promptcost.status"]');
      const problems = document.querySelector('[id="status.problems"]');
      return {
        lines,
        lens,
        status: status && getComputedStyle(status).display !== 'none' ? status.textContent.trim() : null,
        problems: problems ? problems.getAttribute('aria-label') : null,
        squiggles: document.querySelectorAll('.monaco-editor .squiggly-warning').length,
        notifications: [...document.querySelectorAll('.notification-list-item-message')].map((e) => e.textContent),
      };
    });
  const until = async (what, pred, ms = 60_000) => {
    const end = Date.now() + ms;
    let v;
    while (Date.now() < end) {
      v = await view();
      if (pred(v)) return v;
      await sleep(250);
    }
    throw new Error(`timed out waiting for ${what}; the page shows ${JSON.stringify(v, null, 1)}`);
  };
  const open = async (name) => {
    await page.keyboard.down('Control');
    await page.keyboard.press('KeyP');
    await page.keyboard.up('Control');
    await page.waitForSelector('.quick-input-widget input', { visible: true, timeout: 20_000 });
    await page.keyboard.type(name);
    await page.waitForFunction(
      (n) => [...document.querySelectorAll('.quick-input-list .monaco-list-row')].some((e) => e.textContent.includes(n)),
      { timeout: 20_000 },
      name,
    );
    await sleep(300);
    await page.keyboard.press('Enter');
    await page.waitForFunction((n) => document.querySelector('.tab.active')?.textContent.includes(n), { timeout: 20_000 }, name);
  };
  const hintOn = (v, prefix) => v.lines.find((l) => l.text.startsWith(prefix))?.hints.find((h) => HINT.test(h));
  const tokensOf = (s) => num(s.match(/([\d,]+) tok/)[1]);

  // ---- the prompt file --------------------------------------------------------------------
  step('prompts/support.md');
  await open('support.md');
  const v1 = await until('hints, lens and status bar', (v) => hintOn(v, '# Support agent') && hintOn(v, '## Tools') && v.lens.length > 0 && v.status);
  assert.equal(v1.notifications.filter((n) => /not found|failed/i.test(n)).length, 0, `error notifications: ${v1.notifications}`);
  const lensRe = /^(≈)?([\d,]+) tokens · (\$[\d.,]+) (\S+)/;
  const lens1 = v1.lens[0].match(lensRe);
  assert.ok(lens1, `lens title: ${v1.lens[0]}`);
  assert.equal(lens1[4], MODEL, 'the lens prices the project model');
  assert.equal(num(lens1[2]), before, 'lens total = promptcost count of the file');
  assert.equal(tokensOf(v1.status), before, `status bar: ${v1.status}`);
  assert.ok(v1.status.includes(MODEL), `status bar names the model: ${v1.status}`);
  const costOf = (s) => s.match(/tok · (\$[\d.,]+|no price)/)[1];
  assert.equal(costOf(v1.status), lens1[3], 'the status bar shows the cost as the server wrote it in the lens');
  const tools1 = tokensOf(hintOn(v1, '## Tools'));
  const top1 = tokensOf(hintOn(v1, '# Support agent'));
  assert.ok(tools1 < top1 && top1 <= before, `section hints ${top1}, ${tools1} within the file total ${before}`);
  assert.match(v1.problems ?? '', /No Problems/, 'within budget before the edit');

  step('typing at the end of the file');
  await page.click('.monaco-editor .view-lines');
  await page.keyboard.down('Control');
  await page.keyboard.press('End');
  await page.keyboard.up('Control');
  await page.keyboard.press('ArrowUp'); // the last line is empty: go to the end of "Use the status page…"
  await page.keyboard.press('End');
  await page.keyboard.type(added, { delay: 5 });
  const v2 = await until(
    'updated hints, lens, status bar and budget warning',
    (v) => {
      const t = hintOn(v, '## Tools');
      const m = v.lens[0]?.match(lensRe);
      return t && tokensOf(t) > tools1 && m && num(m[2]) === after && v.status && tokensOf(v.status) === after && /Warning/.test(v.problems ?? '');
    },
  );
  assert.equal(tokensOf(hintOn(v2, '# Support agent')) - top1, tokensOf(hintOn(v2, '## Tools')) - tools1, 'the edit grows the section and its parent alike');
  assert.ok(v2.squiggles > 0, 'budget squiggle shown');
  assert.equal(costOf(v2.status), v2.lens[0].match(lensRe)[3]);
  await page.screenshot({ path: path.join(out, 'promptcost-vscode-prompt.png') });

  // ---- a Python file ---------------------------------------------------------------------
  step('app.py');
  await open('app.py');
  const v3 = await until('the hint on SYSTEM_PROMPT and the prompts total', (v) => hintOn(v, 'SYSTEM_PROMPT = ') && v.lens.length > 0 && v.status?.startsWith('prompts '));
  const literal = fs.readFileSync(path.join(ws, 'app.py'), 'utf8').match(/SYSTEM_PROMPT = """([\s\S]*?)"""/)[1];
  const candidates = new Set([literal, literal.trim(), literal.replace(/\n$/, '')].map(count));
  const pyTokens = tokensOf(hintOn(v3, 'SYSTEM_PROMPT = '));
  assert.ok(candidates.has(pyTokens), `hint ${pyTokens} = promptcost count of the literal (${[...candidates]})`);
  assert.ok(v3.lines.filter((l) => l.hints.some((h) => HINT.test(h))).length === 1, 'one hint: the prompt literal only');
  // In code the status bar shows the prompts' total (the lens), not the whole file's text.
  assert.equal(v3.status, `prompts ${v3.lens[0]}`);
  assert.equal(tokensOf(v3.status), pyTokens, 'one prompt: its count is the total');
  await page.screenshot({ path: path.join(out, 'promptcost-vscode-python.png') });

  // The extension started the bundled binary (its log says where it found it).
  const logs = execFileSync('grep', ['-rh', 'found via', path.join(work, 'user-data', 'logs')], { encoding: 'utf8' });
  assert.match(logs, new RegExp(`Starting ${bundled.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} lsp \\(found via bundled\\)`));
  console.log(JSON.stringify({ before, after, budget, lens: [v1.lens[0], v2.lens[0]], status: [v1.status, v2.status, v3.status], python: hintOn(v3, 'SYSTEM_PROMPT = ') }, null, 1));
  step('ok');
} finally {
  await browser?.close();
  server.kill('SIGTERM');
  fs.cpSync(path.join(work, 'user-data', 'logs'), path.join(out, 'logs'), { recursive: true, force: true });
}
