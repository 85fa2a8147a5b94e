"""Measure recommendation quality: `discogs-recs evaluate` (see docs/evaluation.md).

    collection_input  export CSV (collection.csv_export) / id lists / Discogs user -> owned rows
    profiles          owned rows -> albums of one index (unknown rows reported)
    splits            k-fold and leave-latest-out hold-out splits (seeded)
    catalogue         per-album facts (versions, year, tags, artists, labels) as arrays
    baselines         random, popularity, genre/style overlap (recommender.tags), same artist, same label
    signals           one profile's scores, computed once and shared by the methods
    methods           the methods side by side, hybrids and their grid
    metrics           HR, recall, nDCG, MRR, coverage, diversity, novelty, bootstrap CI
    runner            rank, measure, aggregate; the HR@50 goal check
    report            terminal table and JSON
    cli               the `evaluate` command
"""
