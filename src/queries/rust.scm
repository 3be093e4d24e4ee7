; promptcost: where prompts live in Rust source. Capture names are fixed (see README.md).

; ---- comments: `// prompt`, `/* prompt */`, `// promptcost: budget=500 model=gpt-4o`
(line_comment) @comment
(block_comment) @comment

; ---- names (rule 2)
; const SYSTEM_PROMPT: &str = "...";   static PROMPT: &str = r#"..."#;
(const_item name: (identifier) @name value: (_) @value)
(static_item name: (identifier) @name value: (_) @value)
; let prompt = format!("...{x}...");
(let_declaration pattern: (identifier) @name value: (_) @value)
(let_declaration pattern: (tuple_pattern) @name.list value: (tuple_expression) @value.list)
; Request { prompt: "...".into(), .. }
(field_initializer field: (field_identifier) @name value: (_) @value)
; prompt = "...";   self.prompt = "...".to_string();
(assignment_expression left: (identifier) @name right: (_) @value)
(assignment_expression
  left: (field_expression field: (field_identifier) @name) right: (_) @value)

; ---- functions: the returns of one named like the pattern are prompts (`parts.rs`)
(function_item) @function
