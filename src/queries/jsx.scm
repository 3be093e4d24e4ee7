; promptcost: JSX attributes; appended to typescript.scm for TSX and to javascript.scm.
; <Chat systemPrompt="..." />  /  <Chat prompt={`...`} />
; (@jsx.attribute: the string value has HTML entities, no backslash escapes)
(jsx_attribute (property_identifier) @name . [(string) (jsx_expression)] @value) @jsx.attribute
