"""The examples of README.md and docs/*.md, run by pytest through Sybil.

The repository's root ``conftest.py`` hands pytest the hooks below, and pyproject's
``testpaths`` names README.md and docs/, so the plain ``pytest`` CI runs collects every code
block of those files as a test (one per block; a page's blocks share one namespace and run
in order, on one xdist worker):

* ``python`` blocks run as written.  A block that defines top-level ``test_*`` functions is
  a test module: it is saved to a file and run by pytest in a subprocess (it must pass).
  A block whose first line is ``# file: NAME.py`` is saved as that module in the page's
  working directory (on ``sys.path``, the shell's current directory) for later blocks.
  ``<!-- invisible-code-block: python ... -->`` comments run the same way, unseen.
* ``console`` blocks are shell sessions: each ``$ `` line runs in bash (a page's sessions
  share their variables) and what follows it, up to the next prompt, is its expected
  output (doctest's rules: ``...`` matches anything; no lines: not checked).
* Examples talk to a server at ``http://127.0.0.1:4566`` (WebSocket ``:4510``), as written
  for readers; here that address is rewritten to a ``mockgw serve`` the session starts on
  free ports (the first time a page asks for it; reset once per page).
* ``json`` blocks must parse; ``sh`` blocks are commands that are shown, not run (servers,
  Docker, Terraform, installs), but every ``mockgw`` command line in one must parse with
  mockgw's own CLI parser and its ``MOCKGW_*`` variables with :class:`Settings`.
* ``hcl`` blocks include real files (``--8<--``), or must pass ``terraform fmt -check``
  when the ``terraform`` CLI is installed.  ``yaml``, ``js`` and ``text`` blocks are not
  run: the compose file is included from the real file.  A block of any other language,
  or none, fails.

Each page runs with no AWS variables and no AWS config files, as on a clean machine, in a
directory of its own (the current directory of its Python blocks and shell sessions).
"""

from __future__ import annotations

import doctest
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sybil import Document, Example, Region, Sybil
from sybil.evaluators.python import pad
from sybil.parsers.markdown import CodeBlockParser, SkipParser
from sybil.parsers.markdown.lexers import FencedCodeBlockLexer

from mockgw.testing import ServerProcess

ROOT = Path(__file__).resolve().parent.parent
#: Languages a code block may have; the guard refuses any other (and blocks without one).
KNOWN = ("python", "console", "sh", "json", "yaml", "hcl", "js", "text")
#: The addresses examples are written with, as a reader's ``mockgw serve`` listens.
DEFAULT_HTTP, DEFAULT_WS = "4566", "4510"
TIMEOUT = 180


class DocsServer:
    """A ``mockgw serve`` for the examples, started the first time a page needs one."""

    def __init__(self) -> None:
        self.process: ServerProcess | None = None
        self.port = self.websocket_port = ""

    def start(self) -> None:
        if self.process is None:
            self.process = ServerProcess().start()
            assert self.process.url is not None
            self.port = self.process.url.rsplit(":", 1)[1]
            health = json.loads(_get(f"{self.process.url}/_mockgw/health"))
            self.websocket_port = health["websocket_url"].rsplit(":", 1)[1]

    def localize(self, text: str, namespace: dict[str, Any]) -> str:
        """``text`` with the default addresses turned into this server's (started, and
        reset once for the page, when ``text`` names one)."""
        if not re.search(rf"(127\.0\.0\.1|localhost):({DEFAULT_HTTP}|{DEFAULT_WS})\b", text):
            return text
        self.start()
        if not namespace.get("_docs_server_reset"):
            assert self.process is not None
            self.process.reset()
            namespace["_docs_server_reset"] = True
        text = re.sub(rf"(127\.0\.0\.1|localhost):{DEFAULT_HTTP}\b", rf"\1:{self.port}", text)
        return re.sub(rf"(127\.0\.0\.1|localhost):{DEFAULT_WS}\b", rf"\1:{self.websocket_port}",
                      text)

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()
            self.process = None


def _get(url: str) -> str:
    import requests

    answer = requests.get(url, timeout=10)
    answer.raise_for_status()
    return answer.text


@pytest.fixture(scope="session")
def docs_server() -> Iterator[DocsServer]:
    server = DocsServer()
    yield server
    server.stop()


# --- the page's environment ----------------------------------------------------------------

