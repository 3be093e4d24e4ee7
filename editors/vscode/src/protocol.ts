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

export interface ModelCount {
  model: string;
  encoding: string;
  tokens: number;
  exact: boolean;
  error_pct: number | null;
  input_cost_usd: number | null;
  context_window: number | null;
}

export interface CountResult {
  chars: number;
  models: ModelCount[];
}

export interface ModelInfo {
  model: string;
  provider: string;
  aliases: string[];
  tokenizer: string;
  exact: boolean;
  error_pct: number | null;
  input_cost_per_mtok: number | null;
  cached_input_cost_per_mtok: number | null;
  cache_write_cost_per_mtok: number | null;
  output_cost_per_mtok: number | null;
  context_window: number | null;
  max_output_tokens: number | null;
}

export interface ModelsResult {
  snapshot_date: string;
  models: ModelInfo[];
}
