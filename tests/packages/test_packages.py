"""The release packages (scripts/package.sh writes them to target/dist/) and the GitHub Action.

- the platform VSIX holds the release binary at extension/bin/promptcost, executable, and it
  runs and reports the crate's version;
- the wheel installs into a fresh venv and `promptcost check examples` works from it, with the
  same report as the freshly built binary;
- scripts/action.sh (the action's steps) on fixture repositories: growth against the base of a
  pull request in a shallow clone, SARIF, the job summary, outputs, exit codes; and its install
  step from the wheel;
- action.yml, the release workflow and the mason.nvim spec agree with the script and with the
  file names package.sh produces.

Run after scripts/package.sh (scripts/test.sh does both):
    .venv/bin/python -m pytest tests/packages
The packages must exist: a missing one fails (it is never skipped).
"""

from __future__ import annotations

import json
import os
import pathlib
import platform
import re
import subprocess
import sys
import tarfile
import zipfile

import pytest
import yaml

REPO = pathlib.Path(__file__).resolve().parents[2]
DIST = REPO / "target" / "dist"
VERSION = re.search(r'^version = "(.+)"$', (REPO / "Cargo.toml").read_text(), re.M).group(1)
PROMPTCOST_BIN = pathlib.Path(os.environ.get("PROMPTCOST_BIN") or REPO / "target" / "debug" / "promptcost")
ACTION = REPO / "scripts" / "action.sh"
HOST = {("Linux", "x86_64"): ("linux-x64", "x86_64-unknown-linux-gnu")}.get((platform.system(), platform.machine()))


def dist_file(name: str) -> pathlib.Path:
    p = DIST / name
    assert p.is_file(), f"{p} not found: run scripts/package.sh first"
    return p


def run(cmd, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=300, **kw)


@pytest.fixture(scope="module")
def host():
    if HOST is None:
        pytest.skip(f"package tests are written for linux-x64 (this is {platform.system()} {platform.machine()})")
    return HOST


def test_vsix_bundles_an_executable_server(host, tmp_path):
    vsce_target, _ = host
    vsix = dist_file(f"promptcost-{vsce_target}-{VERSION}.vsix")
    with zipfile.ZipFile(vsix) as z:
        names = set(z.namelist())
        info = z.getinfo("extension/bin/promptcost")
        mode = info.external_attr >> 16
        assert mode & 0o111 == 0o111, f"extension/bin/promptcost mode {oct(mode)}: not executable"
        manifest = z.read("extension.vsixmanifest").decode()
        pkg = json.loads(z.read("extension/package.json"))
        z.extract(info, tmp_path)
    assert f'TargetPlatform="{vsce_target}"' in manifest, "a platform-specific VSIX"
    assert pkg["version"] == VERSION
    assert "extension/dist/extension.js" in names
    assert not [n for n in names if "/node_modules/" in n or n.startswith("extension/src/")], "only the bundle ships"
    exe = tmp_path / "extension" / "bin" / "promptcost"
    exe.chmod(mode & 0o777)
    proc = run([exe, "--version"])
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"promptcost {VERSION}"
    # the bundled server answers like the built one
    sample = REPO / "examples" / "prompts" / "support.md"
    bundled = json.loads(run([exe, "count", "--model", "gpt-4o", "--json", sample]).stdout)
    built = json.loads(run([PROMPTCOST_BIN, "count", "--model", "gpt-4o", "--json", sample]).stdout)
    assert bundled["models"] == built["models"]


def test_archive_and_checksums(host, tmp_path):
    _, triple = host
    name = f"promptcost-{VERSION}-{triple}.tar.gz"
    archive = dist_file(name)
    with tarfile.open(archive) as t:
        members = {m.name: m for m in t.getmembers()}
        assert set(members) == {"promptcost", "README.md", "LICENSE"}
        assert members["promptcost"].mode & 0o111 == 0o111
        t.extractall(tmp_path, filter="tar")
    assert run([tmp_path / "promptcost", "--version"]).stdout.strip() == f"promptcost {VERSION}"
    sums = dict(reversed(l.split()) for l in dist_file(f"SHA256SUMS-{triple}").read_text().splitlines())
    import hashlib

    assert sums[name] == hashlib.sha256(archive.read_bytes()).hexdigest()
    vsix = f"promptcost-{host[0]}-{VERSION}.vsix"
    assert sums[vsix] == hashlib.sha256(dist_file(vsix).read_bytes()).hexdigest()


