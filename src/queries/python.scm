; promptcost: where prompts live in Python source.
; Capture names are fixed (see README.md); the Rust side decides what a
; captured value means (decoding, concatenation, dedent, SDK structure).

; ---- comments: `# prompt`, `# promptcost: budget=500 model=gpt-4o`, `# promptcost: ignore`
(comment) @comment

; ---- names (rule 2): the value is a prompt when the name matches the rules' pattern
; SYSTEM_PROMPT = "..."   /   PROMPT: str = "..."
(assignment left: (identifier) @name right: (_) @value)
; self.system_prompt = "..."
(assignment left: (attribute attribute: (identifier) @name) right: (_) @value)
; a_prompt, b_prompt = "...", "..."
(assignment left: (pattern_list) @name.list right: (expression_list) @value.list)
(assignment left: (tuple_pattern) @name.list right: (tuple) @value.list)
; messages[-1]["content"] += "..." (a message's content, set in place)
(assignment left: (subscript subscript: (string) @name) right: (_) @value)
(augmented_assignment left: (subscript subscript: (string) @name) right: (_) @value)
; system_prompt += "..."
(augmented_assignment left: [(identifier) (attribute attribute: (identifier) @name)] @name right: (_) @value)
; f(instructions="...")
(keyword_argument name: (identifier) @name value: (_) @value)
; {"prompt": "..."}
(pair key: (string) @name value: (_) @value)
; def f(prompt="..."), def f(prompt: str = "...")
(default_parameter name: (identifier) @name value: (_) @value)
(typed_default_parameter name: (identifier) @name value: (_) @value)

; ---- SDK calls (rule 3): every call; Rust matches the callee against frameworks.toml
(call) @sdk.call

; role/content messages in any container: {"role": "system", "content": ...}, dict(role=, content=)
((dictionary (pair key: (string) @_key)) @sdk.role_message
  (#match? @_key "^[\"']role[\"']$"))
((call
  function: (identifier) @_fn
  arguments: (argument_list (keyword_argument name: (identifier) @_key))) @sdk.role_message
  (#eq? @_fn "dict")
  (#eq? @_key "role"))

; LangChain: PromptTemplate.from_template("..."), SystemMessagePromptTemplate.from_template(...)
((call
  function: (attribute attribute: (identifier) @_method)) @sdk.template
  (#eq? @_method "from_template"))

; LangChain: ChatPromptTemplate.from_messages([("system", "..."), ("human", "...")])
((call
  function: (attribute attribute: (identifier) @_method)
  arguments: (argument_list . (_) @sdk.messages))
  (#eq? @_method "from_messages"))

; LangChain messages: SystemMessage("..."), HumanMessage(content="...")
((call function: (identifier) @_ctor) @sdk.message
  (#match? @_ctor "^(System|Human|AI|Tool|Chat|User|Assistant|Developer|Base)Message$"))
((call function: (attribute attribute: (identifier) @_ctor)) @sdk.message
  (#match? @_ctor "^(System|Human|AI|Tool|Chat|User|Assistant|Developer|Base)Message$"))

; ---- docstrings are never prompts: bodies whose first statement (after
; comments; Rust checks) is a lone string
(module) @docstring.body
(function_definition body: (block) @docstring.body)
(class_definition body: (block) @docstring.body)

; ---- prose (rule 4): string expressions in files that use an LLM framework; Rust keeps
; the maximal ones that read as prose outside non-prompt contexts
(string) @prose
(concatenated_string) @prose

; ---- functions: the returns of one named like the pattern are prompts (`parts.rs`)
(function_definition) @function
