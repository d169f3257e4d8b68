// Nothing printed by the suite may carry a one-time code, a token or a session in full.
// Long opaque strings are cut to their first 8 characters; code-bearing fields are hidden.

const SECRET_KEYS = new Set([
  'ANSWER',
  'ConfirmationCode',
  'code',
  'body',
  'Password',
  'PASSWORD',
  'ProposedPassword',
  'PreviousPassword',
  'NEW_PASSWORD',
  'secretAccessKey',
]);

// Opaque credentials: always cut, whatever their length.
const OPAQUE_KEYS = new Set(['Session', 'AccessToken', 'IdToken', 'RefreshToken', 'REFRESH_TOKEN', 'Token']);

// Anything longer is cut (UUIDs, 36 chars, and client ids stay readable).
const LONG = 40;

export function short(s, keep = 8) {
  if (typeof s !== 'string') return s;
  if (s.length <= LONG) return s;
  return `${s.slice(0, keep)}…(${s.length} chars)`;
}

function cut(s, keep = 8) {
  return s.length <= keep ? s : `${s.slice(0, keep)}…(${s.length} chars)`;
}

export function redactValue(value, key = '') {
  if (value === null || value === undefined) return value;
  if (SECRET_KEYS.has(key) && typeof value === 'string') return `<redacted ${value.length} chars>`;
  if (OPAQUE_KEYS.has(key) && typeof value === 'string') return cut(value);
  if (key === 'message' || key === 'Message' || key === '__type') return value;
  if (typeof value === 'string') return short(value);
  if (Array.isArray(value)) return value.map((v) => redactValue(v));
  if (typeof value === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(value)) out[k] = redactValue(v, k);
    return out;
  }
  return value;
}

/** Redacts a JSON body (or any text) for printing. */
export function redactBody(text) {
  if (text === undefined || text === null || text === '') return text === '' ? '(empty)' : String(text);
  try {
    return JSON.stringify(redactValue(JSON.parse(text)));
  } catch {
    return redactText(text);
  }
}

/** Redacts free text: JWT-like and other long opaque runs, and bare 6–8 digit codes. */
export function redactText(text) {
  return String(text)
    .replace(/eyJ[\w-]{4,}(?:\.[\w-]*){1,4}/g, (m) => short(m))
    .replace(/[A-Za-z0-9+/_=-]{40,}/g, (m) => short(m))
    .replace(/(?<![\d+.:-])\d{6,8}(?![\d.:])/g, (m) => `<${m.length} digits>`);
}
