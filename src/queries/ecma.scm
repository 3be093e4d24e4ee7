; promptcost: where prompts live in JavaScript, TypeScript and TSX (jsx.scm is appended for
; JSX and TSX). Blocks between `; @only <grammar>` and `; @end` are for that grammar only.
; Capture names are fixed (see README.md).

; ---- comments: `// prompt`, `/* prompt */`, `// promptcost: budget=500 model=gpt-4o`
(comment) @comment

; ---- names (rule 2)
; const systemPrompt = `...`
(variable_declarator name: (identifier) @name value: (_) @value)
; prompt = "..."   /   this.prompt = "..."
(assignment_expression left: (identifier) @name right: (_) @value)
(assignment_expression
  left: (member_expression property: (property_identifier) @name) right: (_) @value)
; systemPrompt += "..."
(augmented_assignment_expression left: (identifier) @name right: (_) @value)
; { prompt: "..." }  /  { "prompt": "..." }
(pair key: [(property_identifier) (string)] @name value: (_) @value)
; class C { systemPrompt = "..." }
; @only typescript
(public_field_definition name: (property_identifier) @name value: (_) @value)
; function f(prompt: string = "...")
(required_parameter pattern: (identifier) @name value: (_) @value)
(optional_parameter pattern: (identifier) @name value: (_) @value)
; @end
; @only javascript
(field_definition property: (property_identifier) @name value: (_) @value)
; @end
; function f(prompt = "...")
(assignment_pattern left: (identifier) @name right: (_) @value)
; const { prompt = "..." } = opts
(object_assignment_pattern
  left: (shorthand_property_identifier_pattern) @name right: (_) @value)

; ---- SDK calls (rule 3): every call; Rust matches the callee against frameworks.toml
(call_expression) @sdk.call
(new_expression) @sdk.call

; role/content messages in any container: { role: "system", content: ... }
((object (pair key: [(property_identifier) (string)] @_key)) @sdk.role_message
  (#match? @_key "^[\"']?role[\"']?$"))

; LangChain.js: PromptTemplate.fromTemplate("...")
((call_expression
  function: (member_expression property: (property_identifier) @_method)) @sdk.template
  (#eq? @_method "fromTemplate"))
; LangChain.js: ChatPromptTemplate.fromMessages([["system", "..."], ...])
((call_expression
  function: (member_expression property: (property_identifier) @_method)
  arguments: (arguments . (_) @sdk.messages))
  (#eq? @_method "fromMessages"))
; LangChain.js: new SystemMessage("...")
((new_expression constructor: (identifier) @_ctor) @sdk.message
  (#match? @_ctor "^(System|Human|AI|Tool|Chat|User|Assistant|Developer|Base)Message$"))

; ---- tagged templates: prompt`...`
((call_expression
  function: (identifier) @_tag
  arguments: (template_string)) @tagged
  (#eq? @_tag "prompt"))

; ---- prose (rule 4): string expressions in files that use an LLM framework
(string) @prose
(template_string) @prose

; ---- functions: the returns of one named like the pattern are prompts (`parts.rs`)
(function_declaration) @function
(method_definition) @function
(variable_declarator value: (arrow_function) @function)
(variable_declarator value: (function_expression) @function)
(pair value: (arrow_function) @function)
(pair value: (function_expression) @function)
