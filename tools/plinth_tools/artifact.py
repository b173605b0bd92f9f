"""Import every built handler the way Lambda would (`make test-artifact`, after `make build`).

For each function of `.aws-sam/build/template.yaml`, a fresh interpreter started with
`-I -S` (no site-packages, no PYTHON* variables, nothing from the dev venv) gets exactly
what the python3.13 runtime offers: the function's directory (/var/task), the layer's
`python/` (/opt/python) and the runtime's own boto3 (/var/runtime; installed here from
uv's cache at the locked version). It imports the handler module, checks the handler is
callable, and fails if any module came from anywhere else but the standard library.
Build for this machine's architecture (`make build ARCH=x86_64` on x86_64): wheels for
another one cannot load here.

It then measures each handler's cold import as built, against `import boto3` and against
the floor of the design card's stack (boto3, pydantic with one model, Powertools logger,
metrics and event handler) in the same run: interleaved rounds, the best of each (the
least disturbed by whatever else the machine runs). It fails when a function costs more
than `FLOOR_BUDGET` times the floor: the part Plinth's own code adds.
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
from typing import Any

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


# A function may cost at most this much more than the floor (docs/performance.md §6):
# measured 1.0-1.2x on this machine; the margin absorbs a loaded CI machine. What each
# function loads is pinned exactly by tests/unit/test_cold_start_imports.py.
FLOOR_BUDGET = 1.5
ROUNDS = 7
_TIMED_IMPORT = """
import importlib, sys, time
sys.path[:0] = sys.argv[2:]
started = time.perf_counter()
importlib.import_module(sys.argv[1])
print((time.perf_counter() - started) * 1000)
"""
_FLOOR = """
import sys, time
sys.path[:0] = sys.argv[1:]
started = time.perf_counter()
import boto3, pydantic
import aws_lambda_powertools.logging, aws_lambda_powertools.metrics
import aws_lambda_powertools.event_handler
class One(pydantic.BaseModel):
    x: int
print((time.perf_counter() - started) * 1000)
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


def _layer_python(build: Path, template: dict[str, Any]) -> str:
    (layer,) = tpl.resources_of_type("AWS::Serverless::LayerVersion", template).values()
    return str(build / layer["Properties"]["ContentUri"] / "python")


def cold_start(
    build: Path = BUILD,
    runtime: Path | None = None,
    rounds: int = ROUNDS,
    baseline: Path | None = None,
) -> dict[str, float]:
    """Best-of-rounds import ms of `boto3`, `floor` and each function's handler, as built;
    with `baseline` (another build, say of an older commit), each function of that build
    too, as `<function> (baseline)`, in the same interleaved rounds."""
    runtime = runtime or runtime_boto3()
    interpreter = sysconfig.get_config_var("BINDIR") + "/python3"
    probes: dict[str, tuple[list[str], dict[str, str], Path]] = {
        "boto3": (["-c", _TIMED_IMPORT, "boto3", str(runtime)], {}, build),
    }
    builds = {"": build} | ({" (baseline)": baseline} if baseline else {})
    for suffix, root in builds.items():
        template = tpl.load_template(root / "template.yaml")
        layer_python = _layer_python(root, template)
        if root is build:
            probes["floor"] = (["-c", _FLOOR, layer_python, str(runtime)], {}, build)
        for spec in tpl.functions(template).values():
            module = spec.handler.rpartition(".")[0]
            roots = [str(root / spec.code_uri), layer_python, str(runtime)]
            probes[spec.logical_id + suffix] = (
                ["-c", _TIMED_IMPORT, module, *roots],
                lambda_environment(spec),
                root / spec.code_uri,
            )
    samples: dict[str, list[float]] = {name: [] for name in probes}
    for _ in range(rounds):  # interleaved, so a busy moment costs every probe alike
        for name, (args, env, cwd) in probes.items():
            done = subprocess.run(  # noqa: S603 - our interpreter, our probe
                [interpreter, "-I", "-S", *args],
                capture_output=True,
                text=True,
                env=env or {"PATH": os.defpath},
                cwd=cwd,
                check=True,
            )
            samples[name].append(float(done.stdout.strip().splitlines()[-1]))
    return {name: round(min(values), 1) for name, values in samples.items()}


def main() -> int:
    if not (BUILD / "template.yaml").exists():
        sys.stderr.write("no build: run `make build ARCH=<this machine>` first\n")
        return 2
    runtime = runtime_boto3()
    reports = check(runtime=runtime)
    for report in reports:
        sys.stdout.write(f"{'ok ' if report.ok else 'FAIL'} {report.function}: {report.detail}\n")
    if not all(r.ok for r in reports):
        sys.stdout.write(f"(this machine is {platform.machine()}: build with a matching ARCH)\n")
        return 1
    best = cold_start(runtime=runtime)
    boto3_ms, floor_ms = best.pop("boto3"), best.pop("floor")
    sys.stdout.write(
        f"cold import, best of {ROUNDS}: boto3 {boto3_ms} ms; "
        f"floor {floor_ms} ms ({floor_ms / boto3_ms:.2f}x boto3)\n"
    )
    over = []
    for function, ms in best.items():
        to_floor = ms / floor_ms
        verdict = "ok " if to_floor <= FLOOR_BUDGET else "FAIL"
        sys.stdout.write(
            f"{verdict} {function}: {ms} ms = {ms / boto3_ms:.2f}x boto3, "
            f"{to_floor:.2f}x floor (budget {FLOOR_BUDGET}x)\n"
        )
        if to_floor > FLOOR_BUDGET:
            over.append(function)
    return 1 if over else 0


if __name__ == "__main__":
    raise SystemExit(main())
