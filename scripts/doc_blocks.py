#!/usr/bin/env python3
"""Runs every fenced code block of the project's documentation as a new user would: the
README, the npm and pip packages' READMEs, and docs/*.md, each in a folder of its own that
starts empty, block after block in document order.

What each block does depends on its language (the first word after the fence):

  sh, console  Run with bash in the document's folder, or at the repository root for a block
               marked `repo` (```sh repo): commands a user runs in a clone. `console` blocks
               hold `$ command` lines, each followed by the output it must print (a line
               `...` stands for any lines). `scripts/test` is what runs this file, and is not
               run again.
  yaml         A spec: it must plan without an error or a field-unused warning. When its first
               line is a comment naming a file (`# cluster.yaml`), it is written there too.
  toml         The Cargo.toml lines of a Rust project; the following rust blocks build with
               them.
  rust         A program (its body wrapped in `fn main() -> Result<..>` when it has no main)
               built with `cargo run` in a new Cargo project that depends on the crate as
               `cargo package` packs it.
  js           An ES module, run with node.
  python       A script, run with the Python that `pip install` installed into.
  text         Output or pictures: not run (must not hold commands).

`kubectl` is a stand-in for a cluster: `kubectl api-resources -o name` lists the resources of
a cluster running Calico from its manifest, and `kubectl get TYPES -A -o json` prints the
fixture of such a cluster (tests/fixtures/clusters/calico-3.28-manifest.json) after checking
that every TYPE is one the cluster serves.

Package managers see the packages built from this repository as if published: `npm install
hybridplan` reaches a local registry that serves the packed tarball (and forwards every
other package to the real one), `pip install hybridplan` finds the built wheel
(PIP_FIND_LINKS), and a Rust project's `hybridplan = "…"` is patched to the packaged crate.

usage: doc_blocks.py [--keep] [FILE.md ...]     (default: every documentation file)
environment: HYBRIDPLAN_BIN (the CLI that checks yaml blocks, default target/release),
             HYBRIDPLAN_WHEELHOUSE (default target/py-dist), HYBRIDPLAN_NPM_TARBALL (default:
             npm pack of npm/)
"""

import base64
import hashlib
import http.server
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import urllib.request

