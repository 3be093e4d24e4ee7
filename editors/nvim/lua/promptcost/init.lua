-- promptcost helpers for Neovim: selection counts (`promptcost/count`), the models table
-- (`promptcost/models`) and a statusline component (`status()`). Numbers and money are always
-- the server's strings; this file never formats them.
local M = {}

local function notify(msg, level)
  vim.notify(msg, level or vim.log.levels.INFO, { title = 'promptcost' })
end

---@param bufnr integer
---@return vim.lsp.Client?
function M.client(bufnr)
  return vim.lsp.get_clients({ bufnr = bufnr, name = 'promptcost' })[1]
end

--- One line per model: `gpt-4o: 120 tok · $0.0003` (`≈` for estimates): the server's `label`,
--- never formatted here.
---@param result table promptcost/count result
---@return string
function M.format_count(result)
  local parts = {}
  for _, m in ipairs(result.models or {}) do
    parts[#parts + 1] = string.format('%s: %s', m.model, m.label)
  end
  return string.format('%s chars — %s', result.chars_label or '?', table.concat(parts, ', '))
end

--- LSP position (in `encoding`) of byte column `col` (0-based) on 0-based `row`.
local function lsp_pos(bufnr, row, col, encoding)
  local line = vim.api.nvim_buf_get_lines(bufnr, row, row + 1, false)[1] or ''
  col = math.min(col, #line)
  return { line = row, character = vim.str_utfindex(line, encoding, col, false) }
end

--- LSP range of rows/columns as given by marks: start {row1, col0}, end {row1, col0} inclusive
--- (charwise), or whole lines when `linewise`.
---@return lsp.Range
function M.make_range(bufnr, start_pos, end_pos, linewise, encoding)
  local srow, scol = start_pos[1] - 1, start_pos[2]
  local erow, ecol = end_pos[1] - 1, end_pos[2]
  if srow > erow or (srow == erow and scol > ecol) then
    srow, scol, erow, ecol = erow, ecol, srow, scol
  end
  local last = vim.api.nvim_buf_line_count(bufnr) - 1
  if linewise then
    local start = { line = srow, character = 0 }
    if erow < last then
      return { start = start, ['end'] = { line = erow + 1, character = 0 } }
    end
    local line = vim.api.nvim_buf_get_lines(bufnr, erow, erow + 1, false)[1] or ''
    return { start = start, ['end'] = lsp_pos(bufnr, erow, #line, encoding) }
  end
  -- charwise: the end mark is on the first byte of the last selected character
  local line = vim.api.nvim_buf_get_lines(bufnr, erow, erow + 1, false)[1] or ''
  local end_byte = #line
  if ecol < #line then
    local ok, clen = pcall(vim.str_utf_end, line, ecol + 1)
    end_byte = ecol + 1 + (ok and clen or 0)
  end
  return { start = lsp_pos(bufnr, srow, scol, encoding), ['end'] = lsp_pos(bufnr, erow, end_byte, encoding) }
end

--- Sends promptcost/count for the buffer or a range.
---@param opts {bufnr?: integer, range?: lsp.Range, start_pos?: integer[], end_pos?: integer[], linewise?: boolean}
---@param callback fun(err: lsp.ResponseError?, result: table?)
function M.count(opts, callback)
  opts = opts or {}
  local bufnr = (opts.bufnr == nil or opts.bufnr == 0) and vim.api.nvim_get_current_buf() or opts.bufnr
  local client = M.client(bufnr)
  if not client then
    callback({ code = -32803, message = 'promptcost is not attached to this buffer' }, nil)
    return
  end
  local params = { textDocument = vim.lsp.util.make_text_document_params(bufnr) }
  if opts.range then
    params.range = opts.range
  elseif opts.start_pos and opts.end_pos then
    params.range = M.make_range(bufnr, opts.start_pos, opts.end_pos, opts.linewise, client.offset_encoding)
  end
  -- Client:request flushes the pending (debounced) didChange first.
  client:request('promptcost/count', params, function(err, result)
    callback(err, result)
  end, bufnr)
end

--- Handler of :[range]PromptcostCount.
function M.count_command(cmd)
  local bufnr = vim.api.nvim_get_current_buf()
  local opts = { bufnr = bufnr }
  local what = 'buffer'
  if cmd.range and cmd.range > 0 then
    local vs, ve = vim.api.nvim_buf_get_mark(bufnr, '<'), vim.api.nvim_buf_get_mark(bufnr, '>')
    local mode = vim.fn.visualmode()
    if vs[1] == cmd.line1 and ve[1] == cmd.line2 and (mode == 'v' or mode == '\22') then
      opts.start_pos, opts.end_pos, opts.linewise = vs, ve, false
      what = 'selection'
    else
      opts.start_pos, opts.end_pos, opts.linewise = { cmd.line1, 0 }, { cmd.line2, 0 }, true
      what = cmd.line1 == cmd.line2 and ('line ' .. cmd.line1) or ('lines ' .. cmd.line1 .. '-' .. cmd.line2)
    end
  end
  M.count(opts, function(err, result)
    if err then
      notify('promptcost/count failed: ' .. (err.message or vim.inspect(err)), vim.log.levels.ERROR)
      return
    end
    notify(string.format('%s: %s', what, M.format_count(result)))
  end)
end

--- Lines of the :PromptcostModels table: fixed-width columns (they read well in a terminal),
--- the configured models first and marked (`*`, the primary `>`), numbers as the server wrote them.
---@param res table promptcost/models result
---@return string[]
function M.models_lines(res)
  local configured = {}
  for i, id in ipairs(res.configured or {}) do
    configured[id] = i
  end
  local models = vim.deepcopy(res.models or {})
  table.sort(models, function(a, b)
    local ra, rb = configured[a.model] or math.huge, configured[b.model] or math.huge
    if ra ~= rb then
      return ra < rb
    end
    if a.provider ~= b.provider then
      return tostring(a.provider) < tostring(b.provider)
    end
    return a.model < b.model
  end)
  local function s(v)
    return (v == nil or v == vim.NIL) and '—' or tostring(v)
  end
  local rows = { { '', 'model', 'provider', 'count', 'input', 'output', 'context' } }
  for _, m in ipairs(models) do
    local mark = configured[m.model] == 1 and '>' or (configured[m.model] and '*' or '')
    rows[#rows + 1] = { mark, m.model, s(m.provider), s(m.accuracy), s(m.input_price_label), s(m.output_price_label), s(m.context_label) }
  end
  local right = { [5] = true, [6] = true, [7] = true }
  local widths = {}
  for _, r in ipairs(rows) do
    for i, c in ipairs(r) do
      widths[i] = math.max(widths[i] or 0, vim.fn.strdisplaywidth(c))
    end
  end
  local lines = {
    string.format('promptcost models — prices of %s, USD per million tokens', s(res.snapshot_date)),
    #(res.configured or {}) > 0 and ('configured: ' .. table.concat(res.configured, ', ') .. '   (> primary, * configured)') or 'configured: the server defaults',
    '',
  }
  for _, r in ipairs(rows) do
    local cells = {}
    for i, c in ipairs(r) do
      local pad = string.rep(' ', widths[i] - vim.fn.strdisplaywidth(c))
      cells[i] = right[i] and (pad .. c) or (c .. pad)
    end
    lines[#lines + 1] = (table.concat(cells, '  '):gsub('%s+$', ''))
  end
  return lines
end

--- :PromptcostModels: the promptcost/models table in a scratch buffer.
function M.show_models()
  local bufnr = vim.api.nvim_get_current_buf()
  local client = M.client(bufnr) or vim.lsp.get_clients({ name = 'promptcost' })[1]
  if not client then
    notify('promptcost is not running (open a prompt file first)', vim.log.levels.WARN)
    return
  end
  client:request('promptcost/models', {}, function(err, res)
    if err or not res then
      notify('promptcost/models failed: ' .. (err and err.message or 'no result'), vim.log.levels.ERROR)
      return
    end
    vim.cmd('botright new')
    local buf = vim.api.nvim_get_current_buf()
    vim.api.nvim_buf_set_lines(buf, 0, -1, false, M.models_lines(res))
    vim.bo[buf].buftype = 'nofile'
    vim.bo[buf].bufhidden = 'wipe'
    vim.bo[buf].modifiable = false
    pcall(vim.api.nvim_buf_set_name, buf, 'promptcost://models')
  end, bufnr)
end

-- ---- statusline ---------------------------------------------------------------------------

local lens_titles = {} ---@type table<integer, string>
local timers = {} ---@type table<integer, uv.uv_timer_t>

--- The budget state of a buffer from promptcost's diagnostics (codes `budget`, `context-window`):
--- `1 prompt over budget`, `3 prompts over budget · over the context window`, or ''.
local function budget_state(bufnr)
  local over, window = 0, false
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    if d.source == 'promptcost' then
      if d.code == 'budget' then
        over = over + 1
      elseif d.code == 'context-window' then
        window = true
      end
    end
  end
  local parts = {}
  if over > 0 then
    parts[#parts + 1] = over .. (over == 1 and ' prompt' or ' prompts') .. ' over budget'
  end
  if window then
    parts[#parts + 1] = 'over the context window'
  end
  return table.concat(parts, ' · ')
end

--- Asks the server for the file total (the code lens on line 0, the server's own string) and
--- redraws the statusline when it arrives.
---@param bufnr? integer
function M.refresh_status(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local client = M.client(bufnr)
  if not client then
    lens_titles[bufnr] = nil
    return
  end
  client:request('textDocument/codeLens', { textDocument = vim.lsp.util.make_text_document_params(bufnr) }, function(err, lenses)
    if err or type(lenses) ~= 'table' then
      return
    end
    local title
    for _, l in ipairs(lenses) do
      if l.range.start.line == 0 and l.command then
        title = l.command.title
        break
      end
    end
    lens_titles[bufnr] = title
    vim.cmd.redrawstatus({ bang = true })
  end, bufnr)
end

local function schedule_refresh(bufnr, ms)
  local t = timers[bufnr]
  if not t then
    t = assert(vim.uv.new_timer())
    timers[bufnr] = t
  end
  t:stop()
  t:start(ms, 0, vim.schedule_wrap(function()
    if vim.api.nvim_buf_is_valid(bufnr) then
      M.refresh_status(bufnr)
    end
  end))
end

--- A statusline component: the file total (the server's lens title) and the budget state of the
--- current buffer, e.g. `2,345 tokens · $0.0059 gpt-4o · 1.8% of 128k · budget 2,000 ⚠ · 1 prompt
--- over budget`. Empty where promptcost shows nothing. Cheap: the total is cached and refreshed
--- after edits.
---@param bufnr? integer
---@return string
function M.status(bufnr)
  bufnr = (bufnr == nil or bufnr == 0) and vim.api.nvim_get_current_buf() or bufnr
  local title = lens_titles[bufnr]
  if not title then
    return ''
  end
  local state = budget_state(bufnr)
  return state == '' and title or (title .. ' · ' .. state)
end

local watched = {} ---@type table<integer, boolean>

--- Keeps status() current: refreshes on attach, on entering a buffer and 300 ms after any change
--- of the text (typing, commands, other plugins' API edits: `nvim_buf_attach`'s on_lines).
function M.setup_status()
  local group = vim.api.nvim_create_augroup('promptcost_status', { clear = true })
  vim.api.nvim_create_autocmd('LspAttach', {
    group = group,
    callback = function(ev)
      local client = vim.lsp.get_client_by_id(ev.data.client_id)
      if not (client and client.name == 'promptcost') then
        return
      end
      schedule_refresh(ev.buf, 0)
      if not watched[ev.buf] then
        watched[ev.buf] = vim.api.nvim_buf_attach(ev.buf, false, {
          on_lines = function(_, buf)
            schedule_refresh(buf, 300)
          end,
          on_detach = function(_, buf)
            watched[buf] = nil
          end,
        })
      end
    end,
  })
  vim.api.nvim_create_autocmd({ 'BufEnter' }, {
    group = group,
    callback = function(ev)
      if M.client(ev.buf) then
        schedule_refresh(ev.buf, 0)
      end
    end,
  })
  vim.api.nvim_create_autocmd('DiagnosticChanged', {
    group = group,
    callback = function()
      vim.cmd.redrawstatus({ bang = true })
    end,
  })
  vim.api.nvim_create_autocmd({ 'BufWipeout', 'LspDetach' }, {
    group = group,
    callback = function(ev)
      lens_titles[ev.buf] = nil
      local t = timers[ev.buf]
      if t and ev.event == 'BufWipeout' then
        t:stop()
        t:close()
        timers[ev.buf] = nil
      end
    end,
  })
end

return M
