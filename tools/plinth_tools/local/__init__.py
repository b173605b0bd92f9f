"""The local stack: API Gateway REST emulation, Lambda invocation and SQS pollers over
moto, all driven by template.yaml. Dev-only; never shipped in the layer."""