def wheel(host) -> pathlib.Path:
    found = sorted(DIST.glob(f"promptcost_cli-{VERSION}-py3-none-*.whl"))
    found = [w for w in found if "x86_64" in w.name and "linux" in w.name]
    assert len(found) == 1, f"one linux x86_64 wheel expected in {DIST}, found {[w.name for w in found]}: run scripts/package.sh"
    return found[0]


def test_wheel_in_a_fresh_venv(host, tmp_path):
    whl = wheel(host)
    with zipfile.ZipFile(whl) as z:
        names = z.namelist()
        meta = z.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert f"promptcost_cli-{VERSION}.data/scripts/promptcost" in names, names
    assert "Name: promptcost-cli" in meta and f"Version: {VERSION}" in meta
    venv = tmp_path / "venv"
    assert run([sys.executable, "-m", "venv", venv]).returncode == 0
    pip = run([venv / "bin" / "python", "-m", "pip", "install", "--no-index", "--disable-pip-version-check", whl])
    assert pip.returncode == 0, pip.stdout + pip.stderr
    exe = venv / "bin" / "promptcost"
    assert run([exe, "--version"]).stdout.strip() == f"promptcost {VERSION}"
    # The README's first command, from the wheel: exits 1 (one example section is over budget),
    # with the report of the freshly built binary.
    env = {**os.environ, "PATH": f"{venv / 'bin'}:/usr/bin:/bin", "NO_COLOR": "1"}
    from_wheel = run(["promptcost", "check", "examples"], cwd=REPO, env=env)
    built = run([PROMPTCOST_BIN, "check", "examples"], cwd=REPO, env=env)
    assert from_wheel.returncode == 1, from_wheel.stderr
    assert "examples/prompts/support.md" in from_wheel.stdout
    assert (from_wheel.returncode, from_wheel.stdout) == (built.returncode, built.stdout)


# ---- the GitHub Action ------------------------------------------------------------------------


def git(cwd, *args):
    proc = run(["git", "-c", "user.email=ci@example.com", "-c", "user.name=ci", "-c", "init.defaultBranch=main", *args], cwd=cwd)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def fixture_pull_request(tmp_path: pathlib.Path) -> pathlib.Path:
    """origin.git with `main` and a `feature` branch that grows a prompt; returns a shallow
    clone of `feature` (as actions/checkout makes it: no origin/main)."""
    src = tmp_path / "src"
    (src / "prompts").mkdir(parents=True)
    git(tmp_path, "init", "-q", str(src))
    (src / "promptcost.toml").write_text('models = ["gpt-4o"]\n')
    (src / "prompts" / "support.md").write_text("# Agent\nYou help customers.\n\n## Tools\nUse the status page.\n")
    (src / "AGENTS.md").write_text("Run the tests before you commit.\n")
    git(src, "add", "-A")
    git(src, "commit", "-qm", "base")
    git(src, "checkout", "-qb", "feature")
    (src / "prompts" / "support.md").write_text(
        "# Agent\nYou help customers of Acme Cloud with deployments, billing and outages, politely.\n\n## Tools\nUse the status page.\n"
    )
    git(src, "commit", "-qam", "grow the agent prompt")
    git(tmp_path, "clone", "-q", "--bare", str(src), str(tmp_path / "origin.git"))
    git(tmp_path, "clone", "-q", "--depth", "1", "--branch", "feature", (tmp_path / "origin.git").as_uri(), str(tmp_path / "work"))
    work = tmp_path / "work"
    assert run(["git", "rev-parse", "--verify", "-q", "origin/main"], cwd=work).returncode != 0, "a shallow single-branch clone"
    return work


