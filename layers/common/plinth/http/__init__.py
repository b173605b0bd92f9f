"""The HTTP edge: everything that knows about API Gateway events, status codes and headers.

`endpoint` declares each endpoint once; `pipeline` runs a request through SPEC §3's
checks and the resolver; `body` checks bodies before validation; `errors` maps errors to
responses; `dependencies` and `jobs` give route functions what they need (Powertools
`Depends`); `idempotency` makes POSTs replayable; `methods` answers 405s; `authorizer`
turns a key into API Gateway's policy.
"""
