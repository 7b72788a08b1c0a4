import re
import shutil

import pytest

from classifier.base_model import packaged_base_path, resolve_base
from classifier.checkpoint_files import CheckpointError
from classifier.config import PINNED_BASE_SHA256, ModelConfig


def test_the_packaged_base_matches_the_pinned_hash():
    base = resolve_base(ModelConfig())
    assert base.sha256 == PINNED_BASE_SHA256 and base.path == packaged_base_path()


def test_a_local_base_with_other_weights_than_its_pin_is_refused_with_both_hashes(tiny_base):
    with pytest.raises(CheckpointError, match=re.escape(f"expected {PINNED_BASE_SHA256}: refusing to fine-tune")):
        resolve_base(ModelConfig(base=str(tiny_base), base_sha256=PINNED_BASE_SHA256))


def test_a_packaged_base_with_a_conflicting_pin_in_the_config_is_refused():
    with pytest.raises(CheckpointError, match="is not the pinned hash of the packaged base 'all-minilm-l6-v2'"):
        resolve_base(ModelConfig(base="all-minilm-l6-v2", base_sha256="0" * 64))


def test_a_base_that_is_neither_packaged_nor_a_directory_is_refused_naming_the_packaged_ones(tmp_path):
    with pytest.raises(CheckpointError, match="neither a packaged base .*all-mpnet-base-v2.* nor a local model directory"):
        resolve_base(ModelConfig(base=str(tmp_path / "sentence-transformers-hub-id")))


def test_a_custom_base_without_a_pinned_hash_is_accepted_and_hashed(tiny_base):
    base = resolve_base(ModelConfig(base=str(tiny_base), base_sha256=None))
    assert base.path == tiny_base.resolve() and len(base.sha256) == 64


def test_a_base_directory_without_weights_is_refused(tiny_base, tmp_path):
    copy = shutil.copytree(tiny_base, tmp_path / "base")
    (copy / "model.safetensors").unlink()
    with pytest.raises(CheckpointError, match="is missing model.safetensors"):
        resolve_base(ModelConfig(base=str(copy), base_sha256=None))
