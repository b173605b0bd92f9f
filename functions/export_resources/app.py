"""POST /v1/resources/export: export the workspace's resources (JSON Lines) in a job."""

from plinth.http.body import BodyMode, JsonBody
from plinth.http.dependencies import CurrentCaller
from plinth.http.endpoint import Endpoint, Response, Success
from plinth.http.jobs import Jobs
from plinth.logic.jobs.submit import submit_export
from plinth.models.auth import Scope
from plinth.models.job import ExportRequest, JobResponse

endpoint = Endpoint(
    method="POST",
    path="/v1/resources/export",
    operation_id="exportResources",
    summary="Export resources (JSON Lines) in a job",
    scope=Scope.READ,
    body=BodyMode.OPTIONAL,  # an empty body means `{}`; a JSON `null` is refused (400)
    success=Success(202, "Accepted as a job; `Location` names it.", JobResponse),
    metric="ExportJobSubmitted",
)


@endpoint.route
def post_export(
    caller: CurrentCaller,
    jobs: Jobs,
    body: JsonBody[ExportRequest] = ExportRequest(),  # noqa: B008
) -> Response[str]:
    job = submit_export(caller.workspace_id, body, jobs.services)
    return endpoint.respond(jobs.present(job), location=f"/v1/jobs/{job.id}")


lambda_handler = endpoint.lambda_handler