def action_env(tmp_path: pathlib.Path, bindir: pathlib.Path, **inputs: str) -> dict:
    runner = tmp_path / "runner"
    runner.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INPUT_", "GITHUB_"))}
    env.update(
        PATH=f"{bindir}:/usr/bin:/bin",
        NO_COLOR="1",
        RUNNER_TEMP=str(runner),
        GITHUB_STEP_SUMMARY=str(runner / "summary.md"),
        GITHUB_OUTPUT=str(runner / "output"),
        GITHUB_PATH=str(runner / "path"),
    )
    env.update({"INPUT_" + k.upper(): v for k, v in inputs.items()})
    return env


def outputs(env: dict) -> dict:
    p = pathlib.Path(env["GITHUB_OUTPUT"])
    return dict(l.split("=", 1) for l in p.read_text().splitlines()) if p.exists() else {}


def test_action_check_on_a_pull_request(tmp_path):
    work = fixture_pull_request(tmp_path)
    # "10%:0": no token floor, the fixture's prompts are small.
    env = action_env(
        tmp_path, PROMPTCOST_BIN.parent, install="none", max_growth="10%:0", format="github"
    ) | {"GITHUB_EVENT_NAME": "pull_request", "GITHUB_BASE_REF": "main"}
    proc = run(["bash", ACTION, "check"], cwd=work, env=env)
    assert proc.returncode == 1, f"growth over 10% fails the check\n{proc.stdout}\n{proc.stderr}"
    # the base branch was fetched into the shallow clone and compared with
    assert run(["git", "rev-parse", "--verify", "-q", "origin/main"], cwd=work).returncode == 0
    expected = json.loads(run([PROMPTCOST_BIN, "check", "--base", "origin/main", "--format", "json"], cwd=work).stdout)
    grown = next(p for p in expected["prompts"] if p["path"] == "prompts/support.md" and p["kind"] == "file")
    change = grown["base"]["change"]
    assert change > 0
    # the log: workflow annotations on the grown file
    assert re.search(r"^::(warning|error) file=prompts/support\.md,line=\d+.*grew by " + re.escape(f"{change:,}"), proc.stdout, re.M), proc.stdout
    # the job summary: the Markdown report with the growth
    summary = pathlib.Path(env["GITHUB_STEP_SUMMARY"]).read_text()
    assert "`prompts/support.md`" in summary and f"+{change:,}" in summary and "origin/main" in summary, summary
    # SARIF, named in the step outputs for the upload step
    out = outputs(env)
    assert out["exit-code"] == "1"
    sarif = json.loads(pathlib.Path(out["sarif-file"]).read_text())
    assert sarif["version"] == "2.1.0"
    results = sarif["runs"][0]["results"]
    assert any(r["ruleId"] == "PC1003" and "prompts/support.md" in json.dumps(r["locations"]) for r in results), results


def test_action_check_inputs_and_errors(tmp_path):
    work = fixture_pull_request(tmp_path)
    # a budget below the file's tokens, no base (not a pull request), human log, no SARIF
    env = action_env(tmp_path, PROMPTCOST_BIN.parent, install="none", budget="5", models="gpt-4o, gpt-4.1", format="human", sarif="false")
    proc = run(["bash", ACTION, "check"], cwd=work, env=env)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "gpt-4.1" in proc.stdout and "::" not in proc.stdout
    out = outputs(env)
    assert out == {"exit-code": "1"}, "no sarif-file output when sarif is off"
    summary = pathlib.Path(env["GITHUB_STEP_SUMMARY"]).read_text()
    assert re.search(r"^\| `AGENTS\.md` \|.*\| 5 \|.*over budget", summary, re.M), summary
    # within budget: exit 0
    env = action_env(tmp_path / "ok", PROMPTCOST_BIN.parent, install="none", paths="AGENTS.md")
    assert run(["bash", ACTION, "check"], cwd=work, env=env).returncode == 0
    # an unknown model is a usage error: exit 2, said in the summary, no SARIF written
    env = action_env(tmp_path / "bad", PROMPTCOST_BIN.parent, install="none", models="gpt4o")
    proc = run(["bash", ACTION, "check"], cwd=work, env=env)
    assert proc.returncode == 2
    assert "did you mean" in proc.stderr
    assert "failed" in pathlib.Path(env["GITHUB_STEP_SUMMARY"]).read_text()
    assert "sarif-file" not in outputs(env)


