"""Acme Health's rules for Charter projects: the ACME family.

Settings live in the project's pyproject.toml, checked against SETTINGS_SCHEMA
by `charter check` (PRJ005):

    [tool.charter.acme]
    domains = ["Cardiology", "Oncology"]
"""

from __future__ import annotations

from collections.abc import Iterator

from charter.plugin import WARNING, Finding, Project, at, rule, settings

FAMILY = "Acme Health"

SETTINGS_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "domains": {
            "type": "array",
            "items": {"type": "string", "minLength": 1},
            "minItems": 1,
            "default": ["Cardiology", "Oncology", "Radiology"],
            "description": "Acme's business domains: every data contract names one.",
        },
        "steward_domain": {
            "type": "string",
            "default": "acme.example",
            "description": "E-mail domain of the data stewards a contract's team lists.",
        },
    },
}


@rule("ACME001", "Data contract names no Acme business domain", settings=["domains"])
def contract_domain(project: Project) -> Iterator[Finding]:
    """## What it checks

    Every data contract's `domain` is one of Acme's business domains, the list `domains` under `[tool.charter.acme]` in `pyproject.toml` (default: Cardiology, Oncology, Radiology).

    ## Why it matters

    Acme's data catalogue, access reviews and cost reports are organised by business domain; a contract outside them has no data owner who reviews its use.

    ## Example

    Fails (`governance/contracts/patients.odcs.yaml`):

    ```yaml
    domain: Example Health
    ```

    Passes:

    ```yaml
    domain: Cardiology
    ```

    ## How to fix

    Set `domain` to the business domain that owns the data, or ask the platform team to add a new domain to the overlay's defaults.
    """
    domains = settings(project, "ACME")["domains"]
    for contract in project.contracts:
        domain = contract.document.data.get("domain")
        if domain not in domains:
            pointer = "/domain" if "domain" in contract.document.data else ""
            yield at(
                contract.document,
                pointer,
                f"domain {domain!r} is not an Acme business domain ({', '.join(domains)})",
            )


@rule(
    "ACME002",
    "Data contract team lists no Acme data steward",
    severity=WARNING,
    settings=["steward_domain"],
)
def contract_steward(project: Project) -> Iterator[Finding]:
    """## What it checks

    Every data contract's `team` lists at least one member whose username is an address at Acme's steward e-mail domain (`steward_domain` under `[tool.charter.acme]`, default `acme.example`). This is a warning.

    ## Why it matters

    Access requests and incidents go to the data steward; a contract without one routes them nowhere.

    ## Example

    Fails:

    ```yaml
    team:
      name: Example team
      members:
        - username: someone@example.org
    ```

    Passes:

    ```yaml
    team:
      name: Cardiology data
      members:
        - username: steward@acme.example
    ```

    ## How to fix

    Add the dataset's steward to `team.members`.
    """
    domain = "@" + settings(project, "ACME")["steward_domain"]
    for contract in project.contracts:
        if not any(member.username.endswith(domain) for member in contract.team):
            yield at(contract.document, "", f"no team member with an address at {domain[1:]}")
