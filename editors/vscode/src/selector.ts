// Which documents the client sends to the server. Mirrors the server's default
// prompt-file globs plus the code languages. Pure: no `vscode` import.

export interface Filter {
  scheme?: string;
  language?: string;
  pattern?: string;
}

/** The server's default prompt-file globs (`DEFAULT_INCLUDE` in src/config.rs; a Rust test
 * checks that the two lists are equal), as VS Code glob patterns. */
export const PROMPT_FILE_PATTERNS: readonly string[] = [
  '**/*.prompt',
  '**/*.prompty',
  '**/*.prompt.md',
  '**/*.instructions.md',
  '**/*.chatmode.md',
  '**/*.mdc',
  '**/prompts/**/*.{md,txt,j2,jinja,jinja2,hbs,mustache,prompt,prompty}',
  '**/*.jinja',
  '**/SKILL.md',
  '**/AGENTS.md',
  '**/CLAUDE.md',
  '**/GEMINI.md',
  '**/.github/copilot-instructions.md',
  '**/.cursorrules',
];

/** YAML prompt files (`YAML_PROMPT_FILES` in src/extract/code/lang.rs; a Rust test checks
 * that the two lists are equal): their values are prompts like literals in code. Other YAML
 * files (CI workflows, compose files) are never sent. */
export const YAML_PROMPT_FILE_PATTERNS: readonly string[] = [
  '**/*.prompt.yml',
  '**/*.prompt.yaml',
  '**/prompts/**/*.{yml,yaml}',
];

/** Languages whose string literals may be prompts. */
export const CODE_LANGUAGES: readonly string[] = [
  'python',
  'typescript',
  'typescriptreact',
  'javascript',
  'javascriptreact',
  'rust',
  'go',
];

/** Languages contributed by this extension for prompt files. */
export const PROMPT_LANGUAGES: readonly string[] = ['prompt', 'prompty'];

/**
 * The documentSelector: prompt-file globs (+ user `include` globs) and YAML prompt files
 * on disk, code languages on disk and untitled, and the prompt languages untitled.
 */
export function documentSelector(extraInclude: readonly string[] = []): Filter[] {
  const filters: Filter[] = [];
  const patterns = [...PROMPT_FILE_PATTERNS];
  for (const g of extraInclude) {
    const glob = g.startsWith('**/') || g.startsWith('/') ? g : `**/${g}`;
    if (!patterns.includes(glob)) patterns.push(glob);
  }
  for (const pattern of patterns) filters.push({ scheme: 'file', pattern });
  for (const pattern of YAML_PROMPT_FILE_PATTERNS) filters.push({ scheme: 'file', pattern });
  for (const language of PROMPT_LANGUAGES) {
    filters.push({ scheme: 'file', language });
    filters.push({ scheme: 'untitled', language });
  }
  for (const language of CODE_LANGUAGES) {
    filters.push({ scheme: 'file', language });
    filters.push({ scheme: 'untitled', language });
  }
  return filters;
}
