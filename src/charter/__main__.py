"""Lets `python -m charter` behave like the `charter` console script."""

from charter.cli import main

raise SystemExit(main())
