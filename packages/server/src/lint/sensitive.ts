/** Single words that mark a claim as sensitive wherever they appear in its name. */
const SENSITIVE_WORDS = new Set([
  'password',
  'passwd',
  'pwd',
  'passphrase',
  'secret',
  'cvv',
  'cvv2',
  'cvc',
  'ssn',
  'pan',
  'cc',
  'creditcard',
  'cardnumber',
  'ccnumber',
  'ccnum',
  'privatekey',
  'apikey',
]);

/** Substrings of the squashed name (lowercase, letters and digits only) that are sensitive. */
const SENSITIVE_PARTS = [
  'password',
  'passwd',
  'secret',
  'creditcard',
  'cardnumber',
  'cardno',
  'socialsecurity',
  'privatekey',
  'apikey',
];

/** Splits `creditCardNumber`, `credit_card`, `card-no` into lowercase words. */
function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/**
 * True when a claim name looks like it holds a password, a secret, a payment
 * card number, a CVV or a social security number.
 *
 * @example
 * isSensitiveClaimName('creditCard'); // true
 * isSensitiveClaimName('company');    // false ("pan" only counts as a whole word)
 */
export function isSensitiveClaimName(name: string): boolean {
  const parts = words(name);
  if (parts.some((w) => SENSITIVE_WORDS.has(w))) return true;
  const squashed = parts.join('');
  return SENSITIVE_PARTS.some((p) => squashed.includes(p));
}

/**
 * True for 13 to 19 digits (spaces or dashes allowed between them) that pass
 * the Luhn check and start like a payment card (2–6).
 *
 * @example
 * looksLikeCardNumber('4111 1111 1111 1111'); // true
 * looksLikeCardNumber('1716239022000');       // false (a millisecond timestamp)
 */
export function looksLikeCardNumber(value: string | number): boolean {
  const text = String(value).trim();
  if (!/^\d[\d -]{11,30}\d$/.test(text)) return false;
  const digits = text.replace(/[ -]/g, '');
  if (digits.length < 13 || digits.length > 19 || !/^[2-6]/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/**
 * True for a US social security number written `AAA-GG-SSSS` with a valid
 * area, group and serial (no 000, 666 or 9xx area, no 00 group, no 0000).
 *
 * @example
 * looksLikeSsn('123-45-6789'); // true
 */
export function looksLikeSsn(value: string): boolean {
  return /^(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}$/.test(value.trim());
}
