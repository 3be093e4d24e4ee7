-- Neovim end-to-end script, run by test_nvim.py as:
--   nvim --headless -u NONE -i NONE -l nvim_e2e.lua
-- Env: PROMPTCOST_BIN, PROMPTCOST_NVIM_DIR (editors/nvim), PROMPTCOST_WS (workspace),
--      PROMPTCOST_BUDGET, PROMPTCOST_RESULT (JSON written here).
-- Everything observed goes into the JSON; test_nvim.py makes the assertions.
local env = vim.env
local out = { steps = {}, errors = {}, notifications = {} }
local TIMEOUT = tonumber(env.PROMPTCOST_TIMEOUT_MS or '30000')

local function step(name)
  out.steps[#out.steps + 1] = name
end

local function write_result()
  local f = assert(io.open(env.PROMPTCOST_RESULT, 'w'))
  f:write(vim.json.encode(out))
  f:close()
end

local function wait(what, cond)
  local ok = vim.wait(TIMEOUT, cond, 20)
  if not ok then
    error('timed out waiting for ' .. what)
  end
end

vim.notify = function(msg, level)
  out.notifications[#out.notifications + 1] = { msg = msg, level = level }
end

local function hints_of(bufnr)
  local res = {}
  for _, h in ipairs(vim.lsp.inlay_hint.get({ bufnr = bufnr })) do
    local label = h.inlay_hint.label
    if type(label) == 'table' then
      local parts = {}
      for _, p in ipairs(label) do
        parts[#parts + 1] = p.value
      end
      label = table.concat(parts)
    end
    res[#res + 1] = { line = h.inlay_hint.position.line, character = h.inlay_hint.position.character, label = label }
  end
  table.sort(res, function(a, b)
    return a.line < b.line
  end)
  return res
end

local function diags_of(bufnr)
  local res = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    res[#res + 1] = { lnum = d.lnum, severity = d.severity, message = d.message, source = d.source }
  end
  return res
end

local function has_budget_warning(bufnr)
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.message:find('exceeds budget', 1, true) then
      return true
    end
  end
  return false
end

local function hover_at(client, bufnr, row0, col0)
  local win = vim.api.nvim_get_current_win()
  vim.api.nvim_win_set_cursor(win, { row0 + 1, col0 })
  local params = vim.lsp.util.make_position_params(win, client.offset_encoding)
  local resp = client:request_sync('textDocument/hover', params, TIMEOUT, bufnr)
  if not resp then
    error('hover request timed out')
  end
  if resp.err then
    error('hover error: ' .. vim.inspect(resp.err))
  end
  local r = resp.result
  if r == nil or r == vim.NIL then
    return nil
  end
  local c = r.contents
  if type(c) == 'table' and c.value then
    return { kind = c.kind, value = c.value }
  end
  return { kind = 'other', value = vim.inspect(c) }
end

local function count_sync(opts)
  local done, err_, res_ = false, nil, nil
  require('promptcost').count(opts, function(err, res)
    done, err_, res_ = true, err, res
  end)
  wait('promptcost/count', function()
    return done
  end)
  if err_ then
    error('promptcost/count: ' .. vim.inspect(err_))
  end
  return res_
end

local function buffer_text(bufnr)
  return table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), '\n') .. '\n'
end

local function main()
  local ws = env.PROMPTCOST_WS
  vim.opt.rtp:prepend(env.PROMPTCOST_NVIM_DIR)
  vim.cmd('filetype on')
  vim.cmd.runtime('plugin/promptcost.lua')
  vim.lsp.config('promptcost', {
    cmd = { env.PROMPTCOST_BIN, 'lsp' },
    settings = { promptcost = { models = { 'gpt-4o', 'claude-sonnet-4-5' }, budget = tonumber(env.PROMPTCOST_BUDGET) } },
  })
  vim.lsp.enable('promptcost')
  out.config_filetypes = vim.lsp.config.promptcost.filetypes
  step('enabled')

  -- 1. the prompt file
  vim.cmd.edit(vim.fn.fnameescape(ws .. '/prompts/support.md'))
  local md = vim.api.nvim_get_current_buf()
  out.md_filetype = vim.bo[md].filetype
  wait('client attach', function()
    local c = require('promptcost').client(md)
    return c ~= nil and c.initialized
  end)
  local client = require('promptcost').client(md)
  out.client = {
    name = client.name,
    offset_encoding = client.offset_encoding,
    root_dir = client.root_dir,
    position_encoding = client.server_capabilities.positionEncoding,
    inlay_hint_provider = client.server_capabilities.inlayHintProvider ~= nil,
    hover_provider = client.server_capabilities.hoverProvider ~= nil,
    code_lens_provider = client.server_capabilities.codeLensProvider ~= nil,
  }
  out.md_lines = vim.api.nvim_buf_get_lines(md, 0, -1, false)
  step('attached')

  vim.lsp.inlay_hint.enable(true, { bufnr = md })
  wait('inlay hints in the prompt file', function()
    return #vim.lsp.inlay_hint.get({ bufnr = md }) > 0
  end)
  -- give the server a moment to answer a refresh, then read again
  vim.wait(200)
  out.md_hints = hints_of(md)
  step('hints')

  local rules = vim.fn.index(out.md_lines, '## Rules')
  out.md_hover = hover_at(client, md, rules + 2, 4)
  step('hover')

  wait('budget diagnostic', function()
    return has_budget_warning(md)
  end)
  out.md_diags_before = diags_of(md)
  out.md_count_before = count_sync({ bufnr = md })
  step('diagnostics')

  -- the statusline component (refreshed on attach by plugin/promptcost.lua) and the lens it shows
  local pc = require('promptcost')
  wait('status() with the budget state', function()
    return pc.status(md):find('over budget', 1, true) ~= nil
  end)
  out.status_before = pc.status(md)
  local lens = client:request_sync('textDocument/codeLens', { textDocument = vim.lsp.util.make_text_document_params(md) }, TIMEOUT, md)
  out.lens_before = lens and lens.result and lens.result[1] and lens.result[1].command.title or vim.NIL
  step('status')

  -- :PromptcostCount on a charwise visual selection (line after "## Rules" up to the end of the line below)
  vim.api.nvim_win_set_cursor(0, { rules + 2, 0 })
  vim.cmd('normal! vj$')
  vim.cmd('normal! \27')
  local n_before = #out.notifications
  vim.cmd("'<,'>PromptcostCount")
  wait(':PromptcostCount notification', function()
    return #out.notifications > n_before
  end)
  out.count_command_msg = out.notifications[#out.notifications].msg
  out.count_command_text = table.concat(vim.api.nvim_buf_get_lines(md, rules + 1, rules + 3, false), '\n')
  -- the same range through the Lua API
  out.count_range = count_sync({ bufnr = md, start_pos = { rules + 2, 0 }, end_pos = { rules + 3, 10000 }, linewise = true })
  step('count')

  -- 2. edit: delete the Examples section with nvim_buf_set_text (sent as an incremental didChange)
  local examples = vim.fn.index(vim.api.nvim_buf_get_lines(md, 0, -1, false), '## Examples')
  local last = vim.api.nvim_buf_line_count(md) - 1
  local last_line = vim.api.nvim_buf_get_lines(md, last, last + 1, false)[1]
  vim.api.nvim_buf_set_text(md, examples, 0, last, #last_line, { '' })
  out.md_text_after = buffer_text(md)
  -- a request flushes the debounced didChange
  out.md_count_after = count_sync({ bufnr = md })
  wait('budget diagnostic to clear', function()
    return not has_budget_warning(md)
  end)
  out.md_diags_after = diags_of(md)
  vim.wait(300)
  out.md_hints_after = hints_of(md)
  -- no explicit refresh: the edit itself (on_lines) refreshes status() 300 ms later
  local new_total = out.md_count_after.models[1].label:match('^(%S+) tok') .. ' tokens'
  wait('status() after the edit', function()
    local st = pc.status(md)
    return st:sub(1, #new_total) == new_total and not st:find('over budget', 1, true)
  end)
  out.status_after = pc.status(md)
  step('edited')

  -- :PromptcostModels: the table in a scratch buffer
  local models_ok, models_err = xpcall(function()
    local win = vim.api.nvim_get_current_win()
    vim.cmd('PromptcostModels')
    wait(':PromptcostModels buffer', function()
      return vim.api.nvim_buf_get_name(vim.api.nvim_get_current_buf()):find('promptcost://models', 1, true) ~= nil
    end)
    out.models_lines = vim.api.nvim_buf_get_lines(0, 0, -1, false)
    vim.cmd('close')
    vim.api.nvim_set_current_win(win)
    step('models')
  end, debug.traceback)
  if not models_ok then
    out.extra_errors = { tostring(models_err) }
  end

  -- 3. a Python file with a tagged literal (own error slot: the Markdown results stay usable)
  local py_ok, py_err = xpcall(function()
    vim.cmd.edit(vim.fn.fnameescape(ws .. '/app.py'))
    local py = vim.api.nvim_get_current_buf()
    wait('client attach (python)', function()
      return require('promptcost').client(py) ~= nil
    end)
    out.py_same_client = require('promptcost').client(py).id == client.id
    out.py_lines = vim.api.nvim_buf_get_lines(py, 0, -1, false)
    vim.lsp.inlay_hint.enable(true, { bufnr = py })
    wait('inlay hints in the Python file', function()
      return #vim.lsp.inlay_hint.get({ bufnr = py }) > 0
    end)
    vim.wait(200)
    out.py_hints = hints_of(py)
    local lit = 0
    for i, l in ipairs(out.py_lines) do
      if l:find('SYSTEM_PROMPT', 1, true) then
        lit = i - 1
        break
      end
    end
    out.py_hover = hover_at(client, py, lit + 2, 3)
    step('python')
  end, debug.traceback)
  if not py_ok then
    out.py_error = tostring(py_err)
  end

  -- 4. a prompt file without headings: one hint, at the end of its first line
  -- 5. promptcost.toml is attached (its errors are shown there); another TOML file is not
  local extra_ok, extra_err = xpcall(function()
    vim.cmd.edit(vim.fn.fnameescape(ws .. '/prompts/plain.md'))
    local plain = vim.api.nvim_get_current_buf()
    wait('client attach (plain)', function()
      return require('promptcost').client(plain) ~= nil
    end)
    out.plain_lines = vim.api.nvim_buf_get_lines(plain, 0, -1, false)
    vim.lsp.inlay_hint.enable(true, { bufnr = plain })
    wait('the hint in the file without headings', function()
      return #vim.lsp.inlay_hint.get({ bufnr = plain }) > 0
    end)
    vim.wait(200)
    out.plain_hints = hints_of(plain)
    step('plain')

    vim.cmd.edit(vim.fn.fnameescape(ws .. '/promptcost.toml'))
    local toml = vim.api.nvim_get_current_buf()
    out.toml_filetype = vim.bo[toml].filetype
    wait('client attach (promptcost.toml)', function()
      return require('promptcost').client(toml) ~= nil
    end)
    out.toml_attached = true
    vim.cmd.edit(vim.fn.fnameescape(ws .. '/Cargo.toml'))
    local cargo = vim.api.nvim_get_current_buf()
    vim.wait(1000)
    out.cargo_attached = require('promptcost').client(cargo) ~= nil
    step('toml')
  end, debug.traceback)
  if not extra_ok then
    out.extra_errors = out.extra_errors or {}
    table.insert(out.extra_errors, tostring(extra_err))
  end
end

local ok, err = xpcall(main, debug.traceback)
if not ok then
  out.errors[#out.errors + 1] = tostring(err)
end
out.lsp_log = vim.lsp.get_log_path()
write_result()
for _, c in ipairs(vim.lsp.get_clients()) do
  c:stop(true)
end
vim.wait(500)
vim.cmd('qa!')
