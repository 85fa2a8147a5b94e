// Card styles, shared by the in-page panel (inside its shadow root) and the
// popup. Kept close to Discogs' own look: plain Helvetica/Arial type, dark
// bold links, grey metadata, light grey rules, small rounded chips.
//
// The cards fit the column they land in: the element holding them is a size
// container (`.cards-frame`), and below GRID_MIN_WIDTH_PX the cards are a list
// (a small sleeve left of the text, as in Discogs' right column, about 300 px),
// above it a grid of sleeves (the main column, a full-width page).
export const GRID_MIN_WIDTH_PX = 480;

export const CARD_CSS = `
.cards-frame { container-type: inline-size; }
.cards {
  list-style: none;
  margin: 0;
  padding: 0;
  display: grid;
  grid-template-columns: minmax(0, 1fr);
  gap: 8px;
}
.card {
  position: relative;
  display: grid;
  grid-template-columns: 52px minmax(0, 1fr);
  align-items: start;
  align-content: start;
  gap: 10px;
  min-width: 0;
  padding: 8px 28px 8px 8px;
  border: 1px solid #e4e4e4;
  border-radius: 4px;
  background: #fff;
}
.card:hover { border-color: #c8c8c8; }
.card-text { display: flex; flex-direction: column; gap: 2px; min-width: 0; }
@container (min-width: ${GRID_MIN_WIDTH_PX}px) {
  .cards { grid-template-columns: repeat(auto-fill, minmax(160px, 1fr)); gap: 12px; }
  .card { grid-template-columns: minmax(0, 1fr); gap: 8px; padding: 10px; }
}
.sleeve {
  position: relative;
  aspect-ratio: 1;
  border-radius: 2px;
  overflow: hidden;
  background: #d9d4cc;
}
.sleeve .disc {
  position: absolute;
  inset: 14% 14% 14% 30%;
  border-radius: 50%;
  background:
    radial-gradient(circle, #eee 0 7%, #111 7.5% 9%, var(--label, #c9463d) 9.5% 27%, #161616 27.5%),
    #161616;
}
.sleeve::after {
  content: "";
  position: absolute;
  inset: 0 58% 0 0;
  background: inherit;
  box-shadow: 4px 0 10px rgba(0, 0, 0, 0.18);
}
.sleeve-0 { background: #2f4858; --label: #f2c14e; }
.sleeve-1 { background: #c9463d; --label: #f4ede1; }
.sleeve-2 { background: #33658a; --label: #f6ae2d; }
.sleeve-3 { background: #86bbd8; --label: #2f4858; }
.sleeve-4 { background: #758e4f; --label: #f6ae2d; }
.sleeve-5 { background: #e07a5f; --label: #3d405b; }
.sleeve-6 { background: #3d405b; --label: #e07a5f; }
.sleeve-7 { background: #b08968; --label: #1f1f1f; }
.sleeve-none { background: #bdb8b0; }
.title {
  color: #1a1a1a;
  font-weight: 700;
  text-decoration: none;
  overflow-wrap: anywhere;
}
a.title:hover, a.title:focus-visible { text-decoration: underline; }
.artist { color: #333; overflow-wrap: anywhere; }
.details { color: #6b6b6b; font-size: 12px; }
.styles {
  list-style: none;
  display: flex;
  flex-wrap: wrap;
  gap: 4px;
  margin: 4px 0 0;
  padding: 0;
}
.styles li {
  padding: 1px 7px;
  border-radius: 10px;
  background: #efefef;
  color: #444;
  font-size: 11px;
  line-height: 1.5;
}
.because { margin: 4px 0 0; color: #555; font-size: 12px; }
.because cite { font-style: normal; font-weight: 600; color: #333; }
.listen-links {
  display: flex;
  flex-wrap: wrap;
  align-items: baseline;
  gap: 2px 10px;
  margin: 6px 0 0;
  font-size: 12px;
}
.listen-label { color: #6b6b6b; }
.listen-label::before { content: "\\25B6\\FE0E  "; font-size: 10px; }
.listen-links a { color: #1a1a1a; text-decoration: none; white-space: nowrap; }
.listen-links a:hover, .listen-links a:focus-visible { text-decoration: underline; }
.not-interested {
  position: absolute;
  top: 4px;
  right: 4px;
  width: 22px;
  height: 22px;
  padding: 0;
  border: 0;
  border-radius: 50%;
  background: transparent;
  color: #999;
  font: inherit;
  font-size: 16px;
  line-height: 22px;
  cursor: pointer;
}
.not-interested:hover, .not-interested:focus-visible { background: #ececec; color: #1a1a1a; }
@container (min-width: ${GRID_MIN_WIDTH_PX}px) {
  .not-interested { top: 6px; right: 6px; background: rgba(255, 255, 255, 0.85); }
}
.quiet { margin: 0; color: #6b6b6b; font-size: 13px; }
`;
