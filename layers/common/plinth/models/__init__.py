"""API, domain and DynamoDB-item models, kept apart with explicit conversions."""
