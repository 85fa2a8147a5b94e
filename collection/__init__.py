"""Your collection in: the Discogs API, the CSV export, and what the index makes of them.

Plain Python (no Flask). The pieces, in the order data flows:

    discogs_api.DiscogsClient     GET a user's collection (folder 0) and wantlist, all pages,
      rate_limit.RateLimiter        paced by X-Discogs-Ratelimit-*, backing off on 429
    cache.CollectionCache         fetched collections in SQLite with a TTL
    user_collection               cache first, else fetch (one fetch per user at a time)
    csv_export.parse_export       discogs.com's "Export collection/wantlist" CSV, bad rows reported
    records.Record                one owned or wanted release, from either source
    resolve.resolve               records -> album ids: release, master, artist + title
    embedding.RecordEmbedder      records the index lacks -> vectors with the index's model
    extended_store.ExtendedStore  those vectors seen by the engine as extra owned albums
    recommend                     records -> the answer of POST /api/v1/recommendations
    library/                      Spotify, Apple Music and Last.fm files -> albums (see its docstring)
    service.CollectionService     the entry points the server and the CLI share
    cli                           `discogs-recs recommend --user NAME | --export FILE.csv |
                                  --library FILE`
"""
