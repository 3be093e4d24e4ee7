import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { discoverServer, expandHome, whichSync } from '../src/discovery';

function fsWith(...files: string[]) {
  const set = new Set(files);
  return (p: string) => set.has(p);
}

describe('discoverServer', () => {
  const base = { extensionPath: '/ext', platform: 'linux', env: { PATH: '/usr/local/bin:/usr/bin', HOME: '/home/u' } };

  it('prefers the configured path', () => {
    const r = discoverServer({ ...base, configuredPath: '/opt/pc/promptcost', isExecutable: fsWith('/opt/pc/promptcost', '/ext/bin/promptcost', '/usr/bin/promptcost') });
    assert.deepEqual(r.ok && [r.path, r.source], ['/opt/pc/promptcost', 'setting']);
  });

  it('expands ~ and ${userHome} in the configured path', () => {
    const is = fsWith('/home/u/.cargo/bin/promptcost');
    const a = discoverServer({ ...base, configuredPath: '~/.cargo/bin/promptcost', isExecutable: is });
    const b = discoverServer({ ...base, configuredPath: '${userHome}/.cargo/bin/promptcost', isExecutable: is });
    assert.equal(a.ok && a.path, '/home/u/.cargo/bin/promptcost');
    assert.equal(b.ok && b.path, '/home/u/.cargo/bin/promptcost');
  });

  it('looks a bare command name in the setting up on PATH', () => {
    const r = discoverServer({ ...base, configuredPath: 'promptcost-dev', isExecutable: fsWith('/usr/bin/promptcost-dev') });
    assert.deepEqual(r.ok && [r.path, r.source], ['/usr/bin/promptcost-dev', 'setting']);
  });

  it('reports a configured path that does not exist, without falling back', () => {
    const r = discoverServer({ ...base, configuredPath: '/nope/promptcost', isExecutable: fsWith('/usr/bin/promptcost') });
    assert.equal(r.ok, false);
    assert.ok(!r.ok && r.message.includes('promptcost.server.path'));
    assert.ok(!r.ok && r.message.includes('/nope/promptcost'));
    assert.ok(!r.ok && r.message.includes('cargo install --path .'));
  });

  it('treats an empty / whitespace setting as unset', () => {
    for (const configuredPath of ['', '   ', null, undefined]) {
      const r = discoverServer({ ...base, configuredPath, isExecutable: fsWith('/usr/bin/promptcost') });
      assert.deepEqual(r.ok && [r.path, r.source], ['/usr/bin/promptcost', 'path']);
    }
  });

  it('uses the bundled binary before PATH', () => {
    const r = discoverServer({ ...base, isExecutable: fsWith('/ext/bin/promptcost', '/usr/bin/promptcost') });
    assert.deepEqual(r.ok && [r.path, r.source], ['/ext/bin/promptcost', 'bundled']);
  });

  it('restores a lost executable bit of the bundled binary, and only of that file', () => {
    const fixed: string[] = [];
    const execs = new Set(['/usr/bin/promptcost']);
    const r = discoverServer({
      ...base,
      isExecutable: (p) => execs.has(p),
      makeExecutable: (p) => {
        fixed.push(p);
        if (p === '/ext/bin/promptcost') execs.add(p);
        return true;
      },
    });
    assert.deepEqual(r.ok && [r.path, r.source], ['/ext/bin/promptcost', 'bundled']);
    assert.deepEqual(fixed, ['/ext/bin/promptcost']);
  });

  it('falls back to PATH when the bundled binary cannot be made executable', () => {
    const r = discoverServer({ ...base, isExecutable: fsWith('/usr/bin/promptcost'), makeExecutable: () => false });
    assert.deepEqual(r.ok && [r.path, r.source], ['/usr/bin/promptcost', 'path']);
  });

  it('searches PATH in order', () => {
    const r = discoverServer({ ...base, isExecutable: fsWith('/usr/local/bin/promptcost', '/usr/bin/promptcost') });
    assert.equal(r.ok && r.path, '/usr/local/bin/promptcost');
  });

  it('gives install instructions when nothing is found', () => {
    const r = discoverServer({ ...base, isExecutable: () => false });
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.match(r.message, /cargo install --path \./);
    assert.match(r.message, /pip install promptcost-cli/);
    assert.match(r.message, /platform-specific/);
    assert.match(r.message, /promptcost\.server\.path/);
    assert.match(r.message, /https:\/\//);
    assert.deepEqual(r.tried, ['/ext/bin/promptcost', '/usr/local/bin/promptcost', '/usr/bin/promptcost']);
  });

  it('handles an empty PATH', () => {
    const r = discoverServer({ ...base, env: {}, isExecutable: () => false });
    assert.equal(r.ok, false);
    assert.deepEqual(r.tried, ['/ext/bin/promptcost']);
  });

  describe('on Windows', () => {
    const win = { extensionPath: 'C:\\ext', platform: 'win32', env: { Path: 'C:\\tools;"C:\\Users\\u\\.cargo\\bin"', PATHEXT: '.COM;.EXE;.BAT' } };

    it('uses promptcost.exe for the bundled binary', () => {
      const r = discoverServer({ ...win, isExecutable: fsWith('C:\\ext\\bin\\promptcost.exe') });
      assert.deepEqual(r.ok && [r.path, r.source], ['C:\\ext\\bin\\promptcost.exe', 'bundled']);
    });

    it('applies PATHEXT and strips quotes on Path', () => {
      const r = discoverServer({ ...win, isExecutable: fsWith('C:\\Users\\u\\.cargo\\bin\\promptcost.exe') });
      assert.deepEqual(r.ok && [r.path, r.source], ['C:\\Users\\u\\.cargo\\bin\\promptcost.exe', 'path']);
    });

    it('accepts a configured path without .exe', () => {
      const r = discoverServer({ ...win, configuredPath: 'D:\\bin\\promptcost', isExecutable: fsWith('D:\\bin\\promptcost.exe') });
      assert.deepEqual(r.ok && [r.path, r.source], ['D:\\bin\\promptcost.exe', 'setting']);
    });
  });
});

describe('helpers', () => {
  it('expandHome', () => {
    assert.equal(expandHome('~', '/h'), '/h');
    assert.equal(expandHome('~/x', '/h'), '/h/x');
    assert.equal(expandHome('/a/~/x', '/h'), '/a/~/x');
    assert.equal(expandHome('~/x', undefined), '~/x');
  });

  it('whichSync records what it tried', () => {
    const tried: string[] = [];
    assert.equal(whichSync('x', 'linux', { PATH: '/a::/b' }, () => false, tried), undefined);
    assert.deepEqual(tried, ['/a/x', '/b/x']);
  });
});
