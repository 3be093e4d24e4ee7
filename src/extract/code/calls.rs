//! Candidates from calls beyond what a framework entry lists: the text arguments of callees
//! named like the pattern, the keyword arguments of framework module objects
//! (`frameworks.toml` `[[module]]`), and text set into a message's content in place.
//! Never decodes literals.

use std::collections::HashSet;

use tree_sitter::Node;

use super::rules::is_excluded_callee;
use super::select::{Cand, Cx, Rank, Sites};

impl<'a> Cx<'a> {
    /// `self.cur_messages[-1]["content"] += "\n^C KeyboardInterrupt"`: text set into the
    /// content of a message (the subscripted object names messages).
    pub(crate) fn message_content_set<'t>(
        &self,
        key: Node<'t>,
        value: Node<'t>,
        cands: &mut Vec<Cand<'t>>,
    ) {
        let Some(sub) = key.parent().filter(|p| p.kind() == "subscript") else {
            return;
        };
        if self.name_text(key) != "content" {
            return;
        }
        let object = sub
            .child_by_field_name("value")
            .map(|o| self.t(o).to_ascii_lowercase())
            .unwrap_or_default();
        if object.contains("message") || object.contains("msg") {
            let mut found = Vec::new();
            self.emit(value, "content", false, Rank::SdkMessage, &mut found);
            // it must say something: `"\n\n{message}"` does not
            cands.extend(
                found
                    .into_iter()
                    .filter(|c| super::parts::has_words(&c.res.value, &c.res.not_own())),
            );
        }
    }

    /// Names bound to a framework module (`self.qa = dspy.Predict(QA)`), with the top-level
    /// statement that binds them (a call elsewhere in the file is not followed: windows).
    pub(crate) fn module_instances(&self, sites: &Sites) -> HashSet<(usize, String)> {
        let mut out = HashSet::new();
        for &(name, value) in &sites.bindings {
            let v = self.unwrap_value(value);
            if self.is_call(v)
                && super::sdk::makes_module(&self.callee_text(v), &self.facts.imports)
            {
                if let Some(top) = super::functions::top_of(v) {
                    out.insert((top.id(), self.name_text(name)));
                }
            }
        }
        out
    }

    /// `self.qa(question="...", context=ctx)` on a framework module: its keyword arguments.
    pub(crate) fn module_call<'t>(
        &self,
        call: Node<'t>,
        modules: &HashSet<(usize, String)>,
        cands: &mut Vec<Cand<'t>>,
    ) {
        // `dspy.Predict(Sig)(question=q)`: the module is made and called at once
        let made_here = call
            .child_by_field_name("function")
            .filter(|f| self.is_call(*f))
            .is_some_and(|f| super::sdk::makes_module(&self.callee_text(f), &self.facts.imports));
        if made_here {
            for (k, v) in self.call_args(call).1 {
                self.emit(self.unwrap_value(v), &k, false, Rank::Sdk, cands);
            }
            return;
        }
        if modules.is_empty() {
            return;
        }
        let callee = self.callee_text(call);
        let Some(name) = super::functions::own_callee(&callee) else {
            return;
        };
        let Some(top) = super::functions::top_of(call) else {
            return;
        };
        if !modules.contains(&(top.id(), name.to_string())) {
            return;
        }
        for (k, v) in self.call_args(call).1 {
            self.emit(
                self.unwrap_value(v),
                &format!("{name}.{k}"),
                false,
                Rank::Sdk,
                cands,
            );
        }
    }

    /// `combine_system_messages(s, [{"type": "text", "text": "..."}])`,
    /// `render_instructions("...")`: the text arguments of a callee named like the pattern
    /// (judged like names; a name they receive is followed as a part).
    pub(crate) fn named_callee<'t>(&self, call: Node<'t>, cands: &mut Vec<Cand<'t>>) {
        let callee = self.callee_text(call);
        let leaf = callee.rsplit('.').next().unwrap_or(&callee);
        if !super::rules::names_prompt_builder(self.rules, leaf) || is_excluded_callee(&callee) {
            return;
        }
        let (pos, kw) = self.call_args(call);
        let n0 = cands.len();
        for a in pos.into_iter().filter(|a| !self.is_dict(*a)) {
            self.walk_content(a, leaf, false, Rank::Sdk, cands, 0);
        }
        for (k, a) in kw {
            if self.rules.name_matches(&k) || matches!(k.as_str(), "content" | "text") {
                self.walk_content(a, &format!("{leaf}.{k}"), false, Rank::Sdk, cands, 0);
            }
        }
        for c in &mut cands[n0..] {
            c.rank = Rank::Callee;
        }
    }
}
