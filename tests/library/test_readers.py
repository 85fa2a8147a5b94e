"""Each library format read from hand-written files in the documented shapes; detection by
content (never by name); the Spotify export's zip; broken files named by line or key."""
from __future__ import annotations

import io
import json
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from collection.errors import InvalidLibrary
from collection.library.reader import read_library

from .conftest import library_file


def read(name: str, as_name: str = "upload"):
    """Read a file under a name that says nothing of its format."""
    with library_file(name).open("rb") as handle:
        return read_library(handle, as_name)


def albums(library):
    return {(a.artist, a.album): (a.plays, a.saved) for a in library.albums.values()}


def tracks(library):
    return {(t.artist, t.track): t.plays for t in library.tracks.values()}


def fails(data: bytes, name: str = "upload") -> str:
    with pytest.raises(InvalidLibrary) as caught:
        read_library(io.BytesIO(data), name)
    assert caught.value.status == 400 and caught.value.code == "invalid_library"
    return caught.value.message


# -- the formats --------------------------------------------------------------------------

def test_spotify_your_library_saved_tracks_and_albums():
    library = read("YourLibrary.json")
    assert library.format == "spotify_library"
    found = albums(library)
    assert found[("Radiohead", "OK Computer")] == (0, True)   # two saved tracks: one album
    assert found[("The Beatles", "Abbey Road (Remastered)")] == (0, True)
    assert len(found) == 11 and library.tracks == {}
    assert library.problems.count == 0


def test_spotify_streaming_history_is_track_only_and_skips_short_plays():
    library = read("StreamingHistory_music_0.json")
    assert library.format == "spotify_streaming_history"
    assert library.albums == {}
    assert tracks(library) == {
        ("The Persuader", "Östermalm"): 2, ("The Persuader", "Vasastaden"): 1,
        ("Josh Wink", "K-Mart Shopping - Hi-Fi Mix"): 1, ("Daft Punk", "One More Time"): 1,
        ("Daft Punk", "Da Funk"): 1, ("Phoebe Bridgers", "Kyoto"): 1,
        ("Phoebe Bridgers", "Garden Song"): 1}
    assert library.stats["short_streams"] == 1   # Josh Wink's 12-second "Sweat"
    assert library.summary()["short_plays"] == 1


def test_spotify_extended_history_counts_plays_and_leaves_podcasts_out():
    library = read("Streaming_History_Audio_2021.json")
    assert library.format == "spotify_extended_history"
    found = albums(library)
    assert found[("Radiohead", "OK Computer")] == (2, False)
    assert ("Radiohead", "Kid A") not in found          # only a 4-second skip
    assert found[("Kendrick Lamar", "DAMN.")] == (2, False)
    assert library.stats["not_music"] == 1 and library.stats["short_streams"] == 1
    assert library.stats["plays"] == 11


def test_apple_music_library_tracks_json():
    library = read("Apple Music Library Tracks.json")
    assert library.format == "apple_music_library_tracks"
    found = albums(library)
    assert found[("Massive Attack", "Mezzanine")] == (58, True)
    assert found[("Aphex Twin", "Windowlicker - EP")] == (0, True)   # never played: saved
    assert found[("Lauryn Hill", "The Miseducation of Lauryn Hill")] == (8, True)  # album artist
    assert library.stats["not_music"] == 1                            # the music video


def test_music_library_xml_plist():
    library = read("Library.xml")
    assert library.format == "itunes_library_xml"
    found = albums(library)
    assert found == {("Nirvana", "Nevermind (Remastered)"): (84, True),
                     ("Nirvana", "MTV Unplugged In New York (Live)"): (11, True),
                     ("Fleetwood Mac", "Rumours (Super Deluxe)"): (37, True),
                     ("David Bowie", '"Heroes" (2017 Remaster)'): (0, True),
                     ("Fugees", "The Score (Expanded Edition)"): (15, True),
                     ("Phoebe Bridgers", "Stranger in the Alps"): (19, True)}
    assert library.stats["not_music"] == 1     # the podcast; playlists are not tracks
    assert library.problems.count == 0


