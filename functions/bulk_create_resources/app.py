"""POST /v1/resources/bulk: validate every item now, create them in a job."""

from plinth.http.body import JsonBody
from plinth.http.dependencies import CurrentCaller
from plinth.http.endpoint import Endpoint, Response, Success
from plinth.http.jobs import Jobs
from plinth.logic.jobs.submit import submit_bulk
from plinth.models.auth import Scope
from plinth.models.job import BulkCreateRequest, JobResponse

endpoint = Endpoint(
    method="POST",
    path="/v1/resources/bulk",
    operation_id="bulkCreateResources",
    summary="Create up to 1,000 resources in a job",
    scope=Scope.WRITE,
    bulk_body=True,
    success=Success(202, "Accepted as a job; `Location` names it.", JobResponse),
    metric="BulkJobSubmitted",
)


@endpoint.route
def post_bulk(
    body: JsonBody[BulkCreateRequest], caller: CurrentCaller, jobs: Jobs
) -> Response[str]:
    job = submit_bulk(caller.workspace_id, body, jobs.services)
    return endpoint.respond(jobs.present(job), location=f"/v1/jobs/{job.id}")


lambda_handler = endpoint.lambda_handler
