"""Taste from what you listen to: Spotify, Apple Music and Last.fm files -> albums of the index.

Plain Python (no Flask). The files are the ones people download from those services (no
API call). In the order data flows:

    reader.read_library        detect the format from the content (a zip: each member) and
      spotify                    YourLibrary.json, StreamingHistory_music_N.json,
                                 Streaming_History_Audio_*.json / endsong_N.json
      apple                      Apple Music Library Tracks.json, Library.xml (plist)
      lastfm                     scrobbles CSV: artist,album,track,date
      source                     streams, ijson, problems named by line, item or key
    normalise                  artist and title keys: editions, articles, "feat.", diacritics
    match.match_library        albums by artist + title (FTS), album-less tracks by tracklist
    recommend                  plays -> profile weights -> the from-library answer

Entry point: `collection.service.CollectionService.for_library` (the server's
POST /api/v1/recommendations/from-library and `discogs-recs recommend --library FILE`).
"""
