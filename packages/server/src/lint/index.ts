/**
 * @packageDocumentation
 * `@tessera/server/lint`: the rules of `tessera token lint`, as one browser-safe module (no
 * node: imports, only WebCrypto): the CLI and the console's token inspector run exactly these.
 *
 * @example
 * import { lintToken } from '@tessera/server/lint';
 * for (const f of await lintToken(token)) console.log(f.severity, f.code, f.message);
 */
export {
  type Finding,
  LINT_RULES,
  type LintCode,
  type LintOptions,
  lintToken,
  type Severity,
} from './lint-token.js';
export { base64urlBytes, type ParsedToken, parseTokenLeniently } from './parse-token.js';
