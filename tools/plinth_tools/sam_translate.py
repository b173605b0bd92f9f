"""template.yaml as CloudFormation sees it: the SAM transform, run offline.

The tests check what SAM generates (aliases, deployment groups, integration URIs), not
only what we wrote. samtranslator pins its own pydantic (~=2.13), which the layer's pin
(2.14) excludes from the dev venv, so it runs in the `aws-sam-cli` uv tool's interpreter
(`make tools`): `translate()` starts this file there as a script.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

# Not imported from plinth_tools.template: this file also runs where plinth is not installed.
TEMPLATE_PATH = Path(__file__).resolve().parents[2] / "template.yaml"
REGION = "us-east-1"


def sam_python() -> Path:
    """The interpreter of the aws-sam-cli uv tool, which ships samtranslator."""
    uv = shutil.which("uv") or str(Path.home() / ".local/bin/uv")
    tool_dir = subprocess.run(  # noqa: S603 - our own uv, fixed arguments
        [uv, "tool", "dir"], check=True, capture_output=True, text=True
    ).stdout.strip()
    python = Path(tool_dir) / "aws-sam-cli" / "bin" / "python"
    if not python.exists():
        raise RuntimeError(f"{python} is missing: run `make tools` (installs aws-sam-cli)")
    return python


@cache
def _translate(template: Path, parameters: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [str(sam_python()), __file__, str(template), json.dumps(dict(parameters))],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "AWS_DEFAULT_REGION": REGION, "SAM_CLI_TELEMETRY": "0"},
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def translate(
    parameters: dict[str, str] | None = None, template: Path = TEMPLATE_PATH
) -> dict[str, Any]:
    """The transformed template for these parameter values (a fresh copy each call)."""
    translated = _translate(template, tuple(sorted((parameters or {}).items())))
    copied: dict[str, Any] = json.loads(json.dumps(translated))
    return copied


def _main(template_path: str, parameters_json: str) -> None:  # pragma: no cover - sam's python
    from samtranslator.translator.transform import transform
    from samtranslator.yaml_helper import yaml_parse

    class _NoManagedPolicies:
        """Every policy here is an inline statement: nothing to look up in IAM."""

        def load(self) -> dict[str, str]:
            return {}

    template = yaml_parse(Path(template_path).read_text(encoding="utf-8"))
    for resource in template["Resources"].values():
        props = resource.get("Properties") or {}
        for key in ("CodeUri", "ContentUri"):  # what `sam package` does to local paths
            if isinstance(props.get(key), str):
                props[key] = "s3://artifacts/" + props[key].strip("/")
    transformed = transform(template, json.loads(parameters_json), _NoManagedPolicies())
    sys.stdout.write(json.dumps(transformed, default=str))


if __name__ == "__main__":  # pragma: no cover - runs in the aws-sam-cli tool's interpreter
    _main(sys.argv[1], sys.argv[2])
