"""The only code that touches boto3. Translates AWS errors into domain errors."""
