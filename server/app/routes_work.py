"""Statement uploads, their entered balances and findings, matches (manual, auto, undo) and background jobs."""
from __future__ import annotations

import math
import uuid
from pathlib import Path

from flask import Blueprint, g, jsonify, request
from werkzeug.utils import secure_filename

from ..services import balances, findings, imports, matches, recs
from ..services.context import change
from ..controls.workflow import Refusal
from .etags import conditional, listing_tag
from .http import body, ext, flag, read, write

bp = Blueprint("work", __name__, url_prefix="/api")
MAX_WAIT_SECONDS = 600
MAX_FILE_NAME = 255


def _save_upload() -> tuple[Path, str, int]:
    """The uploaded file (multipart field `file`, or the raw body with ?filename=) saved under uploads/."""
    upload = request.files.get("file")
    name = upload.filename if upload is not None else request.args.get("filename", "statement")
    if name and len(name) > MAX_FILE_NAME:
        raise Refusal("bad_input", f"the file name is {len(name):,} characters long; at most {MAX_FILE_NAME} "
                                   "(as file systems allow): rename the file", 400)
    safe = secure_filename(name or "statement") or "statement"
    folder = ext().config["TIEOUT_HOME"] / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{uuid.uuid4().hex}-{safe}"
    if upload is not None:
        upload.save(path)
    else:
        data = request.get_data(cache=False)
        if not data:
            raise Refusal("bad_input", "send the bank file as multipart field 'file' or as the request body", 400)
        path.write_bytes(data)
    return path, name or safe, path.stat().st_size


def _wait_seconds() -> float:
    raw = request.args.get("wait", "")
    try:
        wait = float(raw) if raw else 0.0
    except ValueError:
        wait = math.nan
    if not 0 <= wait <= MAX_WAIT_SECONDS:  # nan and inf fail this too
        raise Refusal("bad_input", f"query parameter 'wait': seconds from 0 to {MAX_WAIT_SECONDS}, not {raw[:40]!r}",
                      400)
    return wait


def _job_response(job: dict):
    wait = _wait_seconds()
    if wait:
        ext().jobs.wait(job["id"], wait)
        job = ext().jobs.get(job["id"])
    return jsonify(job), 200 if job["status"] not in ("Queued", "Running") else 202


@bp.get("/reconciliations/<int:rec_id>/statements")
def list_statements(rec_id: int):
    return jsonify(read(lambda s: (recs.get(s, rec_id), imports.statements(s, rec_id))[1]))


@bp.post("/reconciliations/<int:rec_id>/statements")
def upload_statement(rec_id: int):
    fmt = request.args.get("format", "auto")
    path, source, size = _save_upload()
    params = {"path": str(path), "source": source, "format": fmt, "sha256": imports.sha256_file(path),
              **{k: request.args[k] for k in ("opening", "closing", "date_order", "profile") if request.args.get(k)}}
    try:
        options = imports.options_for(ext().store, rec_id, params)  # a bad ?opening= is refused before a job
    except Refusal:
        path.unlink(missing_ok=True)
        raise
    if flag("background") or size > ext().config["IMPORT_BACKGROUND_BYTES"]:
        try:
            job = ext().jobs.create(g.actor, rec_id, "import", params)
        except Refusal:
            path.unlink(missing_ok=True)
            raise
        return _job_response(job)
    try:
        result = imports.parse(path, fmt, source, options)
        with change(ext().store, g.actor) as ch:
            out = imports.store_result(ch, rec_id, result, source, params["sha256"])
    finally:
        path.unlink(missing_ok=True)
    return jsonify(out), 201


@bp.put("/reconciliations/<int:rec_id>/statements/<int:statement_id>/balances")
def enter_balances(rec_id: int, statement_id: int):
    return jsonify(write(balances.enter, rec_id, statement_id, body()))


@bp.get("/reconciliations/<int:rec_id>/findings")
def list_findings(rec_id: int):
    return jsonify(read(lambda s: (recs.get(s, rec_id), findings.listing(s, rec_id))[1]))


@bp.post("/reconciliations/<int:rec_id>/findings/acknowledge")
def acknowledge_findings(rec_id: int):
    return jsonify(write(findings.acknowledge, rec_id, body()))


@bp.get("/reconciliations/<int:rec_id>/matches")
def list_matches(rec_id: int):
    history = request.args.get("history", "") in ("1", "true")
    return conditional(rec_id, listing_tag("matches"), lambda s: matches.listing(s, rec_id, history))


@bp.post("/reconciliations/<int:rec_id>/matches")
def manual_match(rec_id: int):
    return jsonify(write(matches.manual_match, rec_id, body())), 201


@bp.post("/reconciliations/<int:rec_id>/matches/<key>/undo")
def undo_match(rec_id: int, key: str):
    return jsonify(write(matches.undo, rec_id, key, body()))


@bp.post("/reconciliations/<int:rec_id>/matches/accept")
def accept_matches(rec_id: int):
    return jsonify(write(matches.accept, rec_id, body()))


@bp.post("/reconciliations/<int:rec_id>/auto-match")
def auto_match(rec_id: int):
    """Optional body {"rules": [rows of the Rules sheet]}: checked here, so a bad rule starts no job."""
    return _job_response(ext().jobs.create(g.actor, rec_id, "auto_match", matches.auto_match_params(body())))


@bp.get("/reconciliations/<int:rec_id>/jobs")
def list_jobs(rec_id: int):
    from sqlalchemy import select

    from ..jobs import job_dict
    from ..store.models import Job

    def rows(session):
        recs.get(session, rec_id)
        return [job_dict(j, ext().jobs.live) for j in session.scalars(
            select(Job).where(Job.reconciliation_id == rec_id).order_by(Job.id))]
    return jsonify(read(rows))


@bp.get("/jobs/<int:job_id>")
def get_job(job_id: int):
    wait = _wait_seconds()
    if wait:
        ext().jobs.wait(job_id, wait)
    return jsonify(ext().jobs.get(job_id))


@bp.post("/jobs/<int:job_id>/rerun")
def rerun_job(job_id: int):
    return _job_response(ext().jobs.rerun(g.actor, job_id))
