-- promptcost helpers for Neovim: selection counts through the `promptcost/count` request.
local M = {}

local function notify(msg, level)
  vim.notify(msg, level or vim.log.levels.INFO, { title = 'promptcost' })
end

---@param bufnr integer
---@return vim.lsp.Client?
function M.client(bufnr)
  return vim.lsp.get_clients({ bufnr = bufnr, name = 'promptcost' })[1]
end

local function fmt_int(n)
  local s = tostring(math.floor(n + 0.5))
  local out = s:reverse():gsub('(%d%d%d)', '%1,'):reverse()
  return (out:gsub('^,', ''))
end
M.fmt_int = fmt_int

local function fmt_usd(v)
  if v == nil or v == vim.NIL then
    return nil
  end
  if v == 0 then
    return '$0'
  end
  if math.abs(v) < 1 then
    return string.format('$%.4f', v)
  end
  return string.format('$%.2f', v)
end

--- One line per model: `gpt-4o: 120 tokens · $0.0003` (`≈` for estimates).
---@param result table promptcost/count result
---@return string
function M.format_count(result)
  local parts = {}
  for _, m in ipairs(result.models or {}) do
    local cost = fmt_usd(m.input_cost_usd)
    parts[#parts + 1] = string.format(
      '%s: %s%s tokens%s',
      m.model,
      m.exact and '' or '≈ ',
      fmt_int(m.tokens),
      cost and (' · ' .. cost) or ''
    )
  end
  return string.format('%s chars — %s', fmt_int(result.chars or 0), table.concat(parts, ', '))
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
    local function n(v, f)
      if v == nil or v == vim.NIL then
        return '—'
      end
      return string.format(f or '%s', v)
    end
    local lines = {
      '# promptcost models (prices of ' .. tostring(res.snapshot_date) .. ', USD per million tokens)',
      '',
      '| model | provider | tokenizer | input | cached | output | context |',
      '|---|---|---|---:|---:|---:|---:|',
    }
    for _, m in ipairs(res.models or {}) do
      lines[#lines + 1] = string.format(
        '| %s | %s | %s%s | %s | %s | %s | %s |',
        m.model,
        n(m.provider),
        n(m.tokenizer),
        m.exact and '' or ' (≈)',
        n(m.input_cost_per_mtok, '%.2f'),
        n(m.cached_input_cost_per_mtok, '%.2f'),
        n(m.output_cost_per_mtok, '%.2f'),
        n(m.context_window)
      )
    end
    vim.cmd('botright new')
    local buf = vim.api.nvim_get_current_buf()
    vim.api.nvim_buf_set_lines(buf, 0, -1, false, lines)
    vim.bo[buf].buftype = 'nofile'
    vim.bo[buf].bufhidden = 'wipe'
    vim.bo[buf].modifiable = false
    vim.bo[buf].filetype = 'markdown'
    pcall(vim.api.nvim_buf_set_name, buf, 'promptcost://models')
  end, bufnr)
end

return M
