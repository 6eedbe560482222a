"""Layout inference for tabular bank files that no profile describes: header synonyms as data
(synonyms.toml, words.toml), value sniffers (sniff), column roles (roles), the running balance as referee
(referee), and the inferred profile with its evidence (layout)."""
from __future__ import annotations

from .layout import Inference, infer

__all__ = ["Inference", "infer"]
