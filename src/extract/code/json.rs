//! Python and JS/TS literals as JSON: dicts / objects, lists / arrays / tuples, strings,
//! numbers, booleans, `None` / `null`, same-file constants, `dict(k=v)`, and the wrappers the
//! SDKs define tools with (Vercel AI SDK `tool({...})`, `jsonSchema({...})`). Used for the
//! tool definitions a call passes. Never: evaluates code; a value that is not a literal (a
//! zod schema, a function call, a spread) is left out and the result marked partial.

use serde_json::{Map, Number, Value};
use tree_sitter::Node;

use super::select::Cx;
use super::tree::named_children;

/// A literal converted to JSON.
pub(crate) struct Json {
    pub(crate) value: Value,
    /// Some values were not literals and were left out (`null` in their place).
    pub(crate) partial: bool,
}

const MAX_DEPTH: u32 = 24;

/// Calls whose first argument is the value itself (Vercel AI SDK helpers).
const WRAPPERS: &[&str] = &["tool", "jsonSchema", "dynamicTool"];

impl<'a> Cx<'a> {
    /// The literal `n` as JSON; `None` when `n` itself is not a literal (a variable from
    /// elsewhere, a call's result).
    pub(crate) fn literal_json(&self, n: Node) -> Option<Json> {
        let mut partial = false;
        let value = self.json_of(n, 0, &mut partial)?;
        Some(Json { value, partial })
    }

    fn json_of(&self, n: Node, d: u32, partial: &mut bool) -> Option<Value> {
        if d > MAX_DEPTH {
            return None;
        }
        let n = self.unwrap_value(n);
        match n.kind() {
            "parenthesized_expression"
            | "as_expression"
            | "satisfies_expression"
            | "non_null_expression" => self.json_of(self.single_inner(n)?, d + 1, partial),
            "dictionary" | "object" => {
                let mut map = Map::new();
                for c in named_children(n) {
                    match c.kind() {
                        "pair" => {
                            let (Some(k), Some(v)) =
                                (c.child_by_field_name("key"), c.child_by_field_name("value"))
                            else {
                                continue;
                            };
                            if k.kind() == "computed_property_name" {
                                *partial = true;
                                continue;
                            }
                            let v = self.member(v, d, partial);
                            map.insert(self.name_text(k), v);
                        }
                        "shorthand_property_identifier" => {
                            let v = self.member(c, d, partial);
                            map.insert(self.t(c).to_string(), v);
                        }
                        "comment" => {}
                        _ => *partial = true,
                    }
                }
                Some(Value::Object(map))
            }
            "list" | "tuple" | "array" => Some(Value::Array(
                named_children(n)
                    .into_iter()
                    .filter(|c| c.kind() != "comment")
                    .map(|c| self.member(c, d, partial))
                    .collect(),
            )),
            "integer" | "float" | "number" => {
                let t = self.t(n).replace('_', "");
                let num = t
                    .parse::<i64>()
                    .ok()
                    .map(Number::from)
                    .or_else(|| t.parse::<f64>().ok().and_then(Number::from_f64))?;
                Some(Value::Number(num))
            }
            "true" => Some(Value::Bool(true)),
            "false" => Some(Value::Bool(false)),
            "none" | "null" | "undefined" => Some(Value::Null),
            "identifier" | "shorthand_property_identifier" => {
                let c = *self.facts.consts.get(self.t(n))?;
                // not the constant's own definition
                if c.start_byte() <= n.start_byte() && n.end_byte() <= c.end_byte() {
                    return None;
                }
                self.json_of(c, d + 1, partial)
            }
            "call" | "call_expression" => {
                let callee = self.callee_text(n);
                let (pos, kw) = self.call_args(n);
                if callee == "dict" && pos.is_empty() {
                    let mut map = Map::new();
                    for (k, v) in kw {
                        let v = self.member(v, d, partial);
                        map.insert(k, v);
                    }
                    return Some(Value::Object(map));
                }
                let leaf = callee.rsplit('.').next().unwrap_or("");
                if WRAPPERS.contains(&leaf) {
                    return self.json_of(*pos.first()?, d + 1, partial);
                }
                self.string_json(n)
            }
            _ => self.string_json(n),
        }
    }

    /// A string expression as a JSON string (placeholders kept as written).
    fn string_json(&self, n: Node) -> Option<Value> {
        self.resolve(n, 0).map(|r| Value::String(r.value))
    }

    /// A member of a container: its value, or `null` (and `partial`) when not a literal.
    fn member(&self, n: Node, d: u32, partial: &mut bool) -> Value {
        self.json_of(n, d + 1, partial).unwrap_or_else(|| {
            *partial = true;
            Value::Null
        })
    }
}
