; promptcost: where prompts live in Go source. Capture names are fixed (see README.md).

; ---- comments: `// prompt`, `/* prompt */`, `// promptcost: budget=500 model=gpt-4o`
(comment) @comment

; ---- names (rule 2): names and values are paired by position in Rust
; const systemPrompt = "..."   /   const a, b = "...", "..."
(const_spec value: (expression_list) @value.list) @name.list
; var prompt = "..."
(var_spec value: (expression_list) @value.list) @name.list
; prompt := fmt.Sprintf("...%s...", x)
(short_var_declaration left: (expression_list) @name.list right: (expression_list) @value.list)
; prompt = "..."   /   req.Prompt = "..."
(assignment_statement left: (expression_list) @name.list right: (expression_list) @value.list)
; Request{Prompt: "..."}   /   map[string]string{"prompt": "..."}
(keyed_element key: (literal_element) @name value: (literal_element) @value)

; ---- functions: the returns of one named like the pattern are prompts (`parts.rs`)
(function_declaration) @function
(method_declaration) @function
