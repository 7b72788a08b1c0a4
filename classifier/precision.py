"""Numeric precision of the model's matrix work, for training steps and for inference.

`bf16` runs matmuls under bfloat16 autocast: on CPUs with AVX-512 BF16 or AMX it is about twice
as fast as fp32 and keeps the labels (measured in bench/results/latest.md); for inference the
weights are also cast to bf16 once, so a pass does not cast them again (which costs as much as
the compute on a small request). `int8` quantises the linear layers' weights dynamically
(inference only). `auto` picks bf16 where the CPU has the
instructions and falls back to fp32 where it does not, so one config serves every machine.
"""

from __future__ import annotations

import contextlib
from typing import Literal

import torch

from classifier.errors import ConfigError

Precision = Literal["auto", "fp32", "bf16", "int8"]
PRECISIONS: tuple[str, ...] = ("auto", "fp32", "bf16", "int8")


def cpu_has_bf16() -> bool:
    return bool(torch.cpu._is_avx512_bf16_supported() or torch.cpu._is_amx_tile_supported())


def resolve(precision: str) -> str:
    """The precision actually used for a requested one on this CPU."""
    if precision not in PRECISIONS:
        raise ConfigError(f"precision must be one of {PRECISIONS}, but it was: {precision!r}")
    if precision == "auto":
        return "bf16" if cpu_has_bf16() else "fp32"
    return precision


def autocast(precision: str) -> contextlib.AbstractContextManager:
    """The context the forward pass runs in: bf16 autocast for bf16, nothing otherwise."""
    if resolve(precision) == "bf16":
        return torch.autocast("cpu", dtype=torch.bfloat16)
    return contextlib.nullcontext()


def prepare_for_inference(model: torch.nn.Module, precision: str) -> torch.nn.Module:
    """The model as it should run at `precision`: bf16 casts its weights (in place), int8 swaps its
    linear layers for dynamically quantised ones (a new module), fp32 leaves it as it is."""
    precision = resolve(precision)
    if precision == "bf16":
        return model.to(torch.bfloat16)
    if precision != "int8":
        return model
    import warnings

    with warnings.catch_warnings():
        # torch points eager quantisation users to torchao; the eager API still does the job here.
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", UserWarning)
        return torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