def test_lastfm_scrobbles_csv_without_header():
    library = read("scrobbles.csv")
    assert library.format == "lastfm_scrobbles_csv"
    found = albums(library)
    assert found[("Aphex Twin", "Selected Ambient Works 85-92")] == (3, False)
    assert found[("Stan Getz & João Gilberto", "Getz/Gilberto")] == (1, False)
    assert tracks(library) == {("Daft Punk", "One More Time"): 1}    # no album on that line
    assert library.stats["rows"] == 15


def test_lastfm_csv_with_a_header_in_another_order():
    data = b"date,track,artist,album\n01 Jan 2022 10:00,Teardrop,Massive Attack,Mezzanine\n"
    library = read_library(io.BytesIO(data))
    assert library.format == "lastfm_scrobbles_csv"
    assert albums(library) == {("Massive Attack", "Mezzanine"): (1, False)}


@pytest.mark.parametrize("name", ["YourLibrary.json", "StreamingHistory_music_0.json",
                                  "Streaming_History_Audio_2021.json",
                                  "Apple Music Library Tracks.json", "Library.xml", "scrobbles.csv"])
def test_the_format_comes_from_the_content_not_the_name(name, tmp_path):
    renamed = tmp_path / "download (3).txt"
    renamed.write_bytes(library_file(name).read_bytes())
    with renamed.open("rb") as handle:
        assert read_library(handle, renamed.name).format == read(name, name).format


def test_a_byte_order_mark_is_fine():
    data = b"\xef\xbb\xbf" + library_file("StreamingHistory_music_0.json").read_bytes()
    assert read_library(io.BytesIO(data)).format == "spotify_streaming_history"


# -- the whole Spotify export as a zip -----------------------------------------------------------

def spotify_zip(extended: bool = True) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("MyData/ReadMeFirst.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        archive.writestr("MyData/Userdata.json", json.dumps({"username": "listener", "country": "DE"}))
        archive.writestr("MyData/Playlist1.json", json.dumps({"playlists": []}))
        archive.writestr("MyData/StreamingHistory_podcast_0.json", json.dumps(
            [{"endTime": "2023-01-01 10:00", "podcastName": "The Vinyl Hour",
              "episodeName": "Crate digging", "msPlayed": 1800000}]))
        archive.writestr("MyData/YourLibrary.json", library_file("YourLibrary.json").read_bytes())
        archive.writestr("MyData/StreamingHistory_music_0.json",
                         library_file("StreamingHistory_music_0.json").read_bytes())
        if extended:
            archive.writestr("Spotify Extended Streaming History/Streaming_History_Audio_2021.json",
                             library_file("Streaming_History_Audio_2021.json").read_bytes())
    return buffer.getvalue()


def test_the_spotify_export_zip_reads_every_music_file():
    library = read_library(io.BytesIO(spotify_zip()), "my_spotify_data.zip")
    assert library.format == "zip"
    files = {f["name"]: f for f in library.files}
    assert files["MyData/YourLibrary.json"]["format"] == "spotify_library"
    assert files["MyData/YourLibrary.json"]["rows"] == 12
    # The extended history holds the basic history's plays too: counted once.
    assert "extended" in files["MyData/StreamingHistory_music_0.json"]["skipped"]
    assert "MyData/Userdata.json" not in files and "MyData/ReadMeFirst.pdf" not in files
    found = albums(library)
    assert found[("Radiohead", "OK Computer")] == (2, True)   # saved and played
    assert library.tracks == {}


def test_a_zip_without_the_extended_history_uses_the_basic_one():
    library = read_library(io.BytesIO(spotify_zip(extended=False)))
    assert tracks(library)[("The Persuader", "Östermalm")] == 2


def test_a_zip_of_nothing_readable():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "hello")
    message = fails(buffer.getvalue(), "photos.zip")
    assert "photos.zip is a zip holding no library file" in message


def test_a_damaged_zip():
    message = fails(b"PK\x03\x04" + b"\x00" * 40, "export.zip")
    assert "zip file that cannot be read" in message


