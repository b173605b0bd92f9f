"""Dev and admin tooling: the `plinth` CLI, template reading, the local stack.

Never shipped in the Lambda layer.
"""
