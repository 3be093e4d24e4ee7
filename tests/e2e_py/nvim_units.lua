-- Server-less checks of editors/nvim (filetypes, config table, range conversion, formatting).
-- Run by test_nvim.py: nvim --headless -u NONE -i NONE -l nvim_units.lua; writes JSON to $PROMPTCOST_RESULT.
local out = { errors = {} }
local ok, err = xpcall(function()
  vim.opt.rtp:prepend(vim.env.PROMPTCOST_NVIM_DIR)
  vim.cmd('filetype on')
  vim.cmd.runtime('plugin/promptcost.lua')
  local pc = require('promptcost')

  out.filetypes = {}
  for _, name in ipairs({ 'a.prompty', 'a.prompt', 'x/rules.mdc', '.cursorrules', 'p/a.j2', 'a.prompt.md', 'AGENTS.md', 'a.hbs' }) do
    out.filetypes[name] = vim.filetype.match({ filename = name }) or vim.NIL
  end

  -- the config as vim.lsp.config resolves it (lsp/promptcost.lua from the runtimepath)
  local cfg = vim.lsp.config.promptcost
  out.config = { cmd = cfg.cmd, filetypes = cfg.filetypes, root_dir = type(cfg.root_dir), settings = cfg.settings }
  local params = {}
  cfg.before_init(params, cfg)
  out.init_options_default = params.initializationOptions or vim.NIL
  vim.lsp.config('promptcost', { settings = { promptcost = { models = { 'o3', 'gpt-4o' }, budget = 10 } } })
  local cfg2 = vim.lsp.config.promptcost
  local params2 = {}
  cfg2.before_init(params2, cfg2)
  out.init_options = params2.initializationOptions

  local b = vim.api.nvim_get_current_buf()
  vim.api.nvim_buf_set_lines(b, 0, -1, false, { '## Héllo 😊 world', 'abc', 'last' })
  out.ranges = {
    charwise_utf16 = pc.make_range(b, { 1, 3 }, { 1, 10 }, false, 'utf-16'),
    charwise_utf8 = pc.make_range(b, { 1, 3 }, { 1, 10 }, false, 'utf-8'),
    charwise_dollar = pc.make_range(b, { 2, 0 }, { 2, 2147483647 }, false, 'utf-16'),
    reversed = pc.make_range(b, { 2, 1 }, { 1, 0 }, false, 'utf-8'),
    linewise_last = pc.make_range(b, { 1, 0 }, { 3, 0 }, true, 'utf-16'),
    linewise_mid = pc.make_range(b, { 1, 5 }, { 2, 0 }, true, 'utf-16'),
  }
  out.format = pc.format_count({
    chars = 1200,
    chars_label = '1,200',
    models = {
      { model = 'gpt-4o', tokens = 2345, exact = true, input_cost_usd = 0.0058625, label = '2,345 tok · $0.0059' },
      { model = 'claude-sonnet-4-5', tokens = 2600, exact = false, input_cost_usd = vim.NIL, label = '≈2,600 tok · no price' },
    },
  })
  out.models_lines = pc.models_lines({
    snapshot_date = '2026-11-10',
    configured = { 'claude-sonnet-4-5', 'gpt-4o' },
    models = {
      { model = 'gemini-2.5-pro', provider = 'google', accuracy = 'exact (gemma3)', input_price_label = '$1.25', output_price_label = '$10', context_label = '1M' },
      { model = 'gpt-4o', provider = 'openai', accuracy = 'exact (o200k_base)', input_price_label = '$2.5', output_price_label = '$10', context_label = '128k' },
      { model = 'claude-sonnet-4-5', provider = 'anthropic', accuracy = '≈ ±15%', input_price_label = '$3', output_price_label = 'no price', context_label = '200k' },
    },
  })
  -- root_dir: promptcost.toml and prompt files attach, other TOML files do not
  local function root_of(name, ft)
    local buf = vim.api.nvim_create_buf(true, false) -- a file buffer: roots are found from its name
    vim.api.nvim_buf_set_name(buf, vim.fs.joinpath(vim.env.PROMPTCOST_UNITS_WS, name))
    vim.bo[buf].filetype = ft
    local got = 'not attached'
    vim.lsp.config.promptcost.root_dir(buf, function(root)
      got = root or vim.NIL
    end)
    return got
  end
  out.roots = {
    toml = root_of('promptcost.toml', 'toml'),
    cargo = root_of('Cargo.toml', 'toml'),
    prompt = root_of('prompts/a.md', 'markdown'),
  }
  out.status_unattached = pc.status(b)
  out.commands = {
    count = vim.fn.exists(':PromptcostCount') == 2,
    models = vim.fn.exists(':PromptcostModels') == 2,
  }
  -- without a server attached, count reports an error instead of hanging
  local got
  pc.count({ bufnr = b }, function(e)
    got = e
  end)
  out.count_without_client = got and got.message or vim.NIL
end, debug.traceback)
if not ok then
  out.errors[#out.errors + 1] = tostring(err)
end
local f = assert(io.open(vim.env.PROMPTCOST_RESULT, 'w'))
f:write(vim.json.encode(out))
f:close()
vim.cmd('qa!')
