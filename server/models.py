"""The API's contract: one pydantic model per request and response.

Requests are validated into these models (server/contract.py) and the OpenAPI document
at /api/v1/openapi.json is generated from the same models, so the two cannot drift.
Defaults and choices come from the recommender, never copied here.
"""
from __future__ import annotations

from typing import Any, Dict, List, Literal, Optional

from pydantic import (BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints,
                      field_validator, model_validator)
from annotated_types import Ge, Le, MaxLen
from typing_extensions import Annotated

from collection.discogs_api import USERNAME
from collection.records import COLLECTION, WANTLIST
from recommender.engine import (DEFAULT_DIVERSITY, DEFAULT_MAX_PER_ARTIST, DEFAULT_STYLE_WEIGHT,
                                MAX_STYLE_WEIGHT, STRATEGY_CHOICES)

# SQLite's INTEGER is signed 64-bit: a larger id cannot name any row.
MAX_ID = 2 ** 63 - 1
MAX_IDS = 10_000
MAX_K = 100


def _integral(value: Any) -> Any:
    """JSON Schema's "integer" includes 20.0; strict validation would refuse it."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


Integral = BeforeValidator(_integral)
# The before-validator comes after the constraints: before them, pydantic would render the
# constraints under their Python names ("ge") instead of JSON Schema's ("minimum").
Id = Annotated[int, Ge(1), Le(MAX_ID), Integral]
# Weight keys are JSON object keys, so strings; 18 digits stay below 2^63.
IdKey = Annotated[str, StringConstraints(pattern=r"^[1-9][0-9]{0,17}$")]
IdList = Annotated[List[Id], MaxLen(MAX_IDS)]
K = Annotated[int, Field(ge=1, le=MAX_K, description="How many albums to return."), Integral]
Strategy = Literal[STRATEGY_CHOICES]  # type: ignore[valid-type]
Diversity = Annotated[float, Field(ge=0, le=1, description="0: pure relevance; higher trades "
                                   "relevance for variety (MMR).")]
MaxPerArtist = Annotated[int, Field(ge=0, le=MAX_K, description="At most this many albums "
                                    "per artist (0: no cap)."), Integral]
StyleWeight = Annotated[float, Field(ge=0, le=MAX_STYLE_WEIGHT, description="Weight of the "
                                     "genre/style overlap added to each album's score.")]
Year = Annotated[int, Field(ge=0, le=9999), Integral]
Username = Annotated[str, StringConstraints(pattern=USERNAME.pattern),
                     Field(description="The name in discogs.com/user/NAME.")]


class _Strict(BaseModel):
    """JSON bodies: no coercion ("20" is not 20, true is not 1), unknown fields refused."""
    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)


class _Query(BaseModel):
    """Query strings are text: "20" is read as 20; parameters not named here are ignored."""
    model_config = ConfigDict(extra="ignore", allow_inf_nan=False)


# -- requests ----------------------------------------------------------------------------------

class Filters(_Strict):
    """Lists match when any value does (case-insensitive); all given filters must match.
    A year range with year_from after year_to matches nothing."""
    genres: Optional[List[str]] = None
    styles: Optional[List[str]] = None
    formats: Optional[List[str]] = None
    year_from: Optional[Year] = None
    year_to: Optional[Year] = None
    country: Optional[str] = None


class RecommendationRequest(_Strict):
    """A collection, a wantlist or the releases on one page: at least one id in release_ids or
    master_ids; at most 10,000 ids in the two together (413 beyond)."""
    model_config = ConfigDict(json_schema_extra={
        "anyOf": [{"required": ["release_ids"], "properties": {"release_ids": {"minItems": 1}}},
                  {"required": ["master_ids"], "properties": {"master_ids": {"minItems": 1}}}],
        "example": {"release_ids": [1842334, 3481603], "master_ids": [13814], "k": 20,
                    "weights": {"1842334": 5}, "filters": {"genres": ["Rock"]},
                    "diversity": 0.2}})

    release_ids: IdList = []
    master_ids: IdList = []
    k: K = 20
    exclude_ids: Annotated[IdList, Field(description="Release or master ids never to show "
                                         "(albums matching either).")] = []
    weights: Annotated[Dict[IdKey, Annotated[float, Field(ge=0)]], Field(
        description="Weight per sent id, e.g. the user's 1-5 rating; unweighted ids get the "
                    "mean weight.", json_schema_extra={"additionalProperties": False})] = {}
    filters: Filters = Filters()
    diversity: Diversity = DEFAULT_DIVERSITY
    strategy: Annotated[Strategy, Field(description="How owned albums are combined.")] = "auto"
    max_per_artist: MaxPerArtist = DEFAULT_MAX_PER_ARTIST
    style_weight: StyleWeight = DEFAULT_STYLE_WEIGHT

    @model_validator(mode="after")
    def _some_ids(self) -> "RecommendationRequest":
        if not self.release_ids and not self.master_ids:
            raise ValueError("release_ids: send at least one id in release_ids or master_ids")
        return self

    @property
    def weight_by_id(self) -> Dict[int, float]:
        return {int(key): float(value) for key, value in self.weights.items()}


class NeighboursQuery(_Query):
    k: K = 20


class SearchQuery(_Query):
    q: Annotated[str, Field(pattern=r"\S", description="Words that must all appear; the last "
                            "may be a prefix.")]
    limit: Annotated[int, Field(ge=1, le=MAX_K)] = 20


class CollectionQuery(_Query):
    """The options of the whole-collection endpoints (query string)."""
    k: K = 20
    strategy: Strategy = "auto"
    diversity: Diversity = DEFAULT_DIVERSITY
    max_per_artist: MaxPerArtist = DEFAULT_MAX_PER_ARTIST
    style_weight: StyleWeight = DEFAULT_STYLE_WEIGHT
    genres: Annotated[List[str], Field(description="Only albums with one of these genres "
                                       "(repeat, or comma-separate).")] = []
    styles: Annotated[List[str], Field(description="Only albums with one of these styles.")] = []
    formats: Annotated[List[str], Field(description="Only albums in one of these formats.")] = []
    year_from: Optional[Year] = None
    year_to: Optional[Year] = None
    country: Optional[str] = None

    @field_validator("genres", "styles", "formats", mode="after")
    @classmethod
    def _split(cls, values: List[str]) -> List[str]:
        return [part.strip() for value in values for part in value.split(",") if part.strip()]

    @field_validator("country", mode="after")
    @classmethod
    def _country(cls, value: Optional[str]) -> Optional[str]:
        return value.strip() or None if value is not None else None

    def filters(self) -> Dict[str, Any]:
        chosen: Dict[str, Any] = {name: getattr(self, name) for name in ("genres", "styles", "formats")
                                  if getattr(self, name)}
        chosen.update({name: getattr(self, name) for name in ("year_from", "year_to", "country")
                       if getattr(self, name) is not None})
        return chosen


class UserQuery(CollectionQuery):
    refresh: Annotated[bool, Field(description="Fetch again even if a fresh copy is cached.")] = False


class ExportQuery(CollectionQuery):
    kind: Annotated[Optional[Literal[COLLECTION, WANTLIST]], Field(  # type: ignore[valid-type]
        description="Default: collection when the CSV has a CollectionFolder column, "
                    "else wantlist.")] = None


class LibraryQuery(CollectionQuery):
    pass


# -- responses ---------------------------------------------------------------------------------

class _Answer(BaseModel):
    """Answers may gain fields; clients ignore what they do not know."""
    model_config = ConfigDict(extra="allow")


class ErrorDetail(BaseModel):
    status: int = Field(description="The HTTP status again.")
    code: str = Field(description="Stable word: invalid_json, invalid_field, unknown_field, "
                      "too_many_ids, payload_too_large, not_found, method_not_allowed, no_index, "
                      "discogs_timeout, discogs_unavailable, ...")
    message: str = Field(description="What to change, for a person.")


class Error(BaseModel):
    """Every failure, on every path."""
    error: ErrorDetail


class IndexSummary(_Answer):
    build_id: str
    built_at: Optional[str]
    dump_dates: Dict[str, str] = Field(description='Dump date per input, e.g. {"releases": "2020-08-06"}.')
    albums: int
    model: str


class Artist(_Answer):
    id: Optional[int]
    name: str


class Link(_Answer):
    url: str
    title: str = ""


class RelatedArtist(_Answer):
    """A link of the artists dump between the recommended album's artist and the owned
    album's, read "<artist>, <relation> <of>"."""
    artist: str = Field(description="The recommended album's artist.")
    relation: Literal["alias of", "member of", "group of"]
    of: str = Field(description="The owned album's artist.")


