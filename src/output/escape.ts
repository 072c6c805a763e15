const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/g;
const CONTROLS_BUT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g;
const C1_AND_DEL = /[\u007f-\u009f]/g;

const hex = (ch: string) => ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0");

/** Text from input or a server, made inert: control characters cannot move the cursor or recolour the terminal. */
export function escapeControls(text: string, keepNewlines = false): string {
  return text.replace(keepNewlines ? CONTROLS_BUT_NEWLINE : CONTROLS, (ch) => `\\x${hex(ch)}`);
}

const HAS_C1_OR_DEL = /[\u007f-\u009f]/;
const escapeC1 = (json: string) => json.replace(C1_AND_DEL, (ch) => `\\u00${hex(ch)}`);

/** What JSON.stringify would escape (quote, backslash, C0, lone surrogates), or safeJson after it (DEL, C1). */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\u007f-\u009f\ud800-\udfff]/;

/** safeJson of a string alone: a record written field by field (a listing's hot path) quotes its strings with this. */
export function jsonString(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return `"${text}"`;
  const json = JSON.stringify(text);
  return HAS_C1_OR_DEL.test(json) ? escapeC1(json) : json;
}

/** JSON.stringify escapes C0 controls but leaves DEL and C1 raw; this escapes those too, still valid JSON. */
export function safeJson(value: unknown, space?: number): string {
  return escapeC1(JSON.stringify(value, null, space));
}