def setup(namespace: dict[str, Any]) -> None:
    """Before a page: no AWS variables or config files (kept to restore afterwards)."""
    saved = {name: value for name, value in os.environ.items() if name.startswith("AWS_")}
    for name in saved:
        del os.environ[name]
    empty = tempfile.mkdtemp(prefix="mockgw-docs-")
    os.environ["AWS_CONFIG_FILE"] = os.environ["AWS_SHARED_CREDENTIALS_FILE"] = \
        os.path.join(empty, "none")
    namespace["_saved_environ"] = saved
    namespace["_workdir"] = empty
    namespace["_saved_cwd"] = os.getcwd()
    os.chdir(empty)  # files an example writes land in the page's directory
    sys.path.insert(0, empty)
    namespace["_shell_env"] = {**os.environ,
                               "PATH": f"{Path(sys.executable).parent}{os.pathsep}"
                                       f"{os.environ.get('PATH', '')}",
                               "PYTHONPATH": os.pathsep.join(filter(None, [
                                   empty, os.environ.get("PYTHONPATH")]))}


def teardown(namespace: dict[str, Any]) -> None:
    """After a page: mocks its invisible blocks started are stopped, the environment is
    restored."""
    from mockgw import mock
    from mockgw.mock import mock_apigateway

    for value in list(namespace.values()):
        while isinstance(value, mock_apigateway) and value._instances:
            value.stop()
    left = list(mock._active)
    if left:  # a page's mock no name holds any more: stopped so later pages start clean
        with mock._lock:
            mock._active.clear()
            mock._uninstall()
        for instance in left:
            instance.close()
    if "_saved_cwd" in namespace:
        os.chdir(namespace["_saved_cwd"])
    if namespace.get("_workdir") in sys.path:
        sys.path.remove(namespace["_workdir"])
    if "_workdir" in namespace:
        shutil.rmtree(namespace["_workdir"], ignore_errors=True)
    for name in [name for name in os.environ if name.startswith("AWS_")]:
        del os.environ[name]
    os.environ.update(namespace.get("_saved_environ", {}))


# --- evaluators ------------------------------------------------------------------------------

def run_python(example: Example) -> None:
    """A ``python`` block: run in the page's namespace (line numbers as in the page), or
    as a pytest module."""
    __tracebackhide__ = True
    server: DocsServer = example.namespace["docs_server"]
    source = server.localize(str(example.parsed), example.namespace)
    named = re.match(r"# file: (\S+\.py)\n", source)
    if named:
        (Path(example.namespace["_workdir"]) / named.group(1)).write_text(source)
        return
    if re.search(r"^def test_", source, re.MULTILINE):
        run_as_pytest_module(example, source)
        return
    code = compile(pad(source, example.line + example.parsed.line_offset), str(example.path),
                   "exec", dont_inherit=True)
    exec(code, example.namespace)
    example.namespace.pop("__builtins__", None)


def run_as_pytest_module(example: Example, source: str) -> None:
    workdir = Path(example.namespace["_workdir"])
    module = workdir / f"test_example_line_{example.line}.py"
    module.write_text(source)
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(module)],
        cwd=workdir, env=example.namespace["_shell_env"], capture_output=True, text=True,
        timeout=TIMEOUT, check=False)
    tests = len(re.findall(r"^\s*(?:async )?def test_", source, re.MULTILINE))
    if done.returncode != 0 or not re.search(rf"\b{tests} passed\b", done.stdout):
        raise AssertionError(f"the example's {tests} test(s) did not all pass:\n"
                             f"{done.stdout}{done.stderr}")


def console_commands(source: str) -> list[tuple[str, str]]:
    """The ``$ `` commands of a shell session (continuation lines, after a ``\\`` or with a
    ``> `` prompt, joined) with the output written under each."""
    commands: list[tuple[str, str]] = []
    lines = source.splitlines()
    index = 0
    while index < len(lines):
        line = lines[index]
        if not line.startswith("$ "):
            if commands:
                command, output = commands[-1]
                commands[-1] = (command, output + line + "\n")
            elif line.strip():
                raise ValueError(f"a console block must start with a '$ ' prompt: {line!r}")
            index += 1
            continue
        command = line[2:]
        while index + 1 < len(lines) and (command.endswith("\\")
                                          or lines[index + 1].startswith("> ")):
            index += 1
            following = lines[index]
            command += "\n" + (following[2:] if following.startswith("> ") else following)
        commands.append((command, ""))
        index += 1
    return commands


