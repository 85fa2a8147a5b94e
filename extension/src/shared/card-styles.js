// Card styles, shared by the in-page panel (inside its shadow root) and the
// popup. Kept close to Discogs' own look: plain Helvetica/Arial type, dark
// bold links, grey metadata, light grey rules, small rounded chips.
export const CARD_CSS = `
.cards {
  list-style: none;
  margin: 0;
  padding: 0;
  display: grid;
  grid-template-columns: repeat(auto-fill, minmax(165px, 1fr));
  gap: 10px;
}
.card {
  position: relative;
  display: flex;
  flex-direction: column;
  gap: 2px;
  min-width: 0;
  padding: 10px 28px 10px 10px;
  border: 1px solid #e4e4e4;
  border-radius: 4px;
  background: #fff;
}
.card:hover { border-color: #c8c8c8; }
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
  margin: 6px 0 0;
  padding: 0;
}
.styles li {
  padding: 1px 7px;
  border-radius: 10px;
  background: #efefef;
  color: #444;
  font-size: 11px;
}
.because { margin: 6px 0 0; color: #555; font-size: 12px; }
.because cite { font-style: normal; font-weight: 600; color: #333; }
.listen {
  align-self: flex-start;
  margin-top: 6px;
  color: #1a1a1a;
  font-size: 12px;
  text-decoration: none;
}
.listen::before { content: "\\25B6\\FE0E  "; font-size: 10px; }
.listen:hover { text-decoration: underline; }
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
.quiet { margin: 0; color: #6b6b6b; font-size: 13px; }
`;
