"""longcut as a user installs it: the wheel built from this checkout (not an editable install), whose only top-level
name is `longcut`, installed into a fresh environment, renders the short example from outside the checkout."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = ("storyboard", "continuity", "engine")


def package_folders() -> set[str]:
    """Every folder of the checkout with an __init__.py, as the import name it is installed under."""
    return {"longcut." + ".".join(init.parent.relative_to(ROOT).parts)
            for folder in FOLDERS for init in (ROOT / folder).rglob("__init__.py")}


def test_pyproject_lists_every_package():
    listed = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"]
    assert set(listed) == package_folders()


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    # built from a copy of what the wheel is made of: setuptools keeps a build/ folder in the source, and a file
    # removed from the source would live on there and in the wheel
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    for folder in FOLDERS:
        shutil.copytree(ROOT / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__"))
    dist = tmp_path_factory.mktemp("dist")
    # the environment's setuptools, as CI installed it (no download): what `pip wheel .` builds
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet", "-w",
                    str(dist), str(source)], check=True, capture_output=True, timeout=300)
    built, = dist.glob("longcut-*.whl")
    return built


def test_the_wheel_installs_only_the_longcut_name(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    tops = {name.split("/")[0] for name in names if ".dist-info/" not in name}
    assert tops == {"longcut"}  # no `engine`, `storyboard` or `continuity` taken from other distributions
    installed = {str(Path(name).parent).replace("/", ".") for name in names if name.endswith("/__init__.py")}
    assert installed == package_folders()
    assert "longcut/engine/review/page/review.js" in names and "longcut/storyboard/policy/default.yaml" in names
    entry_points = zipfile.ZipFile(wheel).read(next(name for name in names if name.endswith("entry_points.txt")))
    assert b"longcut = longcut.engine.cli:main" in entry_points


def test_the_installed_wheel_renders_the_short_example(wheel, tmp_path):
    # A fresh environment with the wheel installed into it, not editable; its dependencies are this one's (read
    # through a .pth line: installing them again would take minutes and the network). This environment's own
    # editable install is not seen there: a .pth line adds a path, it does not run that folder's .pth files.
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    site = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
                               check=True, capture_output=True, text=True).stdout.strip())
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target", str(site), str(wheel)],
                   check=True, capture_output=True, timeout=300)
    (site / "dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    film = tmp_path / "short"
    shutil.copytree(ROOT / "examples" / "short", film, ignore=shutil.ignore_patterns(".longcut", "*.mp4", "*.json"))
    env = {**os.environ, "PYTHONPATH": ""}
    where = subprocess.run([str(python), "-c", "import longcut.engine; print(longcut.engine.__file__)"], cwd=tmp_path,
                           check=True, capture_output=True, text=True, env=env).stdout
    assert where.startswith(str(site))  # the wheel's copy, not the checkout's
    done = subprocess.run([str(python), "-m", "longcut.engine.cli", "render", str(film / "film.yaml"), "--size",
                           "160x90", "--no-titles"], cwd=tmp_path, capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (film / "film.160x90.mp4").is_file() and "cut " in done.stdout
