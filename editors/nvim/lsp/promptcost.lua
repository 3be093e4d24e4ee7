-- promptcost language server config for Neovim 0.11+ (`:h lsp-config`).
--
-- Put `editors/nvim` on the runtimepath, then:
--   vim.lsp.enable('promptcost')
-- Override anything with vim.lsp.config('promptcost', { settings = { promptcost = { budget = 2000 } } }).

-- YAML prompt files (the server's YAML_PROMPT_FILES in src/extract/code/lang.rs; a Rust
-- test keeps the two lists equal). Other YAML buffers (CI workflows, compose files) are
-- not attached.
local yaml_prompt_files = {
  '**/*.prompt.yml',
  '**/*.prompt.yaml',
  '**/prompts/**/*.{yml,yaml}',
}

local function is_yaml_prompt_file(name)
  for _, glob in ipairs(yaml_prompt_files) do
    if vim.glob.to_lpeg(glob):match(name) then
      return true
    end
  end
  return false
end

---@type vim.lsp.Config
return {
  cmd = { 'promptcost', 'lsp' },
  filetypes = {
    -- prompt files (the server only annotates files matching its prompt globs:
    -- *.prompt.md, prompts/**, AGENTS.md, CLAUDE.md, ... see `promptcost.include`)
    'markdown',
    'text',
    'prompty',
    'promptfile', -- *.prompt (Dotprompt), defined by plugin/promptcost.lua
    'jinja',
    'handlebars',
    'mustache',
    -- code: string literals tagged as prompts (SYSTEM_PROMPT = """...""", `# prompt` comment)
    'python',
    'typescript',
    'typescriptreact',
    'javascript',
    'javascriptreact',
    'rust',
    'go',
    -- YAML prompt files only (*.prompt.yml, prompts/**/*.yaml: see root_dir)
    'yaml',
    -- the project file itself: its errors are shown at the offending key (only promptcost.toml,
    -- see root_dir; other TOML files are left alone)
    'toml',
  },
  -- The project root: the nearest promptcost.toml, else .git (none: single-file mode).
  -- A TOML buffer is attached only when it is promptcost.toml, a YAML buffer only when it
  -- is a YAML prompt file.
  root_dir = function(bufnr, on_dir)
    local name = vim.api.nvim_buf_get_name(bufnr)
    if vim.bo[bufnr].filetype == 'toml' and vim.fs.basename(name) ~= 'promptcost.toml' then
      return
    end
    if vim.bo[bufnr].filetype == 'yaml' and not is_yaml_prompt_file(name) then
      return
    end
    on_dir(vim.fs.root(bufnr, { 'promptcost.toml', '.git' }))
  end,
  -- No settings by default: unset keys leave promptcost.toml and the server's defaults in
  -- charge (precedence: defaults < promptcost.toml < editor settings). Set them with
  --   vim.lsp.config('promptcost', { settings = { promptcost = {
  --     models = { 'gpt-4o', 'claude-sonnet-4-5' }, -- first = primary model
  --     budget = 2000,                              -- token budget per file
  --     include = {}, exclude = {},                 -- extra prompt-file globs / exclusions
  --     expectedOutputTokens = 500,
  --     callsPerDay = 10000,  -- calls per day of every prompt: $/day and $/month in hovers
  --     cacheHit = 0.8,       -- share of calls reading the static prefix from the cache (0..1)
  --     logLevel = 'info',                          -- error | warn | info | debug | trace
  --     pricesFile = '/path/to/prices.json',        -- LiteLLM-format price file
  --     code = { enabled = true, namePattern = '(?i)prompt' },
  --     claudeApi = false,  -- true: exact Claude counts from Anthropic's API (sends the
  --                         -- text to Anthropic; key from $ANTHROPIC_API_KEY)
  --   } } })
  -- They are served on workspace/configuration (section `promptcost`), sent with
  -- workspace/didChangeConfiguration, and as initializationOptions (below).
  before_init = function(params, config)
    local s = config.settings and config.settings.promptcost
    if type(s) == 'table' and next(s) ~= nil then
      params.initializationOptions = vim.tbl_deep_extend('force', {}, s, params.initializationOptions or {})
    end
  end,
}
