//! The server's session behaviour as a client sees it: commands behind the code lens, the
//! first analysis waiting for the client's settings, config files re-read without file
//! watching, and how an invalid config is reported.

use serde_json::{json, Value};

use crate::common::{o200k, utf16_caps, Client};

fn all_lines() -> Value {
    json!({"start": {"line": 0, "character": 0}, "end": {"line": 99, "character": 0}})
}

#[tokio::test]
async fn the_lens_command_runs_in_the_server_unless_the_client_has_it() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = Client::start().await;
    let init = c.initialize(utf16_caps(), Value::Null, dir.path()).await;
    let cmds = &init["result"]["capabilities"]["executeCommandProvider"]["commands"];
    assert_eq!(cmds, &json!(["promptcost.showModels"]));
    let uri = c
        .open(&dir.path().join("AGENTS.md"), "# Rules\nBe brief.\n")
        .await;
    let lens = c.code_lens(&uri).await;
    let command = &lens["result"][0]["command"];
    assert_eq!(command["command"], "promptcost.showModels");
    let r = c
        .request(
            "workspace/executeCommand",
            json!({"command": command["command"], "arguments": command["arguments"]}),
        )
        .await;
    assert!(r.get("error").is_none(), "{r}");
    assert!(!r["result"]["models"].as_array().unwrap().is_empty());
    let configured = r["result"]["configured"].as_array().unwrap();
    assert!(!configured.is_empty());
    let shown = c.wait_for("window/showMessage", |_| true).await;
    let text = shown["params"]["message"].as_str().unwrap();
    assert!(text.contains("AGENTS.md"), "{text}");
    assert!(
        text.contains(&format!("{} (primary)", configured[0].as_str().unwrap())),
        "{text}"
    );
    let bad = c
        .request(
            "workspace/executeCommand",
            json!({"command": "promptcost.nope"}),
        )
        .await;
    assert!(bad.get("error").is_some(), "{bad}");
    c.shutdown().await;

    // A client that runs the command itself (the VS Code extension) keeps its own.
    let mut c = Client::start().await;
    let init = c
        .initialize(
            utf16_caps(),
            json!({"clientCommands": ["promptcost.showModels"]}),
            dir.path(),
        )
        .await;
    assert!(
        init["result"]["capabilities"]
            .get("executeCommandProvider")
            .is_none(),
        "{init}"
    );
    c.shutdown().await;
}

