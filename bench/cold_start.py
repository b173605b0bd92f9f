"""Cold-start import cost of each function as built (`make bench` builds for this
machine first): a fresh isolated interpreter imports the handler with the artifact's
layout and .pyc (plinth_tools.artifact), against `import boto3` and the floor of the
design card's stack (boto3, pydantic, Powertools logger/metrics/event handler) in the
same run, since the machine's speed varies. `--baseline DIR` also times another build's
functions in the same rounds (a before/after: build an older commit in a worktree).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from plinth_tools.artifact import BUILD, cold_start


def main() -> int:
    if not (BUILD / "template.yaml").exists():
        print(json.dumps({"bench": "cold import", "error": "no build: make build ARCH=<host>"}))
        return 1
    parser = argparse.ArgumentParser()
    parser.add_argument("--baseline", type=Path, help="another .aws-sam/build to compare")
    best = cold_start(baseline=parser.parse_args().baseline)
    boto3_ms, floor_ms = best["boto3"], best["floor"]
    for module, ms in best.items():
        row = {
            "bench": "cold import",
            "module": module,
            "ms": ms,
            "ratioToBoto3": round(ms / boto3_ms, 2),
            "ratioToFloor": round(ms / floor_ms, 2),
        }
        print(json.dumps(row))
    return 0


if __name__ == "__main__":
    sys.exit(main())
