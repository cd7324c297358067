-- rollsafe language server for Neovim 0.11+ (`:help lsp-config`).
--
-- Put this directory on 'runtimepath' (or copy this file to ~/.config/nvim/lsp/rollsafe.lua),
-- then enable it:
--
--   vim.opt.runtimepath:append('/path/to/rollsafe/editors/neovim')
--   vim.lsp.enable('rollsafe')
--
-- Override anything with vim.lsp.config('rollsafe', { ... }), e.g. the binary or the baseline:
--
--   vim.lsp.config('rollsafe', { cmd = { '/opt/rollsafe/bin/rollsafe', 'server' },
--                                init_options = { baseline = 'v1.4.0' } })

---@type vim.lsp.Config
return {
  cmd = { 'rollsafe', 'server' },
  -- SQL migrations and schema files; Protobuf, Avro (.avsc is JSON) and JSON Schema contracts.
  filetypes = { 'sql', 'mysql', 'plsql', 'proto', 'json', 'avro' },
  -- The workspace root rollsafe uses: the nearest rollsafe.toml, else the git repository.
  root_markers = { 'rollsafe.toml', '.git' },
  -- baseline: a git revision or directory to compare with instead of the default
  -- (the newest release tag reachable from HEAD, else the merge-base with the default branch).
  init_options = {},
  settings = { rollsafe = {} },
}
