"""Provenance: exact and near duplicates, passage-level text reuse, rewrites, and who copied whom.

One module per algorithm: `tokens` (folded word hashes and shingles), `minhash` (signatures),
`lsh` (banding), `fingerprints` (sampled shingles for partial reuse), `simhash` (random hyperplanes
over document vectors, for rewrites), `sketch` (all of these for a batch of articles),
`boilerplate`, `align` (verbatim passages), `rewrite` (sentence-embedding alignment) with its
sentence-pair decision (`features`, `paraphrase`), `quotes` (quotes matched across a
pair), `relate` (relation kind, direction, clusters) and `stage` (the incremental pipeline stage).
"""
