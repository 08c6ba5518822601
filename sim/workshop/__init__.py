"""The workshop pack (make workshop): a deck, handouts and a facilitator guide from runs made for
the pack (claims C1-C17). `content` gathers each claim's chart and verdict from the saved runs,
`deck` and `printed` render them, `pack` builds the whole folder."""