def test_action_cache_and_shard(tmp_path):
    work = fixture_pull_request(tmp_path)
    cache = tmp_path / "cache"
    env = action_env(tmp_path, PROMPTCOST_BIN.parent, install="none", format="json", sarif="false", cache=str(cache))
    proc = run(["bash", ACTION, "check"], cwd=work, env=env)
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr
    whole = json.loads(proc.stdout)
    assert any(cache.rglob("*")), "the counts were cached in the given directory"
    # the same report from the cache
    again = run(["bash", ACTION, "check"], cwd=work, env=env)
    assert json.loads(again.stdout)["prompts"] == whole["prompts"]
    # two shards cover the files once between them
    seen = []
    for i in (1, 2):
        env = action_env(tmp_path / f"s{i}", PROMPTCOST_BIN.parent, install="none", format="json", sarif="false", shard=f"{i}/2")
        proc = run(["bash", ACTION, "check"], cwd=work, env=env)
        assert proc.returncode in (0, 1), proc.stdout + proc.stderr
        seen += [p["path"] for p in json.loads(proc.stdout)["prompts"] if p["kind"] == "file"]
    assert sorted(seen) == sorted(p["path"] for p in whole["prompts"] if p["kind"] == "file")
    # without a cache input the runner's temporary directory holds it
    assert any((tmp_path / "s1" / "runner" / "promptcost-cache").rglob("*"))


def test_action_install_from_the_wheel(host, tmp_path):
    env = action_env(tmp_path, pathlib.Path("/nonexistent"), install="pip", package=str(wheel(host)))
    env["PATH"] = f"{pathlib.Path(sys.executable).parent}:/usr/bin:/bin"
    proc = run(["bash", ACTION, "install"], env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.strip().endswith(f"promptcost {VERSION}")
    added = pathlib.Path(env["GITHUB_PATH"]).read_text().split()
    assert len(added) == 1 and (pathlib.Path(added[0]) / "promptcost").is_file()
    assert pathlib.Path(added[0]).is_relative_to(tmp_path / "runner"), "installed under RUNNER_TEMP"


def test_action_yml_passes_every_input_the_script_reads():
    action = yaml.safe_load((REPO / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    script = ACTION.read_text()
    read = set(re.findall(r"INPUT_([A-Z_]+)", script)) - {"PACKAGE"}  # PACKAGE: tests only
    passed = set()
    for step in action["runs"]["steps"]:
        for k, v in (step.get("env") or {}).items():
            m = re.fullmatch(r"\$\{\{ inputs\.([a-z-]+) \}\}", v)
            assert m and m.group(1) in action["inputs"], f"{k}: {v}"
            assert k == "INPUT_" + m.group(1).upper().replace("-", "_")
            passed.add(k[len("INPUT_") :])
    assert read == passed, f"read by the script {sorted(read)}, passed by action.yml {sorted(passed)}"
    assert {s.get("uses", "").split("@")[0] for s in action["runs"]["steps"]} >= {"github/codeql-action/upload-sarif"}


def release_triples() -> list[str]:
    wf = yaml.safe_load((REPO / ".github" / "workflows" / "release.yml").read_text())
    return [e["target"] for e in wf["jobs"]["build"]["strategy"]["matrix"]["include"]]


def test_release_workflow_and_mason_spec_name_the_same_assets(host):
    triples = release_triples()
    assert set(triples) == {
        "x86_64-unknown-linux-gnu",
        "aarch64-unknown-linux-gnu",
        "x86_64-apple-darwin",
        "aarch64-apple-darwin",
        "x86_64-pc-windows-msvc",
    }
    spec = yaml.safe_load((REPO / "editors" / "mason" / "package.yaml").read_text())
    assert spec["source"]["id"] == f"pkg:github/promptcost/promptcost@v{VERSION}"
    files = {a["file"].replace("{{ version | strip_prefix \"v\" }}", VERSION) for a in spec["source"]["asset"]}
    archives = {f"promptcost-{VERSION}-{t}." + ("zip" if "windows" in t else "tar.gz") for t in triples}
    assert files == archives
    # the archive package.sh made here is one of them, by name
    assert f"promptcost-{VERSION}-{host[1]}.tar.gz" in {p.name for p in DIST.iterdir()} & archives
