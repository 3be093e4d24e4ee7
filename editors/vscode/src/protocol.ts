// Types and method names of promptcost's custom LSP requests. Pure.

export interface Position {
  line: number;
  character: number;
}
export interface Range {
  start: Position;
  end: Position;
}

export const COUNT_METHOD = 'promptcost/count';
export const MODELS_METHOD = 'promptcost/models';

export interface CountParams {
  textDocument: { uri: string };
  range?: Range;
}

/** Display strings the server makes (src/server/labels.rs); shown as they are. */
export interface CountLabel {
  /** `2,345`, `≈2,600` */
  tokens: string;
  /** `$0.0059`, `no price` */
  cost: string;
  /** `1.8% of 128k`; null without a context window */
  context: string | null;
}

export interface ModelCount {
  model: string;
  encoding: string;
  tokens: number;
  exact: boolean;
  error_pct: number | null;
  input_cost_usd: number | null;
  context_window: number | null;
  label: CountLabel;
}

export interface CountResult {
  chars: number;
  /** `1,234` */
  chars_label: string;
  models: ModelCount[];
}

/** Per-million-token prices and sizes as the server writes them; null when unknown. */
export interface ModelLabel {
  input: string | null;
  cached_input: string | null;
  cache_write: string | null;
  output: string | null;
  context_window: string | null;
  max_output: string | null;
}

export interface ModelInfo {
  model: string;
  provider: string;
  aliases: string[];
  tokenizer: string;
  exact: boolean;
  error_pct: number | null;
  /** `exact (o200k_base)`, `≈ ±15%` */
  accuracy: string;
  input_cost_per_mtok: number | null;
  cached_input_cost_per_mtok: number | null;
  cache_write_cost_per_mtok: number | null;
  output_cost_per_mtok: number | null;
  context_window: number | null;
  max_output_tokens: number | null;
  label: ModelLabel;
}

export interface ModelsResult {
  snapshot_date: string;
  models: ModelInfo[];
  /** The models in use, first = primary. */
  configured?: string[];
}