class Shared(_Answer):
    styles: List[str] = []
    label: Optional[str] = None
    artist: Optional[str] = None
    related: Optional[RelatedArtist] = Field(
        None, description="Set when the index was built with --artists and no artist is the same.")


class Because(_Answer):
    """An owned item that led to the recommendation and what they share."""
    release_id: Optional[int] = None
    master_id: Optional[int] = None
    title: str = ""
    artist: str = ""
    shared: Shared = Shared()


class Album(_Answer):
    """A master, or a release without a master; `url` is the master page when there is one."""
    album_id: int = Field(description="Row of the index (changes per build).")
    master_id: Optional[int]
    release_id: Optional[int]
    title: str
    artists: List[Artist]
    artist: str = Field(description="The credit as displayed.")
    year: Optional[int]
    genres: List[str]
    styles: List[str]
    formats: List[str]
    label: Optional[str]
    country: Optional[str]
    url: Optional[str]
    listen: List[Link] = Field(description="Video links from the dump.")


class Item(Album):
    score: Optional[float] = Field(description="Higher is closer; comparable within one answer.")
    because: List[Because]


class ArtistAlbum(_Answer):
    master_id: Optional[int] = None
    release_id: Optional[int] = None
    title: str = ""
    url: Optional[str] = None


class RecommendedArtist(_Answer):
    id: Optional[int]
    name: str
    score: float
    albums: List[ArtistAlbum]


