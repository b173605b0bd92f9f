"""Cold-start import cost of each function (`make bench`): a fresh interpreter imports the
handler module (with .pyc, as `make build` ships them); compared with `import boto3` in
the same run, since the machine's speed varies.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = 5
_PROBE = """
import importlib.util, sys, time
started = time.perf_counter()
if sys.argv[1] == "boto3":
    import boto3
else:
    spec = importlib.util.spec_from_file_location("app", sys.argv[1])
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
print((time.perf_counter() - started) * 1000)
"""


def _median_ms(target: str) -> float:
    samples = [
        float(
            subprocess.run(
                [sys.executable, "-c", _PROBE, target],
                capture_output=True,
                text=True,
                check=True,
                cwd=ROOT,
            ).stdout
        )
        for _ in range(RUNS)
    ]
    return round(statistics.median(samples), 1)


def main() -> None:
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(ROOT / "layers"), str(ROOT / "functions")],
        check=True,
    )
    baseline = _median_ms("boto3")
    print(
        json.dumps({"bench": "cold import", "module": "boto3", "ms": baseline, "ratioToBoto3": 1.0})
    )
    for app in sorted((ROOT / "functions").glob("*/app.py")):
        ms = _median_ms(str(app))
        print(
            json.dumps(
                {
                    "bench": "cold import",
                    "module": app.parent.name,
                    "ms": ms,
                    "ratioToBoto3": round(ms / baseline, 2),
                }
            )
        )


if __name__ == "__main__":
    main()
