// The panel's own frame. Lives in its shadow root: Discogs' CSS cannot reach
// inside, and ours cannot reach Discogs.
import { CARD_CSS } from "../shared/card-styles.js";

export const PANEL_CSS = `
/* !important because page rules that happen to match the host element would
   otherwise beat :host rules; everything inside is out of the page's reach. */
:host {
  all: initial !important;
  display: block !important;
  margin: 24px 0 !important;
  /* Discogs' columns are flex boxes whose sections are placed by inline
     \`order\`: the panel takes its neighbour's (panel.js sets the variable;
     \`all\` leaves custom properties alone), or it would jump to the top. */
  order: var(--discogs-recs-order, 0) !important;
}
.panel {
  display: block;
  color: #1a1a1a;
  font-family: "Helvetica Neue", Helvetica, Arial, sans-serif;
  font-size: 14px;
  line-height: 1.45;
  text-align: left;
}
.panel-header {
  display: flex;
  align-items: baseline;
  justify-content: space-between;
  gap: 12px;
  margin: 0 0 12px;
  padding: 0 0 6px;
  border-bottom: 1px solid #ddd;
}
h2 { margin: 0; font-size: 18px; font-weight: 700; line-height: 1.3; }
.source {
  padding: 0;
  border: 0;
  background: none;
  color: #6b6b6b;
  font: inherit;
  font-size: 12px;
  cursor: pointer;
}
.source:hover, .source:focus-visible { color: #1a1a1a; text-decoration: underline; }
.loading::after {
  content: "";
  display: inline-block;
  width: 1.2em;
  text-align: left;
  animation: dots 1.2s steps(4, end) infinite;
}
@keyframes dots {
  0% { content: ""; }
  25% { content: "."; }
  50% { content: ".."; }
  75% { content: "..."; }
}
${CARD_CSS}
`;
