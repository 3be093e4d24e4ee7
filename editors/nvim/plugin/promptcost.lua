-- promptcost: filetypes for prompt files and the :PromptcostCount / :PromptcostModels commands.
if vim.g.loaded_promptcost then
  return
end
vim.g.loaded_promptcost = true

vim.filetype.add({
  extension = {
    prompty = 'prompty',
    prompt = 'promptfile',
    mdc = 'markdown',
    j2 = 'jinja',
  },
  filename = {
    ['.cursorrules'] = 'markdown',
  },
})

-- Highlight .prompty / .prompt with the markdown parser when nvim-treesitter's markdown is there.
pcall(vim.treesitter.language.register, 'markdown', { 'prompty', 'promptfile' })
vim.api.nvim_create_autocmd('FileType', {
  group = vim.api.nvim_create_augroup('promptcost_filetypes', { clear = true }),
  pattern = { 'prompty', 'promptfile' },
  callback = function(ev)
    if vim.bo[ev.buf].syntax == '' or vim.bo[ev.buf].syntax == ev.match then
      vim.bo[ev.buf].syntax = 'markdown'
    end
    vim.bo[ev.buf].commentstring = '<!-- %s -->'
  end,
})

vim.api.nvim_create_user_command('PromptcostCount', function(cmd)
  require('promptcost').count_command(cmd)
end, {
  range = true,
  desc = 'promptcost: tokens and cost of the selection (visual range) or of the buffer',
})

vim.api.nvim_create_user_command('PromptcostModels', function()
  require('promptcost').show_models()
end, { desc = 'promptcost: models, tokenizers and prices' })

-- Keeps require('promptcost').status() (statusline component) up to date.
require('promptcost').setup_status()
