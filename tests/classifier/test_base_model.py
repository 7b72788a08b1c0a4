import re
import shutil

import pytest

from classifier.base_model import packaged_base_path, resolve_base
from classifier.checkpoint_files import CheckpointError
from classifier.config import PINNED_BASE_SHA256, ModelConfig


def test_the_packaged_base_matches_the_pinned_hash():
    base = resolve_base(ModelConfig())
    assert base.sha256 == PINNED_BASE_SHA256 and base.path == packaged_base_path()


def test_a_base_with_other_weights_is_refused_with_both_hashes(tiny_base):
    with pytest.raises(CheckpointError, match=re.escape(f"expected {PINNED_BASE_SHA256}: refusing to fine-tune")):
        resolve_base(ModelConfig(base=str(tiny_base)))


def test_a_custom_base_without_a_pinned_hash_is_accepted_and_hashed(tiny_base):
    base = resolve_base(ModelConfig(base=str(tiny_base), base_sha256=None))
    assert base.path == tiny_base.resolve() and len(base.sha256) == 64


def test_a_base_directory_without_weights_is_refused(tiny_base, tmp_path):
    copy = shutil.copytree(tiny_base, tmp_path / "base")
    (copy / "model.safetensors").unlink()
    with pytest.raises(CheckpointError, match="is missing model.safetensors"):
        resolve_base(ModelConfig(base=str(copy), base_sha256=None))
