"""The real-code corpus helper (tests/it/code_corpus.rs runs it).

fetch CACHE              read packages.toml next to this script; download every package into
                         CACHE with the registry's own client (`pip download`, `npm pack`),
                         check its sha256, unpack it (wheel: its root; npm: without `package/`)
                         and print one JSON line per package: {"name", "root"}.
decode                   read JSON lines {"path", "source", "cleandoc"} on stdin (the source text of a
                         string expression in a Python or JS/TS file) and print one JSON line
                         per input: {"value": str} when the expression is made only of literals
                         (decoded by CPython's `ast` / Node's own parser), else {"value": null}.

Nothing is written outside CACHE; the archives are never committed.
"""

import ast
import hashlib
import inspect
import json
import os
import shutil
import subprocess
import sys
import tarfile
import textwrap
import tomllib
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def fetch(cache):
    with open(os.path.join(HERE, "packages.toml"), "rb") as f:
        packages = tomllib.load(f)["package"]
    cache = os.path.abspath(cache)
    os.makedirs(cache, exist_ok=True)
    for p in packages:
        archive = os.path.join(cache, p["file"])
        if not os.path.exists(archive):
            if p["registry"] == "pypi":
                cmd = [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--only-binary=:all:",
                       f"{p['name']}=={p['version']}", "-d", cache]
            elif p["registry"] == "npm":
                cmd = ["npm", "pack", "--silent", f"{p['name']}@{p['version']}", "--pack-destination", cache]
            else:
                sys.exit(f"{p['name']}: unknown registry {p['registry']}")
            r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
            if r.returncode != 0 or not os.path.exists(archive):
                sys.exit(f"{p['name']} {p['version']}: fetching failed: {' '.join(cmd)}\n{r.stderr}")
        got = sha256(archive)
        if got != p["sha256"]:
            os.remove(archive)
            sys.exit(f"{p['file']}: sha256 {got}, expected {p['sha256']} (the archive was removed)")
        root = os.path.join(cache, "unpacked", f"{p['name'].replace('/', '+')}-{p['version']}")
        if not os.path.isdir(root):
            tmp = root + ".tmp"
            shutil.rmtree(tmp, ignore_errors=True)
            if p["registry"] == "pypi":
                with zipfile.ZipFile(archive) as z:
                    z.extractall(tmp)
            else:
                with tarfile.open(archive) as t:
                    t.extractall(tmp, filter="data")
                tmp = os.path.join(tmp, "package") if os.path.isdir(os.path.join(tmp, "package")) else tmp
            os.rename(tmp, root)
            shutil.rmtree(root + ".tmp", ignore_errors=True)
        print(json.dumps({"name": p["name"], "root": root}), flush=True)


# ---- reference decoding -----------------------------------------------------------------

WRAPPERS = {"dedent": textwrap.dedent, "cleandoc": inspect.cleandoc}
METHODS = {"strip": str.strip, "lstrip": str.lstrip, "rstrip": str.rstrip}


def py_value(node):
    """The value of an expression made only of string literals (and dedent/cleandoc/strip)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        parts = [py_value(v) for v in node.values]
        return None if any(p is None for p in parts) else "".join(parts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        a, b = py_value(node.left), py_value(node.right)
        return None if a is None or b is None else a + b
    if isinstance(node, ast.Call) and len(node.args) == 1 and not node.keywords:
        f = node.func
        name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None
        if name in WRAPPERS:
            v = py_value(node.args[0])
            return None if v is None else WRAPPERS[name](v)
    if isinstance(node, ast.Call) and not node.args and not node.keywords and isinstance(node.func, ast.Attribute):
        if node.func.attr in METHODS:
            v = py_value(node.func.value)
            return None if v is None else METHODS[node.func.attr](v)
    return None


def decode_python(source):
    try:
        tree = ast.parse("(\n" + source + "\n)", mode="eval")
    except SyntaxError:
        return None
    return py_value(tree.body)


NODE_DECODER = r"""
const rl = require('readline').createInterface({ input: process.stdin });
const literal = /^(\s*(`[^`$]*`|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")\s*\+?\s*)+$/s;
rl.on('line', (line) => {
  const src = JSON.parse(line);
  let value = null;
  if (literal.test(src) && !/\+\s*$/.test(src)) {
    try { value = Function('"use strict"; return (' + src + ');')(); } catch (e) { value = null; }
  }
  if (typeof value !== 'string') value = null;
  console.log(JSON.stringify({ value }));
});
"""


def decode(lines):
    items = [json.loads(l) for l in lines if l.strip()]
    out = [None] * len(items)
    js = [(i, it) for i, it in enumerate(items) if not it["path"].endswith((".py", ".pyi"))]
    for i, it in enumerate(items):
        if it["path"].endswith((".py", ".pyi")):
            out[i] = decode_python(it["source"])
            # a framework docstring is sent as the framework reads it (DSPy: inspect.cleandoc)
            if out[i] is not None and it.get("cleandoc"):
                out[i] = inspect.cleandoc(out[i])
    if js:
        r = subprocess.run(["node", "-e", NODE_DECODER], input="".join(json.dumps(it["source"]) + "\n" for _, it in js),
                           capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit(f"node decoding failed: {r.stderr}")
        for (i, _), l in zip(js, r.stdout.splitlines()):
            out[i] = json.loads(l)["value"]
    for v in out:
        print(json.dumps({"value": v}))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "fetch":
        fetch(sys.argv[2])
    elif len(sys.argv) == 2 and sys.argv[1] == "decode":
        decode(sys.stdin.read().splitlines())
    else:
        sys.exit(__doc__)
