"""GET /v1/jobs/{id}: a job's status, progress and result."""

from plinth.http.dependencies import CurrentCaller
from plinth.http.endpoint import Endpoint, Response, Success
from plinth.http.jobs import Jobs
from plinth.http.path import JobId
from plinth.logic.jobs.read import get_job
from plinth.models.auth import Scope
from plinth.models.job import JobResponse

endpoint = Endpoint(
    method="GET",
    path="/v1/jobs/{job_id}",
    operation_id="getJob",
    summary="Get a job",
    scope=Scope.READ,
    success=Success(200, "The job.", JobResponse),
    metric="JobRead",
)


@endpoint.route
def read_job(job_id: JobId, caller: CurrentCaller, jobs: Jobs) -> Response[str]:
    return endpoint.respond(jobs.present(get_job(caller.workspace_id, job_id, jobs.services)))


lambda_handler = endpoint.lambda_handler
