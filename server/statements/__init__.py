"""A bank account's statements over time: the checks of a statement's own figures (balances, chain), the
history that recognises lines already held, and appending a new file to canonical lines written before."""
