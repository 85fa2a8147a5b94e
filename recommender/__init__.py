"""Recommendations from a published index: plain Python, no Flask, no torch.

    store.py       IndexStore: one build's vectors, FAISS index and catalogue, loaded once
    reload.py      PublishedIndex: follows DIR/manifest.json and swaps in new builds
    engine.py      Recommender: recommend(), neighbours(), score_catalogue(), rank_catalogue()
    strategies.py  how owned vectors become candidate scores (max, rrf, mean, kmeans)
    tags.py        the genre/style overlap term (style_weight) and its CSR tag columns
    diversity.py   MMR selection and the cap per artist
    explain.py     "because you own ..." and the artists to discover
    filters.py     genre / style / format / year / country filters
    items.py       catalogue rows -> the JSON items of the API

The API is described in engine.py's docstring and docs/serving.md.
"""