#[tokio::test]
async fn the_first_hints_are_priced_in_the_clients_models() {
    let dir = tempfile::tempdir().unwrap();
    let text = "# Rules\nBe brief and kind.\n";
    for _ in 0..5 {
        let mut c = Client::start().await;
        c.settings = json!({"models": ["gpt-4.1-mini"]});
        // Initialize, then open and ask at once: the server has not had the settings yet
        // (the client answers `workspace/configuration` only once it reads again).
        let root_uri = format!("file://{}", dir.path().display());
        let uri = format!("file://{}", dir.path().join("AGENTS.md").display());
        let init = c
            .request(
                "initialize",
                json!({"processId": null, "rootUri": root_uri, "capabilities": utf16_caps()}),
            )
            .await;
        assert!(init.get("result").is_some());
        c.send_many(&[
            json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
            json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": uri, "languageId": "markdown", "version": 1, "text": text}}}),
        ])
        .await;
        let r = c
            .request(
                "textDocument/inlayHint",
                json!({"textDocument": {"uri": uri}, "range": all_lines()}),
            )
            .await;
        let hints = r["result"].as_array().unwrap_or_else(|| panic!("{r}"));
        assert_eq!(hints.len(), 1, "{r}");
        let tooltip = hints[0]["tooltip"]
            .as_str()
            .unwrap_or_else(|| panic!("{r}"));
        assert!(tooltip.starts_with("gpt-4.1-mini"), "{tooltip}");
        let section = "# Rules\nBe brief and kind.\n";
        assert!(hints[0]["label"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{} tok", o200k(section))));
        c.shutdown().await;
    }
}

#[tokio::test]
async fn a_broken_config_is_shown_once_and_a_fix_on_disk_is_picked_up_without_watching() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("promptcost.toml");
    std::fs::write(&cfg, "budget = 2\nmodels = [\"gpt4o\"]\n").unwrap();
    let mut c = Client::start().await;
    // utf16_caps() offers no didChangeWatchedFiles registration: the server must look itself.
    c.initialize(utf16_caps(), Value::Null, dir.path()).await;
    let uri = c
        .open(&dir.path().join("CLAUDE.md"), "# Hi\nhello there\n")
        .await;
    let shown = c.wait_for("window/showMessage", |_| true).await;
    let msg = shown["params"]["message"].as_str().unwrap();
    assert!(msg.contains(&cfg.display().to_string()), "{msg}");
    assert!(msg.contains("default settings"), "{msg}");
    assert_eq!(shown["params"]["type"], 1);
    let b = c
        .open(&dir.path().join("b.prompt"), "another prompt\n")
        .await;
    let _ = c.diagnostics(&b, 1).await;

    // Fixed on disk; no notification at all. The next request sees it.
    std::fs::write(&cfg, "budget = 2\nmodels = [\"gpt-4o\"]\n").unwrap();
    let later = std::time::SystemTime::now() + std::time::Duration::from_secs(5);
    std::fs::File::options()
        .write(true)
        .open(&cfg)
        .unwrap()
        .set_modified(later)
        .unwrap();
    let r = c.code_lens(&uri).await;
    let title = r["result"][0]["command"]["title"]
        .as_str()
        .unwrap()
        .to_string();
    let tokens = o200k("# Hi\nhello there\n");
    assert!(title.starts_with(&format!("{tokens} tokens")), "{title}");
    assert!(
        title.contains("gpt-4o · ") && title.ends_with("budget 2 ⚠"),
        "{title}"
    );
    let cfg_uri = format!("file://{}", cfg.display());
    c.wait_for("textDocument/publishDiagnostics", |p| {
        p["uri"] == cfg_uri.as_str() && p["diagnostics"].as_array().unwrap().is_empty()
    })
    .await;
    // The broken file was reported once, not once per open document.
    assert!(
        !c.notifications
            .iter()
            .any(|n| n["method"] == "window/showMessage"),
        "{:?}",
        c.notifications
    );
    c.shutdown().await;
}

#[tokio::test]
async fn a_source_file_has_one_lens_above_its_first_prompt_and_none_without_prompts() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = Client::start().await;
    c.settings = json!({"models": ["gpt-4o"]});
    c.initialize(utf16_caps(), Value::Null, dir.path()).await;
    let literal = "You are a support agent for Acme. Answer briefly and kindly.";
    let src = format!("import os\n\nSYSTEM_PROMPT = \"{literal}\"\n\nprint(os.getcwd())\n");
    let uri = format!("file://{}", dir.path().join("app.py").display());
    c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": src}}),
    )
    .await;
    let r = c.code_lens(&uri).await;
    let lenses = r["result"].as_array().unwrap();
    assert_eq!(lenses.len(), 1, "{r}");
    assert_eq!(lenses[0]["range"]["start"]["line"], 2);
    let title = lenses[0]["command"]["title"].as_str().unwrap();
    assert!(
        title.starts_with(&format!("{} tokens", o200k(literal))),
        "{title}"
    );

    let plain = format!("file://{}", dir.path().join("util.py").display());
    c.notify("textDocument/didOpen", json!({"textDocument": {"uri": plain, "languageId": "python", "version": 1, "text": "def add(a, b):\n    return a + b\n"}})).await;
    let r = c.code_lens(&plain).await;
    assert!(
        r["result"].is_null() || r["result"].as_array().unwrap().is_empty(),
        "{r}"
    );
    c.shutdown().await;
}
