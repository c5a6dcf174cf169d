/**
 * Strict email validation for accounts. An address is shown to operators (CLI tables, audit,
 * admin API) and to users, so besides RFC 5321's lengths it refuses what can disguise or drive a
 * terminal: C0/C1 controls, bidi overrides, zero-width and other format characters, separators,
 * and a label that mixes Latin, Cyrillic and Greek letters (homoglyphs such as Cyrillic `а` in
 * `pаypal`). A label in one script, like an IDN domain in Cyrillic, is fine.
 */

const MAX_ADDRESS_OCTETS = 254;
const MAX_LOCAL_OCTETS = 64;
const MAX_DOMAIN_OCTETS = 255;
const MAX_LABEL_OCTETS = 63;

/** Controls (Cc), format characters (Cf: bidi, zero-width, U+FEFF…), surrogates, private use, unassigned, separators. */
const INVISIBLE = /[\p{C}\p{Z}]/u;
/** One dot-atom of a local part: RFC 5322 atext, plus any other visible non-ASCII character (RFC 6531). */
const LOCAL_ATOM = /^(?:[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]|[^\p{ASCII}])+$/u;
/** One domain label: letters and digits of any script, marks, and inner hyphens (IDN U-labels). */
const DOMAIN_LABEL = /^[\p{L}\p{M}\p{N}](?:[\p{L}\p{M}\p{N}-]*[\p{L}\p{M}\p{N}])?$/u;
const SCRIPTS = [/\p{Script=Latin}/u, /\p{Script=Cyrillic}/u, /\p{Script=Greek}/u];

const octets = (text: string) => Buffer.byteLength(text, 'utf8');

/** True when letters of more than one of Latin, Cyrillic and Greek appear in the text. */
function mixesScripts(text: string): boolean {
  return SCRIPTS.filter((script) => script.test(text)).length > 1;
}

/**
 * True for an address Tessera accepts for an account: give it the normalized form
 * (`normalizeEmail`: trimmed, NFC, lowercase). Unquoted dot-atom local part of 1–64 octets, a
 * domain of two or more labels of 1–63 octets (no IP literals), 254 octets in all, nothing
 * invisible, no label mixing Latin, Cyrillic and Greek.
 *
 * @example
 * isEmail('ada@example.com'); // true
 * isEmail('ada\u202e@example.com'); // false: a bidi override
 */
export function isEmail(value: string): boolean {
  if (octets(value) > MAX_ADDRESS_OCTETS || INVISIBLE.test(value) || value !== value.normalize('NFC')) {
    return false;
  }
  const at = value.indexOf('@');
  if (at < 1 || at !== value.lastIndexOf('@')) return false;
  const local = value.slice(0, at);
  const domain = value.slice(at + 1);
  if (octets(local) > MAX_LOCAL_OCTETS || octets(domain) > MAX_DOMAIN_OCTETS) return false;
  if (!local.split('.').every((atom) => LOCAL_ATOM.test(atom)) || mixesScripts(local)) return false;
  const labels = domain.split('.');
  return (
    labels.length >= 2 &&
    labels.every(
      (label) => octets(label) <= MAX_LABEL_OCTETS && DOMAIN_LABEL.test(label) && !mixesScripts(label),
    )
  );
}
