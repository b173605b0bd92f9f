"""GET /v1/jobs: newest first, optional status filter, signed cursors."""

from plinth.http.dependencies import CurrentCaller, SigningKey
from plinth.http.endpoint import Endpoint, Response, Success
from plinth.http.jobs import Jobs, JobStatusQuery
from plinth.http.query import Cursor, Limit
from plinth.models.auth import Scope
from plinth.models.job import JobList

endpoint = Endpoint(
    method="GET",
    path="/v1/jobs",
    operation_id="listJobs",
    summary="List jobs, newest first",
    scope=Scope.READ,
    success=Success(200, "A page of jobs, newest first.", JobList),
    metric="JobsListed",
)


@endpoint.route
def get_jobs(
    caller: CurrentCaller,
    jobs: Jobs,
    key: SigningKey,
    limit: Limit = 20,
    status: JobStatusQuery = None,
    cursor: Cursor = None,
) -> Response[str]:
    return endpoint.respond(jobs.page(caller.workspace_id, limit, status, cursor, key))


lambda_handler = endpoint.lambda_handler
