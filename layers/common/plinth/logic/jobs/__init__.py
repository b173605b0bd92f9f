"""Long-running jobs (SPEC §8), one module per role.

- `submit`: the job item is written before its message, so a lost send is found later.
- `worker`: claims the job's lease (pending → running on the first claim), works from its
  checkpoint, saves progress as it goes, and when the Lambda's remaining time drops below
  a margin saves a checkpoint, releases the lease and enqueues a continuation.
  Redeliveries and duplicates resume from the checkpoint or do nothing.
- `sweeper`: re-enqueues jobs left pending and fails running jobs whose worker vanished.
- `read`: one job, a page of jobs, and a finished job's result as the API shows it.
- `common`: what they share: the ports (`JobServices`), enqueueing, failure codes.

A job moves pending → running → completed | failed, never backwards; finished jobs never
move (the job store's conditional writes enforce it).
"""