class RecommendationResponse(_Answer):
    recommendations: List[Item]
    artists: List[RecommendedArtist] = Field(description="Artists the user owns nothing by, ranked.")
    unknown_ids: List[int] = Field(description="Sent ids this index does not know (not an error).")
    index: IndexSummary


class NeighboursResponse(_Answer):
    neighbours: List[Item] = Field(description="Nearest albums, the album itself left out.")
    query: Item
    index: IndexSummary


class SearchResponse(_Answer):
    results: List[Album]
    query: str
    index: IndexSummary


class Release(_Answer):
    """A release of the catalogue (an album's main release known only by its album has the
    album's fields)."""
    release_id: int
    title: str
    artist: str
    album_id: Optional[int]
    master_id: Optional[int] = None
    url: Optional[str]
    master_url: Optional[str]
    index: IndexSummary


class Master(_Answer):
    master_id: int
    title: Optional[str] = None
    url: Optional[str]
    main_release: Optional[int] = None
    releases: List[Dict[str, Any]] = Field(description="Its releases in this catalogue, main "
                                           "release first.")
    index: IndexSummary


class IndexInfo(IndexSummary):
    counts: Dict[str, Any]
    model_details: Dict[str, Any]
    index_type: Optional[str]
    dimension: int
    text_template: Optional[str]
    filters: Dict[str, Any]
    inputs: Dict[str, Any]
    demo: bool = Field(description="Built from the small demo catalogue bundled with the "
                       "package (the dumps could not be reached).")


class Health(_Answer):
    status: Literal["ok"]
    build_id: str
    albums: int


class Profile(_Answer):
    """How the records became the taste profile."""
    albums: int = Field(description="Distinct albums in the profile.")
    matched: Dict[str, int] = Field(description="Records matched by release id, master id, "
                                    "artist and title, tracklist, or embedded on the fly.")
    unknown: int
    embedding: str = Field(description="off, on, or unavailable: reason.")


class CollectionSummary(_Answer):
    username: str
    releases: int = Field(description="Items in folder 0 (All).")
    wantlist: int
    fetched_at: str
    from_cache: bool


class MalformedRow(_Answer):
    line: Optional[int] = None
    reason: str = ""
    skipped: bool = True


class ExportSummary(_Answer):
    kind: Literal[COLLECTION, WANTLIST]  # type: ignore[valid-type]
    rows: int
    malformed_rows: List[MalformedRow] = Field(description="The first 100 rows with a problem.")
    encoding: str


class UnmatchedAlbum(_Answer):
    artist: str = ""
    album: str = ""
    plays: int = 0


class LibrarySummary(_Answer):
    format: str = Field(description="What the file was read as (from its content): "
                        "spotify_library, spotify_streaming_history, spotify_extended_history, "
                        "apple_music_library_tracks, itunes_library_xml, lastfm_scrobbles_csv, "
                        "or zip.")
    albums_read: int = Field(description="Distinct albums (artist and album) in the file.")
    matched: int = Field(description="Distinct albums of the index matched.")
    unmatched: List[UnmatchedAlbum] = Field(description="The 100 most played albums (or "
                                            "tracks) this index lacks.")


class CollectionRecommendationResponse(RecommendationResponse):
    collection: CollectionSummary
    profile: Profile


class ExportRecommendationResponse(RecommendationResponse):
    export: ExportSummary
    profile: Profile


class LibraryRecommendationResponse(RecommendationResponse):
    library: LibrarySummary
    profile: Profile
