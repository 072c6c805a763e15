const CONTROLS = /[\u0000-\u001f\u007f-\u009f]/g;
const CONTROLS_BUT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g;
const C1_AND_DEL = /[\u007f-\u009f]/g;

const hex = (ch: string) => ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0");

/** Text from input or a server, made inert: control characters cannot move the cursor or recolour the terminal. */
export function escapeControls(text: string, keepNewlines = false): string {
  return text.replace(keepNewlines ? CONTROLS_BUT_NEWLINE : CONTROLS, (ch) => `\\x${hex(ch)}`);
}

/** JSON.stringify escapes C0 controls but leaves DEL and C1 raw; this escapes those too, still valid JSON. */
export function safeJson(value: unknown, space?: number): string {
  return JSON.stringify(value, null, space).replace(C1_AND_DEL, (ch) => `\\u00${hex(ch)}`);
}
