"""Use cases, one module each. No boto3 here: repositories are passed in or built lazily."""
