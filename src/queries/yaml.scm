; promptcost: where prompts live in YAML prompt files (`*.prompt.yml`, `prompts/**/*.yaml`;
; `lang.rs` YAML_PROMPT_FILES). Capture names are fixed (see README.md).

; ---- comments: `# promptcost: budget=500`
(comment) @comment

; ---- names (rule 2): `system_prompt: |`, `template: "..."`, `{prompt: '...'}`
(block_mapping_pair key: (_) @name value: (_) @value)
(flow_pair key: (_) @name value: (_) @value)

; ---- role messages (rule 3): `- role: system\n  content: |` anywhere (GitHub Models `messages:`)
(block_mapping) @sdk.role_message
(flow_mapping) @sdk.role_message
