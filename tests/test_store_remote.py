"""A take store in object storage, through an fsspec URL: every take uploaded whole (its record last),
fetched back by another machine's store, and never seen half-uploaded: through file:// URLs, which fsspec
serves through the same calls as s3://, and through a real S3 API (moto's server on loopback)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from longcut.engine.app.project import Project, is_url
from longcut.engine.store import FILES, KEYFRAME, RECORD

from .cli import run as cli
from .films import example_copy


def remote_takes(bucket: Path) -> list[Path]:
    """The records of the shots' takes in the bucket (not of their keyframes)."""
    return sorted(path for path in bucket.glob(f"takes/*/*/{RECORD}") if (path.parent / "clip.mp4").exists())


def remote_keyframes(bucket: Path) -> list[Path]:
    return sorted(path for path in bucket.glob(f"takes/*/*/{RECORD}") if (path.parent / KEYFRAME).exists())


def test_takes_go_to_object_storage_and_come_back_on_another_machine(tmp_path):
    film, bucket = example_copy(tmp_path), tmp_path / "bucket"
    url = f"file://{bucket}"
    cli("render", film, "--store", url, "--size", "160x90")
    uploaded = remote_takes(bucket)
    assert len(uploaded) == 8 and len(remote_keyframes(bucket)) == 5  # the 5 shots that continue none
    for record in uploaded:
        assert sorted(path.name for path in record.parent.iterdir()) == sorted([*FILES, RECORD])
    # another machine: no local takes at all; the cut fetches every take and renders none
    shutil.rmtree(film.parent / ".longcut")
    film.with_suffix(".160x90.mp4").unlink()
    result = cli("render", film, "--store", url, "--size", "160x90")
    assert "rendered 0 shot(s), 8 cached" in result.output
    assert film.with_suffix(".160x90.mp4").is_file()
    assert len(list((film.parent / ".longcut" / "takes").glob(f"*/*/{RECORD}"))) == 8 + 5  # and the keyframes


def test_a_take_without_its_record_was_never_uploaded_whole(tmp_path):
    film, bucket = example_copy(tmp_path), tmp_path / "bucket"
    url = f"file://{bucket}"
    cli("render", film, "--store", url, "--size", "160x90")
    half = remote_takes(bucket)[0]
    half.unlink()  # as if the uploader died before the last object
    shutil.rmtree(film.parent / ".longcut")
    project = Project.open(film, url)
    plan = project.plan(size=(160, 90))
    missing = [planned for planned in plan.shots.values() if not planned.cached]
    assert [planned.key for planned in missing] == [half.parent.name]
    result = cli("render", film, "--store", url, "--size", "160x90")
    assert "rendered 1 shot(s), 7 cached" in result.output
    assert half.is_file()  # uploaded whole this time


def test_urls_and_paths_are_told_apart():
    assert is_url("s3://bucket/film") and is_url("file:///tmp/x") and is_url("gs://b/p")
    assert not is_url("/mnt/shared/store") and not is_url("C:\\films\\store") and not is_url("relative/path")


def test_an_unknown_storage_scheme_is_a_clear_error(tmp_path):
    result = cli("status", example_copy(tmp_path), "--store", "nosuchfs://bucket/x", code=2)
    assert "the take store nosuchfs://bucket/x" in result.stderr


@pytest.fixture(scope="module")
def s3_bucket():
    """A real S3 API on loopback (moto's server), reached by s3fs the way it reaches AWS: through an endpoint
    set in the environment, as for MinIO or any S3-compatible store."""
    pytest.importorskip("s3fs")
    server_module = pytest.importorskip("moto.server")
    server = server_module.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    saved = dict(os.environ)
    os.environ.update({"AWS_ENDPOINT_URL": f"http://{host}:{port}", "AWS_ACCESS_KEY_ID": "testing",
                       "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"})
    import s3fs

    s3fs.S3FileSystem.clear_instance_cache()
    s3fs.S3FileSystem().mkdir("longcut-takes")
    yield "s3://longcut-takes"
    s3fs.S3FileSystem.clear_instance_cache()
    os.environ.clear()
    os.environ.update(saved)
    server.stop()


def test_takes_in_an_s3_bucket(tmp_path, s3_bucket):
    import s3fs

    film, url = example_copy(tmp_path), f"{s3_bucket}/keeper"
    cli("render", film, "--store", url, "--size", "160x90")
    records = s3fs.S3FileSystem().glob(f"{url[5:]}/takes/*/*/{RECORD}")
    assert len(records) == 8 + 5  # the shots' takes and the keyframes of those that continue none
    shutil.rmtree(film.parent / ".longcut")  # another machine: the takes come from the bucket
    result = cli("render", film, "--store", url, "--size", "160x90")
    assert "rendered 0 shot(s), 8 cached" in " ".join(result.output.split())


def test_a_bucket_that_does_not_exist_is_a_clear_error_and_keeps_nothing_half_done(tmp_path, s3_bucket):
    film = example_copy(tmp_path)
    result = cli("render", film, "--store", "s3://no-such-bucket-here/keeper", "--size", "160x90", code=1)
    assert "could not upload the take" in result.stderr and "s3://no-such-bucket-here/keeper" in result.stderr
    assert "Traceback" not in result.output
    assert not list((film.parent / ".longcut" / "takes").glob(f"*/*/{RECORD}"))  # not kept unpublished
    assert not list((film.parent / ".longcut" / "tmp").iterdir())
