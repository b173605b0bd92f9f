"""Import every built handler the way Lambda would (`make test-artifact`, after `make build`).

For each function of `.aws-sam/build/template.yaml`, a fresh interpreter started with
`-I -S` (no site-packages, no PYTHON* variables, nothing from the dev venv) gets exactly
what the python3.13 runtime offers: the function's directory (/var/task), the layer's
`python/` (/opt/python) and the runtime's own boto3 (/var/runtime; installed here from
uv's cache at the locked version). It imports the handler module, checks the handler is
callable, and fails if any module came from anywhere else but the standard library.
Build for this machine's architecture (`make build ARCH=x86_64` on x86_64): wheels for
another one cannot load here.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import sysconfig
import tomllib
from dataclasses import dataclass
from pathlib import Path

from plinth_tools import template as tpl

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / ".aws-sam" / "build"
RUNTIME = ROOT / ".aws-sam" / "lambda-runtime"

# Runs in the isolated interpreter: argv = [handler, roots...]; prints a JSON report.
_PROBE = """
import importlib, json, sys, time
handler, roots = sys.argv[1], sys.argv[2:]
sys.path[:0] = roots
module_name, _, attribute = handler.rpartition(".")
started = time.perf_counter()
module = importlib.import_module(module_name)
elapsed_ms = (time.perf_counter() - started) * 1000
stdlib = sys.path[len(roots):]
outside = sorted(
    name for name, m in list(sys.modules.items())
    if getattr(m, "__file__", None)
    and not any(m.__file__.startswith(r) for r in roots + stdlib)
)
print(json.dumps({
    "callable": callable(getattr(module, attribute, None)),
    "import_ms": round(elapsed_ms, 1),
    "outside": outside,
    "site": [p for p in sys.path if "site-packages" in p and not p.startswith(tuple(roots))],
}))
"""


@dataclass(frozen=True)
class Report:
    function: str
    ok: bool
    detail: str


def runtime_boto3(lock: Path = ROOT / "uv.lock", target: Path = RUNTIME) -> Path:
    """The runtime's boto3 stand-in: the locked version, installed apart from the venv."""
    locked = {p["name"]: p["version"] for p in tomllib.loads(lock.read_text())["package"]}
    marker = target / f".boto3-{locked['boto3']}"
    if not marker.exists():
        shutil.rmtree(target, ignore_errors=True)
        uv = shutil.which("uv") or str(Path.home() / ".local/bin/uv")
        subprocess.run(  # noqa: S603 - our uv, fixed arguments
            [
                uv,
                "pip",
                "install",
                "--quiet",
                "--python",
                sys.executable,
                "--target",
                str(target),
                f"boto3=={locked['boto3']}",
            ],
            check=True,
        )
        marker.touch()
    return target


def lambda_environment(spec: tpl.FunctionSpec) -> dict[str, str]:
    """What Lambda sets: the function's variables (placeholders for unresolved refs)."""
    env = {
        k: v if isinstance(v, str) else f"placeholder-{k.lower()}"
        for k, v in spec.environment.items()
    }
    return {
        **env,
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_LAMBDA_FUNCTION_NAME": spec.logical_id,
        "LANG": "en_US.UTF-8",
        "PATH": os.defpath,
    }


def check(
    build: Path = BUILD, python: str | None = None, runtime: Path | None = None
) -> list[Report]:
    """Import each function's handler in isolation; one report per function."""
    template = tpl.load_template(build / "template.yaml")
    (layer,) = tpl.resources_of_type("AWS::Serverless::LayerVersion", template).values()
    layer_python = build / layer["Properties"]["ContentUri"] / "python"
    # The interpreter behind the venv: the same CPython, none of the venv's packages.
    interpreter = python or sysconfig.get_config_var("BINDIR") + "/python3"
    reports = []
    for spec in tpl.functions(template).values():
        roots = [str(build / spec.code_uri), str(layer_python)]
        if runtime is not None:
            roots.append(str(runtime))
        done = subprocess.run(  # noqa: S603 - our interpreter, our probe
            [interpreter, "-I", "-S", "-c", _PROBE, spec.handler, *roots],
            capture_output=True,
            text=True,
            env=lambda_environment(spec),
            cwd=build / spec.code_uri,
            check=False,
        )
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
            reports.append(Report(spec.logical_id, False, last))
            continue
        probe = json.loads(done.stdout.strip().splitlines()[-1])
        problems = []
        if not probe["callable"]:
            problems.append(f"{spec.handler} is not callable")
        if probe["outside"]:
            problems.append(f"modules from outside the artifact: {probe['outside']}")
        if probe["site"]:
            problems.append(f"site-packages on sys.path: {probe['site']}")
        detail = "; ".join(problems) or f"imported in {probe['import_ms']} ms"
        reports.append(Report(spec.logical_id, not problems, detail))
    return reports


def main() -> int:
    if not (BUILD / "template.yaml").exists():
        sys.stderr.write("no build: run `make build ARCH=<this machine>` first\n")
        return 2
    reports = check(runtime=runtime_boto3())
    for report in reports:
        sys.stdout.write(f"{'ok ' if report.ok else 'FAIL'} {report.function}: {report.detail}\n")
    if not all(r.ok for r in reports):
        sys.stdout.write(f"(this machine is {platform.machine()}: build with a matching ARCH)\n")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
