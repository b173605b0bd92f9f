"""The built-artifact check (make test-artifact) must fail when a handler could not load
in Lambda: a dependency that only the dev venv has, or a missing handler."""

from __future__ import annotations

from pathlib import Path

from plinth_tools.artifact import check

TEMPLATE = """
Globals:
  Function:
    Handler: app.lambda_handler
Resources:
  Layer:
    Type: AWS::Serverless::LayerVersion
    Properties: { ContentUri: Layer }
  Good:
    Type: AWS::Serverless::Function
    Properties: { CodeUri: Good }
  NeedsYaml:
    Type: AWS::Serverless::Function
    Properties: { CodeUri: NeedsYaml }
  NoHandler:
    Type: AWS::Serverless::Function
    Properties: { CodeUri: NoHandler }
"""


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_check_imports_from_the_artifact_only_and_reports_each_function(tmp_path):
    _write(tmp_path / "template.yaml", TEMPLATE)
    _write(tmp_path / "Layer/python/shared.py", "VALUE = 1\n")
    _write(
        tmp_path / "Good/app.py",
        "import shared\n\ndef lambda_handler(e, c):\n    return shared.VALUE\n",
    )
    # pyyaml is in the dev venv, not in the layer: Lambda could not import this.
    _write(
        tmp_path / "NeedsYaml/app.py", "import yaml\n\ndef lambda_handler(e, c):\n    return 1\n"
    )
    _write(tmp_path / "NoHandler/app.py", "handler = None\n")

    reports = {r.function: r for r in check(build=tmp_path)}

    assert reports["Good"].ok, reports["Good"].detail
    assert not reports["NeedsYaml"].ok
    assert "No module named 'yaml'" in reports["NeedsYaml"].detail
    assert not reports["NoHandler"].ok
    assert "not callable" in reports["NoHandler"].detail
