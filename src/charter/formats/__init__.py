"""Formats: parse each governance artifact into typed objects that remember positions.

One module per artifact; each has `load(path)` that raises
`charter.formats.source.FormatError` (message, line, col, code) when the file
cannot be read at all, and otherwise returns an object whose `document`
(`source.Document`) maps JSON pointers to 1-based (line, col):

- `contract.load(path) -> Contract` (ODCS v3: id, version, api_version, team,
  schemas -> properties with `custom` = customProperties by name)
- `catalog.load(path) -> Catalog` (features with sources, join keys, transform ref)
- `card.load(path) -> Card` (front matter, `governance:` block, headings,
  placeholders, `hub_error` = what huggingface_hub says, imported lazily)
- `checklist.load(path) -> Checklist` (stage and rule codes from front matter)
- `manifest.load(path)` (run manifests)
- `deployment.load(path) -> Deployment` (deployment manifests: run, artifact and
  reference data by sha256, card, input contract, image, serving, monitoring,
  the approval roles)

`schema.validate(document, SCHEMA_NAME)` checks a document against a shipped
JSON Schema (`schemas/`), returning located `SchemaProblem`s;
`schema.ODCS_SCHEMAS` maps a contract apiVersion to its official schema.
`vocabulary` holds the fixed customProperties words. Nothing here decides
whether an artifact is good: that is the rules' job.
"""
