// Types and method names of promptcost's custom LSP requests. Pure. The block between the
// markers is generated from the server's wire types (src/server/ext.rs); a Rust test fails
// when it is out of date.

export interface Position {
  line: number;
  character: number;
}
export interface Range {
  start: Position;
  end: Position;
}

// <generated from src/server/ext.rs: cargo test updates it with PROMPTCOST_UPDATE_PROTOCOL=1>
export const COUNT_METHOD = 'promptcost/count';
export const MODELS_METHOD = 'promptcost/models';
export const STATUS_METHOD = 'promptcost/status';
export const SHOW_MODELS_COMMAND = 'promptcost.showModels';

export interface CountParams {
  textDocument: { uri: string };
  range?: Range;
}

export interface ModelCount {
  model: string;
  encoding: string;
  tokenizer: string;
  tokens: number;
  exact: boolean;
  error_pct: number | null;
  input_cost_usd: number | null;
  cached_input_cost_usd: number | null;
  context_window: number | null;
  context_share: number | null;
  via_api: boolean;
  label: string;
  share_label: string | null;
}

export interface CountResult {
  uri: string;
  bytes: number;
  chars: number;
  chars_label: string;
  snapshot_date: string;
  models: ModelCount[];
}

export interface TierInfo {
  above_tokens: number;
  input_cost_per_mtok: number | null;
  cached_input_cost_per_mtok: number | null;
  cache_write_cost_per_mtok: number | null;
  output_cost_per_mtok: number | null;
}

export interface ModelInfo {
  model: string;
  provider: string;
  display_name: string | null;
  aliases: string[];
  tokenizer: string;
  exact: boolean;
  error_pct: number | null;
  accuracy: string;
  input_cost_per_mtok: number | null;
  cached_input_cost_per_mtok: number | null;
  cache_write_cost_per_mtok: number | null;
  output_cost_per_mtok: number | null;
  tiers: TierInfo[];
  context_window: number | null;
  max_output_tokens: number | null;
  price_source: string;
  input_price_label: string;
  context_label: string;
  output_price_label: string;
}

export interface ModelsResult {
  snapshot_date: string;
  source: string;
  models: ModelInfo[];
  configured?: string[];
}

export interface ApiInfo {
  status: string;
  requests: number;
}

export interface StatusResult {
  documents: number;
  skipped_cancelled_requests: number;
  claude_api: ApiInfo | null;
  awaiting_configuration: boolean;
}
// </generated>
