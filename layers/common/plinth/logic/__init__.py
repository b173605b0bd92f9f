"""Use cases, one module each. They depend on `plinth.ports` only, never on a repository."""
