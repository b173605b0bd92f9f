"""Count the AWS calls each operation makes (`make bench`), through the gateway emulation
(authorizer included) against moto in-process, jobs run by the worker.

The scenario and the counting live in `plinth_tools.budgets`, shared with
tests/integration/test_call_budgets.py, which asserts these numbers exactly.
"""

from __future__ import annotations

import json
import os

os.environ.update(
    AWS_ACCESS_KEY_ID="bench",
    AWS_SECRET_ACCESS_KEY="bench",
    AWS_DEFAULT_REGION="us-east-1",
    POWERTOOLS_LOG_LEVEL="ERROR",
    POWERTOOLS_METRICS_DISABLED="true",
)
os.environ.pop("AWS_ENDPOINT_URL", None)

from moto import mock_aws

from plinth_tools import template as tpl
from plinth_tools.budgets import measure_operations
from plinth_tools.local.gateway import Gateway
from plinth_tools.local.stack import seed_demo_workspace
from plinth_tools.provision import function_environment, provision


def main() -> None:
    with mock_aws():
        resolved = provision("bench-")
        for name in tpl.functions():
            os.environ.update(function_environment(name, resolved))
        key = seed_demo_workspace()
        parameters = tpl.parameter_defaults()
        gateway = Gateway(tpl.load_template(), parameters["StageName"], parameters)
        for measurement in measure_operations(gateway, key, resolved):
            print(json.dumps({"bench": "aws calls"} | measurement.row()))


if __name__ == "__main__":
    main()
