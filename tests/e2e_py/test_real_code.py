"""Prompt detection on real, prompt-heavy Python packages (downloaded, never committed).

Every module-level string constant whose name matches the default pattern, as Python's own
`ast` sees it, must be found by `promptcost check`, with the count of its decoded value equal
to OpenAI's tiktoken (the oracle in tests/oracle).
"""
import ast
import json
import os
import re
import subprocess
import sys
import textwrap
import inspect
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ORACLE = ROOT / "tests" / "oracle" / "count.py"
BIN = os.environ.get("PROMPTCOST_BIN", str(ROOT / "target" / "debug" / "promptcost"))
WHEELS = ["langchain==0.3.27", "llama-index-core==0.12.52"]
PATTERN = re.compile(r"prompt|template|instruction|instructions|system_?message", re.I)


@pytest.fixture(scope="module")
def sources(tmp_path_factory):
    cache = ROOT / "target" / "realcode-wheels"
    cache.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(cache), *WHEELS], check=True)
    out = tmp_path_factory.mktemp("realcode")
    for whl in cache.glob("*.whl"):
        with zipfile.ZipFile(whl) as z:
            for name in z.namelist():
                if name.endswith(".py"):
                    z.extract(name, out)
    return out


def decoded(node):
    """The value of a string expression Python evaluates without running code, else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        a, b = decoded(node.left), decoded(node.right)
        return a + b if a is not None and b is not None else None
    if isinstance(node, ast.Call) and len(node.args) == 1 and not node.keywords:
        f = ast.unparse(node.func)
        inner = decoded(node.args[0])
        if inner is not None and f in ("textwrap.dedent", "dedent"):
            return textwrap.dedent(inner)
        if inner is not None and f in ("inspect.cleandoc", "cleandoc"):
            return inspect.cleandoc(inner)
    return None


def has_words(text):
    """Natural language outside the placeholders: a template that is only placeholders and
    punctuation ("{input}\n\n{agent_scratchpad}") is not a prompt (README "Prompts in code")."""
    bare = re.sub(r"\{[^{}]*\}", " ", text)
    return len(re.findall(r"[A-Za-z]{2,}", bare)) >= 2


def expected_constants(root):
    found = {}
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for stmt in tree.body:
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                name, value = stmt.targets[0].id, stmt.value
            elif isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value is not None:
                name, value = stmt.target.id, stmt.value
            else:
                continue
            text = decoded(value)
            if text and PATTERN.search(name) and has_words(text):
                found.setdefault(str(path.relative_to(root)), []).append((name, text))
    return found


def oracle_counts(texts):
    proc = subprocess.run(
        [sys.executable, str(ORACLE), "--encoding", "o200k_base", "--jsonl"],
        input="".join(json.dumps(t) + "\n" for t in texts), capture_output=True, text=True, check=True)
    return [int(x) for x in proc.stdout.split()]


def test_every_named_module_constant_is_found_with_the_oracle_count(sources):
    expected = expected_constants(sources)
    total = sum(len(v) for v in expected.values())
    assert total >= 100, f"expected a prompt-heavy corpus, found {total} constants"
    print(f"real code: {total} named module-level constants in {len(expected)} modules")
    run = subprocess.run([BIN, "check", "--format", "json", "--model", "gpt-4o", str(sources)], capture_output=True, text=True)
    assert run.returncode in (0, 1), run.stderr
    report = json.loads(run.stdout)
    got = {}
    for p in report["prompts"]:
        if p["kind"] == "literal":
            # Paths are relative to the scan root here (no git repository).
            got.setdefault(p["path"], []).append((p["name"].split("#")[0], p["models"][0]["tokens"]))
    texts = [t for v in expected.values() for _, t in v]
    counts = iter(oracle_counts(texts))
    missing, wrong = [], []
    for path, consts in expected.items():
        found = [g for k, g in got.items() if k.endswith(path)]
        found = found[0] if found else []
        for name, text in consts:
            want = next(counts)
            tokens = [t for n, t in found if n == name]
            if not tokens:
                missing.append(f"{path}:{name}")
            elif want not in tokens:
                wrong.append(f"{path}:{name}: promptcost {tokens}, tiktoken {want}")
    assert not missing, f"{len(missing)} of {total} not found, e.g. {missing[:10]}"
    assert not wrong, f"{len(wrong)} of {total} miscounted, e.g. {wrong[:10]}"
