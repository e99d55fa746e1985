"""The human views of a project's artifacts (`charter docs`): Markdown pages made from them."""
