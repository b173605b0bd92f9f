"""What a tracing SDK adds to a cold start (docs/decisions.md, "Tracing"). Not part of
`make bench`: the SDKs are not project dependencies, so it runs against scratch venvs:

    uv venv /tmp/xray && uv pip install -p /tmp/xray/bin/python \\
        aws-lambda-powertools==3.37.0 boto3==1.44.8 aws-xray-sdk==2.15.0
    uv venv /tmp/otel && uv pip install -p /tmp/otel/bin/python aws-lambda-powertools==3.37.0 \\
        boto3==1.44.8 opentelemetry-sdk==1.45.2 opentelemetry-instrumentation-botocore==0.66b2
    python bench/tracing_cost.py /tmp/xray/bin/python /tmp/otel/bin/python

Each run is a fresh interpreter that times the baseline every handler pays (import boto3,
Powertools Logger/Metrics, one client), then the option; the share of the baseline it adds
is robust to how loaded the machine is.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys

RUNS = int(os.environ.get("RUNS", "11"))
_BASELINE = (
    "import time; t0 = time.perf_counter(); import boto3; "
    "from aws_lambda_powertools import Logger, Metrics; boto3.client('dynamodb'); "
    "t1 = time.perf_counter(); "
)
_REPORT = "; print((t1 - t0) * 1000, (time.perf_counter() - t1) * 1000)"
_XRAY = {
    "Powertools Tracer() (aws-xray-sdk, auto_patch)": (
        "from aws_lambda_powertools import Tracer; Tracer(service='plinth')"
    ),
    "Powertools Tracer(auto_patch=False)": (
        "from aws_lambda_powertools import Tracer; Tracer(service='plinth', auto_patch=False)"
    ),
}
_OTEL = {
    "OpenTelemetry SDK + botocore instrumentation": (
        "from opentelemetry import trace; from opentelemetry.sdk.trace import TracerProvider; "
        "from opentelemetry.instrumentation.botocore import BotocoreInstrumentor; "
        "trace.set_tracer_provider(TracerProvider()); BotocoreInstrumentor().instrument()"
    ),
}
# Powertools disables its Tracer outside Lambda: pretend to be inside.
_ENV = {
    **os.environ,
    "AWS_LAMBDA_FUNCTION_NAME": "probe",
    "POWERTOOLS_SERVICE_NAME": "plinth",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_XRAY_CONTEXT_MISSING": "IGNORE_ERROR",
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
}


def _sample(python: str, option: str) -> tuple[float, float]:
    out = subprocess.run(
        [python, "-c", _BASELINE + option + _REPORT],
        env=_ENV,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return float(out[-2]), float(out[-1])


def main(xray_python: str, otel_python: str) -> None:
    for python, options in ((xray_python, _XRAY), (otel_python, _OTEL)):
        for name, option in options.items():
            _sample(python, option)  # warm: .pyc written, files cached
            samples = [_sample(python, option) for _ in range(RUNS)]
            baseline = statistics.median(b for b, _ in samples)
            added = statistics.median(a for _, a in samples)
            share = statistics.median(a / b for b, a in samples)
            print(
                f"baseline {baseline:5.0f} ms, adds {added:5.0f} ms (+{share:.0%}), "
                f"median of {RUNS}: {name}"
            )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
