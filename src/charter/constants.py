"""Names every layer shares, defined once; importing this module costs nothing.

The command line reads these to build its help, so they live apart from the
modules that do the work (and their imports).
"""

from __future__ import annotations

API_VERSION = "charter/v1"
"""`apiVersion` of Charter's own formats: catalog, card governance block, run manifest."""

STAGES = ("review", "production")
"""Stages a checklist can make binding, in order: a later stage binds the earlier ones."""

LOCK_FILE = "uv.lock"
"""The project's lock file: hashed into run manifests, and how uv projects are told apart."""

MANIFEST_NAME = "manifest.json"
"""A run's record: `<runs>/<run-id>/manifest.json`."""

CARD_NAME = "card.md"
"""A model's card: `<models>/<model>/card.md`."""

ANSWERS_FILE = ".copier-answers.yml"
"""Copier's answers file in a generated project."""

DVC_YAML = "dvc.yaml"
"""The pipeline's stages, as DVC reads them (Charter's part under each stage's `meta: charter:`)."""
DVC_LOCK = "dvc.lock"
"""What `dvc repro` ran: the md5 of every dependency and output, each stage's parameters."""

PARQUET_SUFFIXES = (".parquet", ".pq", ".parq")
CSV_SUFFIXES = (".csv", ".tsv")
DATA_SUFFIXES = PARQUET_SUFFIXES + CSV_SUFFIXES
"""The data files `charter validate` and `charter new contract` read."""
DATA_SUFFIXES_TEXT = f"{', '.join(DATA_SUFFIXES[:-1])} or {DATA_SUFFIXES[-1]}"

DEFAULT_TASK = "tabular-regression"
"""The Hugging Face task `charter new model` writes when none is given (the worked example's)."""
