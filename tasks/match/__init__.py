"""Match: assign each variant to its best source, or reject it with the evidence.

Two steps, because careful scoring is too slow to run against every source:
`candidates` finds the few sources that share a variant's rarest words (linear in the corpus),
`align` scores each candidate by aligning sentences in order, which copies, edits and
translations keep and different articles on the same event do not.
"""