ROOT = pathlib.Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", ROOT / "npm" / "README.md", ROOT / "bindings-python" / "README.md",
        *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```([^\n`]*)\n(.*?)^```\s*$", re.M | re.S)


class Failure(Exception):
    pass


# What `kubectl api-resources -o name` lists on a cluster that runs Calico from its manifest
# (core and apps resources it serves, and Calico's CRDs).
API_RESOURCES = [
    "bindings", "configmaps", "endpoints", "events", "namespaces", "nodes", "pods", "secrets", "services",
    "daemonsets.apps", "deployments.apps", "replicasets.apps", "statefulsets.apps",
    "bgpconfigurations.crd.projectcalico.org", "bgppeers.crd.projectcalico.org",
    "felixconfigurations.crd.projectcalico.org", "ipamblocks.crd.projectcalico.org",
    "ippools.crd.projectcalico.org", "networkpolicies.crd.projectcalico.org",
]


def kubectl_shim(work):
    """A folder holding a `kubectl` that answers as the cluster of a fixture does."""
    folder = work / "kubectl-shim"
    folder.mkdir()
    fixture = ROOT / "tests" / "fixtures" / "clusters" / "calico-3.28-manifest.json"
    script = f"""#!/usr/bin/env python3
import sys
args = sys.argv[1:]
served = {API_RESOURCES!r}
if args[:1] == ["api-resources"] and "name" in args:
    print("\\n".join(served))
elif args[:1] == ["get"] and "json" in args:
    wanted = [a for a in args[1:] if not a.startswith("-") and a != "json"][0].split(",")
    unknown = [w for w in wanted if w not in served]
    if unknown:
        sys.exit(f"error: the server doesn't have a resource type {{unknown[0]!r}}")
    print(open({str(fixture)!r}).read(), end="")
else:
    sys.exit("kubectl (documentation stand-in): only `api-resources -o name` and `get TYPES -A -o json`")
"""
    (folder / "kubectl").write_text(script)
    (folder / "kubectl").chmod(0o755)
    return folder


def blocks(path):
    """(line, language, attributes, body) of every fenced block."""
    text = path.read_text()
    for m in FENCE.finditer(text):
        line = text.count("\n", 0, m.start()) + 1
        info = m.group(1).strip().split()
        yield line, (info[0] if info else ""), info[1:], m.group(2)


# ---- the packages, as if published ---------------------------------------------------

def npm_tarball(work):
    given = os.environ.get("HYBRIDPLAN_NPM_TARBALL")
    if given:
        return pathlib.Path(given)
    out = subprocess.run(["npm", "pack", "--json", "--pack-destination", str(work)], cwd=ROOT / "npm",
                         check=True, capture_output=True, text=True).stdout
    return work / json.loads(out)[0]["filename"]


class Registry(http.server.ThreadingHTTPServer):
    """An npm registry holding one package and forwarding the rest upstream."""

    def __init__(self, tarball):
        super().__init__(("127.0.0.1", 0), RegistryHandler)
        self.tarball = tarball.read_bytes()
        manifest = json.loads(subprocess.run(
            ["tar", "-xzOf", str(tarball), "package/package.json"], check=True, capture_output=True).stdout)
        self.name, version = manifest["name"], manifest["version"]
        self.tarball_path = f"/{self.name}/-/{self.name}-{version}.tgz"
        manifest["dist"] = {
            "tarball": f"{self.url}{self.tarball_path}",
            "shasum": hashlib.sha1(self.tarball).hexdigest(),
            "integrity": "sha512-" + base64.b64encode(hashlib.sha512(self.tarball).digest()).decode(),
        }
        self.packument = json.dumps({"name": self.name, "dist-tags": {"latest": version},
                                     "versions": {version: manifest}}).encode()
        self.upstream = subprocess.run(["npm", "config", "get", "registry"], capture_output=True,
                                       text=True).stdout.strip().rstrip("/") or "https://registry.npmjs.org"

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}"


class RegistryHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        reg = self.server
        if self.path == f"/{reg.name}":
            return self.reply(200, reg.packument, "application/json")
        if self.path == reg.tarball_path:
            return self.reply(200, reg.tarball, "application/octet-stream")
        request = urllib.request.Request(reg.upstream + self.path,
                                         headers={"Accept": self.headers.get("Accept", "application/json")})
        try:
            with urllib.request.urlopen(request, timeout=120) as r:
                self.reply(r.status, r.read(), r.headers.get("Content-Type", "application/json"))
        except urllib.error.HTTPError as e:
            self.reply(e.code, e.read(), "application/json")

    def reply(self, status, body, kind):
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def packaged_crate(work):
    """The crate as `cargo package` packs it, unpacked."""
    subprocess.run(["cargo", "package", "--locked", "--no-verify", "--allow-dirty", "-p", "hybridplan",
                    "--target-dir", str(ROOT / "target" / "doc-blocks-package")],
                   cwd=ROOT, check=True, capture_output=True)
    crate = next((ROOT / "target" / "doc-blocks-package" / "package").glob("hybridplan-*.crate"))
    dest = work / "crate"
    dest.mkdir()
    subprocess.run(["tar", "-xzf", str(crate), "-C", str(dest)], check=True)
    return next(dest.iterdir())


# ---- one document ------------------------------------------------------------------

class Document:
    def __init__(self, path, work, env):
        self.path = path
        self.name = path.relative_to(ROOT)
        self.dir = work / str(self.name).replace("/", "_")
        self.dir.mkdir()
        self.env = {**env, "HOME": str(self.dir / "home")}
        (self.dir / "home").mkdir()
        self.cargo_toml = None
        self.ran = []

    def run(self, command, cwd=None):
        return subprocess.run(["bash", "-euo", "pipefail", "-c", command], cwd=cwd or self.dir, env=self.env,
                              capture_output=True, text=True, timeout=900)

    def check(self, result, what):
        if result.returncode != 0:
            raise Failure(f"{what} exited {result.returncode}\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
        return result.stdout

    def sh(self, body, where):
        commands = [c for c in body.split("\n") if c.strip() and not c.lstrip().startswith("#")]
        for command in commands:
            if re.match(r"\s*scripts/test\b", command):
                self.ran.append("scripts/test (this run)")
                continue
            self.check(self.run(command, where), f"`{command.strip()}`")
            self.ran.append(command.strip())

    def console(self, body, where):
        lines = body.rstrip("\n").split("\n")
        i = 0
        while i < len(lines):
            if not lines[i].startswith("$ "):
                raise Failure(f"console line without a `$ ` command: {lines[i]!r}")
            command = lines[i][2:]
            i += 1
            expected = []
            while i < len(lines) and not lines[i].startswith("$ "):
                expected.append(lines[i])
                i += 1
            result = self.run(command, where)
            got = (result.stdout + result.stderr).rstrip("\n").split("\n")
            if not matches(expected, got):
                raise Failure(f"`{command}` printed:\n" + "\n".join(got) + "\nbut the document shows:\n"
                              + "\n".join(expected))
            self.ran.append(command)

    def yaml(self, body, cli):
        first = body.split("\n", 1)[0]
        named = re.fullmatch(r"#\s*([\w.-]+\.ya?ml)\s*", first)
        name = named.group(1) if named else "spec-block.yaml"
        (self.dir / name).write_text(body)
        if "onPrem:" not in body:
            raise Failure("a yaml block that is not a spec (write other YAML as text)")
        out = self.run(f"{cli} plan {name} --format json")
        if out.returncode not in (0, 1):
            raise Failure(f"the spec is not readable: {out.stdout}{out.stderr}")
        plan = json.loads(out.stdout)
        bad = [f"{d['code']} at {d['path']}: {d['message']}" for d in plan["diagnostics"]
               if d["severity"] == "error" or d["code"] == "field-unused"]
        if bad:
            raise Failure("the spec does not plan cleanly:\n" + "\n".join(bad))
        if not named:
            (self.dir / name).unlink()
        self.ran.append(f"spec {name}: {plan['mode']['selected']}")

    def toml(self, body):
        self.cargo_toml = body
        self.ran.append("Cargo.toml lines")

    def rust(self, body, crate):
        if self.cargo_toml is None:
            raise Failure("a rust block before the Cargo.toml lines that say how to depend on the crate")
        project = self.dir / f"rust-{len(self.ran)}"
        (project / "src").mkdir(parents=True)
        (project / "Cargo.toml").write_text(
            '[package]\nname = "doc-block"\nversion = "0.0.0"\nedition = "2024"\npublish = false\n\n'
            + self.cargo_toml.strip() + "\n\n[patch.crates-io]\n"
            + f'hybridplan = {{ path = "{crate}" }}\n\n[workspace]\n')
        if "fn main" not in body:
            body = ("fn main() -> Result<(), Box<dyn std::error::Error>> {\n" + body + "\n    Ok(())\n}\n")
        (project / "src" / "main.rs").write_text(body)
        target = ROOT / "target" / "doc-blocks-rust"
        self.check(self.run(f"cargo run --quiet --manifest-path {project}/Cargo.toml --target-dir {target}"),
                   "the rust block")
        self.ran.append("rust program")

    def js(self, body):
        if not (self.dir / "node_modules" / "hybridplan").exists():
            raise Failure("a js block before `npm install hybridplan`")
        script = self.dir / f"block-{len(self.ran)}.mjs"
        script.write_text(body)
        self.check(self.run(f"node {script.name}"), "the js block")
        self.ran.append("js module")

    def python(self, body):
        script = self.dir / f"block-{len(self.ran)}.py"
        script.write_text(body)
        self.check(self.run(f"python {script.name}"), "the python block")
        self.ran.append("python script")


def matches(expected, got):
    """`...` in the expected lines stands for any lines (none included)."""
    if not expected:
        return True
    if expected[0] == "...":
        rest = expected[1:]
        return any(matches(rest, got[i:]) for i in range(len(got) + 1))
    return bool(got) and got[0] == expected[0] and matches(expected[1:], got[1:])


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    keep = "--keep" in sys.argv
    paths = [pathlib.Path(a).resolve() for a in args] or DOCS
    work = pathlib.Path(tempfile.mkdtemp(prefix="hybridplan-docs-"))
    bin_dir = pathlib.Path(os.environ.get("HYBRIDPLAN_BIN", ROOT / "target" / "release")).resolve()
    wheelhouse = pathlib.Path(os.environ.get("HYBRIDPLAN_WHEELHOUSE", ROOT / "target" / "py-dist")).resolve()
    if not (bin_dir / "hybridplan").exists():
        sys.exit(f"doc_blocks: no hybridplan binary in {bin_dir}: cargo build --release -p hybridplan-cli")
    if not list(wheelhouse.glob("hybridplan-*.whl")):
        sys.exit(f"doc_blocks: no wheel in {wheelhouse}: python -m build --outdir {wheelhouse} bindings-python")
    shims = kubectl_shim(work)
    registry = Registry(npm_tarball(work))
    threading.Thread(target=registry.serve_forever, daemon=True).start()
    crate = packaged_crate(work)
    # Each document gets a virtual environment of its own for `pip install` and `python`.
    failures = 0
    try:
        for path in paths:
            venv = work / f"venv-{path.stem}-{abs(hash(str(path)))}"
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
            installed = work / f"cargo-install-{path.stem}"
            env = {
                **os.environ,
                # What the document installs comes first; the CLI is on the PATH only once
                # the document has installed it (`cargo install --path cli`).
                "PATH": f"{shims}:{venv / 'bin'}:{installed / 'bin'}:{os.environ['PATH']}",
                "CARGO_INSTALL_ROOT": str(installed),
                # The workspace's build folder: installing the CLI reuses the release build.
                "CARGO_TARGET_DIR": str(ROOT / "target"),
                "VIRTUAL_ENV": str(venv),
                "npm_config_registry": registry.url + "/",
                "npm_config_audit": "false", "npm_config_fund": "false", "npm_config_update_notifier": "false",
                "PIP_FIND_LINKS": f"{wheelhouse} {os.environ.get('PIP_FIND_LINKS', '')}".strip(),
                "PIP_DISABLE_PIP_VERSION_CHECK": "1",
                "CARGO_HOME": os.environ.get("CARGO_HOME", str(pathlib.Path.home() / ".cargo")),
                "RUSTUP_HOME": os.environ.get("RUSTUP_HOME", str(pathlib.Path.home() / ".rustup")),
            }
            doc = Document(path, work, env)
            for line, language, attributes, body in blocks(path):
                where = f"{doc.name}:{line}"
                cwd = ROOT if "repo" in attributes else doc.dir
                try:
                    if language in ("sh", "bash", "shell"):
                        doc.sh(body, cwd)
                    elif language == "console":
                        doc.console(body, cwd)
                    elif language in ("yaml", "yml"):
                        doc.yaml(body, bin_dir / "hybridplan")
                    elif language == "toml":
                        doc.toml(body)
                    elif language == "rust":
                        doc.rust(body, crate)
                    elif language in ("js", "javascript"):
                        doc.js(body)
                    elif language == "python":
                        doc.python(body)
                    elif language == "text":
                        if re.search(r"^\s*\$ ", body, re.M):
                            raise Failure("a text block holding commands: make it console or sh")
                    else:
                        raise Failure(f"a block in `{language or '(no language)'}`, which this runner cannot run")
                    print(f"ok    {where} {language}")
                except Failure as e:
                    failures += 1
                    print(f"FAIL  {where} {language}: {e}")
    finally:
        registry.shutdown()
        if keep:
            print(f"doc_blocks: kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    total = sum(1 for p in paths for _ in blocks(p))
    print(f"doc_blocks: {total - failures} of {total} blocks ran as written in {len(paths)} documents")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