def apple_zip() -> bytes:
    """Apple's privacy export: a zip of zips; the play activity names no artist."""
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Apple Music Library Tracks.json",
                         library_file("Apple Music Library Tracks.json").read_bytes())
    outer = io.BytesIO()
    columns = ["Apple ID Number", "Apple Music Subscription", "Build Version", "Client IP Address",
               "Content Name", "Content Provider", "Content Specific Type", "Device Identifier",
               "End Position In Milliseconds", "End Reason Type", "Event End Timestamp",
               "Event Received Timestamp", "Event Start Timestamp", "Event Type", "Feature Name",
               "Song Name", "Album Name", "Media Duration In Milliseconds", "Play Duration Milliseconds"]
    activity = ",".join(columns) + "\n" + ",".join(["1"] * len(columns)) + "\n"
    with zipfile.ZipFile(outer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("Apple_Media_Services/Apple Music Activity/Apple Music Library Tracks.json.zip",
                         inner.getvalue())
        archive.writestr("Apple_Media_Services/Apple Music Activity/Apple Music Play Activity.csv", activity)
        archive.writestr("Apple_Media_Services/Apple Music Activity/Apple Music Library Playlists.json",
                         json.dumps([{"Title": "Road trip", "Playlist Item Identifiers": [1, 2]}]))
    return outer.getvalue()


def test_apples_zip_of_zips_is_read():
    library = read_library(io.BytesIO(apple_zip()), "Apple_Media_Services.zip")
    names = {f["name"]: f for f in library.files}
    inner = ("Apple_Media_Services/Apple Music Activity/Apple Music Library Tracks.json.zip/"
             "Apple Music Library Tracks.json")
    assert names[inner]["format"] == "apple_music_library_tracks" and names[inner]["rows"] == 10
    assert len(library.files) == 1   # the play activity CSV is not taken for scrobbles
    assert albums(library)[("Massive Attack", "Mezzanine")] == (58, True)


def test_a_damaged_file_inside_a_zip_is_named():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("MyData/StreamingHistory_music_0.json",
                         library_file("StreamingHistory_music_0.json").read_bytes()[:200])
    message = fails(buffer.getvalue(), "my_spotify_data.zip")
    assert "MyData/StreamingHistory_music_0.json is not valid JSON (line " in message


# -- broken files --------------------------------------------------------------------------------

def test_a_truncated_json_history_names_the_line():
    data = library_file("Streaming_History_Audio_2021.json").read_bytes()
    cut = data[:data.index(b'"Kendrick Lamar"')]
    line = cut.count(b"\n") + 1
    message = fails(cut, "Streaming_History_Audio_2021.json")
    assert "Streaming_History_Audio_2021.json is not valid JSON" in message
    assert f"line {line} " in message and "download it again" in message


def test_a_syntax_error_in_the_middle_names_its_line():
    data = library_file("StreamingHistory_music_0.json").read_bytes().replace(
        b'"msPlayed": 371000}', b'"msPlayed": 371000,,}')
    assert "line 3 column" in fails(data)


def test_items_without_a_needed_key_are_named_and_the_rest_used():
    items = json.loads(library_file("StreamingHistory_music_0.json").read_text())
    del items[1]["msPlayed"]
    items[2]["artistName"] = ""
    library = read_library(io.BytesIO(json.dumps(items).encode()))
    problems = [p.to_dict() for p in library.problems.kept]
    assert problems == [
        {"where": "item 2", "reason": "'msPlayed' is missing or not a number", "skipped": True},
        {"where": "item 3", "reason": "no 'artistName'", "skipped": True}]
    assert len(library.tracks) == 6


def test_a_file_with_no_usable_item_is_400_naming_the_key():
    items = [{"ts": "2021-01-01T00:00:00Z", "ms_played": 200000, "master_metadata_track_name": "Teardrop",
              "master_metadata_album_artist_name": None, "master_metadata_album_album_name": "Mezzanine"}]
    message = fails(json.dumps(items).encode(), "endsong_0.json")
    assert "endsong_0.json (spotify_extended_history) holds no usable album or track" in message
    assert "item 1: no 'master_metadata_album_artist_name'" in message


def test_only_short_plays_says_so():
    items = [{"endTime": "2023-01-01 10:00", "artistName": "Burial", "trackName": "Archangel", "msPlayed": 5000}]
    assert "1 plays shorter than 30 seconds were skipped" in fails(json.dumps(items).encode())


def test_broken_library_xml_names_the_line():
    data = library_file("Library.xml").read_bytes().replace(b"<key>Album</key><string>Rumours",
                                                             b"<key>Album</key><strin>Rumours")
    line = data[:data.index(b"<strin>")].count(b"\n") + 1
    message = fails(data, "Library.xml")
    assert f"Library.xml is not valid XML (line {line}:" in message


def test_xml_that_is_not_a_plist():
    assert "not a Music or iTunes library" in fails(b"<?xml version='1.0'?><rss><channel/></rss>")


def test_the_xml_reader_loads_no_external_entity(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET")
    data = (f'<?xml version="1.0"?><!DOCTYPE plist [<!ENTITY x SYSTEM "file://{secret}">]>'
            '<plist><dict><key>Tracks</key><dict><key>1</key><dict><key>Name</key><string>A</string>'
            '<key>Artist</key><string>&x;</string><key>Album</key><string>B</string></dict></dict>'
            '</dict></plist>').encode()
    try:
        library = read_library(io.BytesIO(data))
    except InvalidLibrary:
        return  # refusing it is fine too
    assert all("SECRET" not in a.artist for a in library.albums.values())


def test_csv_rows_with_too_few_fields_are_named_by_line():
    data = b"Burial,Untrue,Archangel,16 Mar 2022 01:00\nBurial\n,Untrue,Etched Headplate,16 Mar 2022\n"
    library = read_library(io.BytesIO(data))
    assert [p.to_dict() for p in library.problems.kept] == [
        {"where": "line 2", "reason": "1 field(s); a scrobble is artist,album,track,date", "skipped": True},
        {"where": "line 3", "reason": "no artist", "skipped": True}]
    assert albums(library) == {("Burial", "Untrue"): (1, False)}


@pytest.mark.parametrize("data, words", [
    (b"", "it is empty"),
    (b"   \n", "it is empty"),
    (b"[]", "an empty JSON array"),
    (b"[1, 2, 3]", "a JSON array of ints"),
    (b'[{"id": 1, "name": "x"}]', "first item has the keys 'id', 'name'"),
    (b'{"username": "listener"}', "first key is 'username'"),
    (b"just some words\nmore words\n", "neither JSON, a plist nor a CSV"),
])
def test_files_that_are_none_of_the_formats(data, words):
    message = fails(data, "mystery.bin")
    assert message.startswith("mystery.bin is not a library file this reads (") and words in message
    assert "Spotify" in message and "Apple Music" in message and "Last.fm" in message


def test_a_discogs_export_sent_here_says_where_it_belongs():
    data = (b"Catalog#,Artist,Title,Label,Format,Rating,Released,release_id,CollectionFolder\n"
            b"X1,Burial,Untrue,Hyperdub,LP,,2007,1095245,Uncategorized\n")
    assert "Discogs collection or wantlist export" in fails(data)


def test_the_podcast_history_says_which_file_to_send():
    data = b'[{"endTime": "2023-01-01 10:00", "podcastName": "P", "episodeName": "E", "msPlayed": 1}]'
    assert "StreamingHistory_music_N.json" in fails(data)


# -- streaming ---------------------------------------------------------------------------------

def test_a_large_history_is_streamed_not_loaded(tmp_path: Path):
    """A 3 MB extended history is read in an eighth of its size in memory (what is kept is
    one entry per distinct album); 50 MB ones are read the same way."""
    path = tmp_path / "Streaming_History_Audio_2019-2023.json"
    item = ('{{"ts": "2021-03-02T07:41:09Z", "platform": "Android OS 11", "ms_played": 237000, '
            '"conn_country": "DE", "master_metadata_track_name": "Track {n}", '
            '"master_metadata_album_artist_name": "Artist {a}", "master_metadata_album_album_name": '
            '"Album {a}", "spotify_track_uri": "spotify:track:{n:022d}", "episode_name": null, '
            '"reason_start": "trackdone", "reason_end": "trackdone", "shuffle": false}}')
    with path.open("w") as out:
        out.write("[\n")
        out.write(",\n".join(item.format(n=n, a=n % 200) for n in range(12000)))
        out.write("\n]\n")
    size = path.stat().st_size
    assert size > 3_000_000
    tracemalloc.start()
    try:
        with path.open("rb") as handle:
            library = read_library(handle, path.name)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert library.stats["plays"] == 12000 and len(library.albums) == 200
    assert peak < size / 8, f"peak {peak:,} bytes for a {size:,}-byte file"
