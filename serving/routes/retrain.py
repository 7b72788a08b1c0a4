"""Retraining jobs: start one (in its own process), follow it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from starlette.concurrency import run_in_threadpool

from serving.deps import ADMIN_RESPONSES, AdminOnly, JobsDep, RetrainRunnerDep, ServedModelDep, SettingsDep
from serving.retrain_runner import job_spec
from serving.schemas import JobStatus, RetrainRequest, RetrainStarted
from training.jobs import FINISHED, JOB_ID_PATTERN

router = APIRouter(prefix="/v1/retrain", tags=["retraining"])


@router.post("", status_code=202, response_model=RetrainStarted, dependencies=[AdminOnly],
             responses={**ADMIN_RESPONSES, 409: {"description": "another retraining job is running"}})
def start_retrain(runner: RetrainRunnerDep, settings: SettingsDep, body: RetrainRequest | None = None):
    """Train a new version on the shipped data plus the stored labels, compare it with the
    served one on the fixed evaluation files, and promote it if it is not worse (or `force`).
    409 while another job runs."""
    job = runner.start(job_spec(settings, force=bool(body and body.force)))  # RetrainBusy: 409
    return {"job": job.id, "state": "queued", "status_url": f"/v1/retrain/{job.id}"}


@router.get("/{job_id}", response_model=JobStatus, response_model_exclude_none=True)
async def retrain_status(job_id: Annotated[str, Path(pattern=JOB_ID_PATTERN)], jobs: JobsDep, served: ServedModelDep):
    """State, progress, verdict and the log's tail. Once the job has ended, the service serves
    what it left in the pointer before this answers."""
    job = jobs.get(job_id)  # JobNotFound: 404
    status = await run_in_threadpool(jobs.status, job)
    if status["state"] in FINISHED:
        await run_in_threadpool(served.sync)
    return status
