-- Drives a real Neovim against `rollsafe server`: run by crates/rollsafe/tests/editor_nvim.rs with
--   ROLLSAFE_BIN      the rollsafe binary
--   ROLLSAFE_NVIM_RTP this plugin's directory (editors/neovim)
--   ROLLSAFE_FILE     the migration to open, in a git repository whose N-1 release is a tag
-- Exits 0 when the inline diagnostic appears on the right line, disappears once the buffer is
-- edited into a safe change, and comes back when the breaking statement is restored.

local function fail(message)
  io.stderr:write('FAIL: ' .. message .. '\n')
  vim.cmd('cquit 1')
end

local ok, err = pcall(function()
  vim.opt.runtimepath:append(os.getenv('ROLLSAFE_NVIM_RTP'))
  vim.lsp.config('rollsafe', { cmd = { os.getenv('ROLLSAFE_BIN'), 'server' } })
  vim.lsp.enable('rollsafe')
  vim.cmd.edit(os.getenv('ROLLSAFE_FILE'))

  local function rollsafe_diagnostics()
    return vim.tbl_filter(function(d)
      return d.source == 'rollsafe'
    end, vim.diagnostic.get(0))
  end
  local function wait(what, predicate)
    if not vim.wait(30000, predicate, 50) then
      fail(what .. '; diagnostics now: ' .. vim.inspect(rollsafe_diagnostics()))
    end
  end

  wait('the client attaches', function()
    return #vim.lsp.get_clients({ bufnr = 0, name = 'rollsafe' }) > 0
  end)
  wait('the column-removed diagnostic appears', function()
    local d = rollsafe_diagnostics()
    return #d == 1 and d[1].code == 'column-removed'
  end)
  local d = rollsafe_diagnostics()[1]
  -- Line 2 of the file (0-based 1): `ALTER TABLE users DROP COLUMN full_name;`
  if d.lnum ~= 1 or d.col ~= 18 then
    fail(('diagnostic at %d:%d, expected 1:18'):format(d.lnum, d.col))
  end
  if d.severity ~= vim.diagnostic.severity.ERROR then
    fail('severity ' .. tostring(d.severity))
  end

  -- Edited into the safe change (expand only): the diagnostic goes away.
  vim.api.nvim_buf_set_lines(0, 1, 2, false, { 'ALTER TABLE users ADD COLUMN display_name text;' })
  wait('the diagnostic disappears after a safe edit', function()
    return #rollsafe_diagnostics() == 0
  end)

  -- The breaking statement back: so is the diagnostic.
  vim.api.nvim_buf_set_lines(0, 1, 2, false, { 'ALTER TABLE users DROP COLUMN full_name;' })
  wait('the diagnostic comes back', function()
    local back = rollsafe_diagnostics()
    return #back == 1 and back[1].lnum == 1
  end)

  -- Hover and code actions answer through the real client too.
  local client = vim.lsp.get_clients({ bufnr = 0, name = 'rollsafe' })[1]
  local params = { textDocument = vim.lsp.util.make_text_document_params(0), position = { line = 1, character = 20 } }
  local hover = client:request_sync('textDocument/hover', params, 10000, 0)
  if not (hover and hover.result and hover.result.contents.value:find('column%-removed')) then
    fail('hover: ' .. vim.inspect(hover))
  end
end)

if not ok then
  fail(tostring(err))
end
vim.cmd('qall!')
