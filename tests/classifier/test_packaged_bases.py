"""A split-zip base is checked part by part, joined, extracted once into the cache, and refused
on any mismatch. The parts here are a small fake archive: the real 404 MB one is exercised by
tests/integration/test_real_base.py."""

import hashlib
import io
import zipfile
from dataclasses import replace
from importlib import metadata
from pathlib import Path

import pytest

from classifier.errors import CheckpointError
from classifier.packaged_bases import PACKAGED_BASES, PackagedBase, Part, cache_dir


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def split_base(tmp_path, monkeypatch):
    """A PackagedBase whose three parts are files under tmp_path/site, found as if installed."""
    buffer = io.BytesIO()
    weights = b"weights" * 1000
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("m/config.json", "{}")
        zf.writestr("m/model.safetensors", weights)
        zf.writestr("m/desktop.ini", "[.ShellClassInfo]")
        zf.writestr("m/1_Pooling/config.json", "{}")
    archive = buffer.getvalue()
    chunks = [archive[:100], archive[100:300], archive[300:]]
    site = tmp_path / "site"
    parts = []
    for n, chunk in enumerate(chunks, 1):
        path = site / f"part_{n}" / f"m.zip.00{n}"
        path.parent.mkdir(parents=True)
        path.write_bytes(chunk)
        parts.append(Part(f"fake-part-{n}", "0.0.1", f"part_{n}/m.zip.00{n}", sha(chunk)))

    class FakeDistribution:
        def __init__(self, name):
            self.version = "0.0.1"

        def locate_file(self, relative):
            return site / relative

    def distribution(name):
        if not name.startswith("fake-part-") or not (site / f"part_{name[-1]}").exists():
            raise metadata.PackageNotFoundError(name)
        return FakeDistribution(name)

    monkeypatch.setattr(metadata, "distribution", distribution)
    monkeypatch.setenv("STANCE_CACHE_DIR", str(tmp_path / "cache"))
    base = PackagedBase(name="fake", description="fake", weights_sha256=sha(weights), parts=tuple(parts),
                        archive_sha256=sha(archive), archive_folder="m")
    return base, site


def test_a_split_base_is_assembled_into_the_cache_without_windows_debris(split_base, tmp_path):
    base, _ = split_base
    path = base.locate()
    assert path.parent == tmp_path / "cache" / "bases"
    assert sorted(p.relative_to(path).as_posix() for p in path.rglob("*") if p.is_file()) == [
        "1_Pooling/config.json", "config.json", "model.safetensors"]


def test_an_assembled_base_is_reused_not_rebuilt(split_base):
    base, site = split_base
    first = base.locate()
    for part in site.rglob("*.00*"):
        part.unlink()  # the parts are no longer needed once the cache holds the model
    assert base.locate() == first


def test_a_missing_part_is_refused_naming_the_package_to_install(split_base):
    base, site = split_base
    (site / "part_2" / "m.zip.002").unlink()
    (site / "part_2").rmdir()
    with pytest.raises(CheckpointError, match=r"part package fake-part-2==0.0.1 is not installed: run `make install`"):
        base.locate()


def test_a_tampered_part_is_refused_and_nothing_is_cached(split_base, tmp_path):
    base, site = split_base
    (site / "part_3" / "m.zip.003").write_bytes(b"tampered")
    with pytest.raises(CheckpointError, match="part .*m.zip.003 of base 'fake' has SHA-256 .*expected"):
        base.locate()
    assert not list((tmp_path / "cache" / "bases").glob("fake-*"))


def test_weights_other_than_the_pin_are_refused_after_extraction(split_base):
    base, _ = split_base
    with pytest.raises(CheckpointError, match="extracted weights have SHA-256"):
        replace(base, weights_sha256="0" * 64).locate()


def test_the_cache_follows_xdg_cache_home_unless_overridden(monkeypatch, tmp_path):
    monkeypatch.delenv("STANCE_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_dir() == tmp_path / "country-stance"


def test_every_packaged_base_pins_its_weights_and_each_part():
    for base in PACKAGED_BASES.values():
        assert len(base.weights_sha256) == 64
        assert all(len(part.sha256) == 64 and part.version for part in base.parts)