def run_console(example: Example) -> None:
    """A ``console`` block: its commands in one bash, each output compared with the text
    under it."""
    __tracebackhide__ = True
    server: DocsServer = example.namespace["docs_server"]
    commands = console_commands(server.localize(str(example.parsed), example.namespace))
    marker = "__mockgw_docs_marker__"
    script = ["set -euo pipefail -a"]
    for command, _ in commands:
        script += [command, f"printf '\\n{marker}\\n'"]
    script.append("env -0")
    done = subprocess.run(["bash", "-c", "\n".join(script)], cwd=example.namespace["_workdir"],
                          env=example.namespace["_shell_env"], capture_output=True,
                          timeout=TIMEOUT, check=False)
    stdout = done.stdout.decode("utf-8", "replace")
    outputs = stdout.split(f"\n{marker}\n")
    if done.returncode != 0:
        failed = commands[len(outputs) - 1][0] if len(outputs) <= len(commands) else "?"
        raise AssertionError(f"exit status {done.returncode} from: {failed}\n"
                             f"output: {outputs[-1]}\nstderr: {done.stderr.decode()}")
    environ = outputs[-1]
    example.namespace["_shell_env"] = dict(
        item.split("=", 1) for item in environ.split("\0") if "=" in item)
    checker = doctest.OutputChecker()
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    for (command, want), got in zip(commands, outputs, strict=False):
        if want.strip() and not checker.check_output(want.strip() + "\n", got.strip() + "\n",
                                                     flags):
            raise AssertionError(f"$ {command}\nexpected:\n{want}got:\n{got}")


def check_json(example: Example) -> None:
    json.loads(str(example.parsed))


def check_shell(example: Example) -> None:
    """A ``sh`` block is not run; its ``mockgw`` command lines must parse."""
    from mockgw import cli
    from mockgw.settings import SettingError, Settings

    for line in logical_lines(str(example.parsed)):
        words = shlex.split(line, comments=True)
        environ = {}
        while words and re.match(r"^[A-Z_][A-Z0-9_]*=", words[0]):
            name, value = words.pop(0).split("=", 1)
            environ[name] = value
        if words[:3] == ["python", "-m", "mockgw"]:
            words = ["mockgw", *words[3:]]
        if not words or words[0] != "mockgw":
            continue
        try:
            Settings.from_env({k: v for k, v in environ.items() if k.startswith("MOCKGW_")})
        except SettingError as error:
            raise AssertionError(f"{line}: {error}") from error
        try:
            cli.build_parser().parse_args(words[1:])
        except SystemExit as stopped:
            raise AssertionError(f"mockgw's CLI refuses: {line}") from stopped


def check_hcl(example: Example) -> None:
    """An ``hcl`` block: a real file included (``--8<--``), or Terraform that ``terraform
    fmt`` finds well formed and formatted (when the ``terraform`` CLI is installed)."""
    source = str(example.parsed)
    terraform = shutil.which("terraform")
    if source.lstrip().startswith("--8<--") or terraform is None:
        return
    done = subprocess.run([terraform, "fmt", "-check", "-diff", "-"], input=source,
                          capture_output=True, text=True, timeout=60, check=False)
    if done.returncode != 0:
        raise AssertionError(f"terraform fmt refuses the block:\n{done.stdout}{done.stderr}")


def logical_lines(source: str) -> Iterable[str]:
    return [line.strip() for line in source.replace("\\\n", " ").splitlines() if line.strip()]


def refuse(example: Example) -> None:
    raise AssertionError(f"a code block of language {example.region.lexemes['language']!r}: "
                         f"give it one of {', '.join(KNOWN)} (see tests/doc_examples.py)")


class LanguageGuard:
    """Every fenced block whose language is not one of :data:`KNOWN` (or missing)."""

    lexer = FencedCodeBlockLexer(
        language=rf"(?!(?:{'|'.join(KNOWN)})$)[^\n]*", mapping={"language": "language"})

    def __call__(self, document: Document) -> Iterable[Region]:
        for region in self.lexer(document):
            region.evaluator = refuse
            yield region


SYBIL = Sybil(
    parsers=[
        CodeBlockParser("python", run_python),
        CodeBlockParser("console", run_console),
        CodeBlockParser("json", check_json),
        CodeBlockParser("sh", check_shell),
        CodeBlockParser("hcl", check_hcl),
        SkipParser(),
        LanguageGuard(),
    ],
    path=str(ROOT),
    patterns=["README.md", "docs/*.md"],
    setup=setup,
    teardown=teardown,
    fixtures=["docs_server"],
)

pytest_collect_file = SYBIL.pytest()
