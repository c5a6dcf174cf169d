// The servers of `npm run bench:http`, and the targets.

export const ALGS = ['HS256', 'EdDSA'];

/**
 * id: case id; kind: server.mjs kind; base: the same framework without auth;
 * auth: false for the no-auth servers (a tampered token gets 200 there);
 * cache: the guard's verified-token cache; algs: where the case exists.
 */
export const SERVERS = [
  { id: 'node', kind: 'node', base: 'node', auth: false, label: 'raw node:http, no auth' },
  {
    id: 'node-guard-nocache',
    kind: 'node-guard',
    base: 'node',
    auth: true,
    cache: false,
    label: 'node:http + guard, cache: false',
  },
  {
    id: 'node-guard',
    kind: 'node-guard',
    base: 'node',
    auth: true,
    cache: true,
    label: 'node:http + guard, cache on (default)',
  },
  { id: 'fastify', kind: 'fastify', base: 'fastify', auth: false, label: 'Fastify, no auth' },
  {
    id: 'fastify-guard-nocache',
    kind: 'fastify-guard',
    base: 'fastify',
    auth: true,
    cache: false,
    label: 'Fastify + guard, cache: false',
  },
  {
    id: 'fastify-guard',
    kind: 'fastify-guard',
    base: 'fastify',
    auth: true,
    cache: true,
    label: 'Fastify + guard, cache on (default)',
  },
  {
    id: 'fastify-guard-dpop-nocache',
    kind: 'fastify-guard',
    base: 'fastify',
    auth: true,
    cache: false,
    dpop: true,
    algs: ['EdDSA'],
    label: 'Fastify + guard, cache: false, DPoP-bound token (a fresh ES256 proof per request)',
    unavailable: { HS256: 'the DPoP rows use the EdDSA token (the proofs are ES256)' },
  },
  {
    id: 'fastify-guard-dpop',
    kind: 'fastify-guard',
    base: 'fastify',
    auth: true,
    cache: true,
    dpop: true,
    algs: ['EdDSA'],
    label: 'Fastify + guard, cache on, DPoP-bound token (a fresh ES256 proof per request)',
    unavailable: { HS256: 'the DPoP rows use the EdDSA token (the proofs are ES256)' },
  },
  { id: 'fastify-jwt', kind: 'fastify-jwt', base: 'fastify', auth: true, label: 'Fastify + @fastify/jwt' },
  { id: 'express', kind: 'express', base: 'express', auth: false, label: 'Express, no auth' },
  {
    id: 'express-layer',
    kind: 'express-layer',
    base: 'express',
    auth: false,
    label: 'Express, no auth, a middleware setting req.auth',
  },
  {
    id: 'express-guard-nocache',
    kind: 'express-guard',
    base: 'express',
    auth: true,
    cache: false,
    label: 'Express + guard, cache: false',
  },
  {
    id: 'express-guard',
    kind: 'express-guard',
    base: 'express',
    auth: true,
    cache: true,
    label: 'Express + guard, cache on (default)',
  },
  {
    id: 'express-jwt',
    kind: 'express-jwt',
    base: 'express',
    auth: true,
    algs: ['HS256'],
    label: 'Express + express-jwt (KeyObject secret)',
    unavailable: { EdDSA: 'jsonwebtoken 9 (under express-jwt) has no EdDSA' },
  },
];

/**
 * Targets: req/s of the guard as shipped (verified-token cache on, the default)
 * over the same framework without auth. The `cache: false` row's ratio is
 * printed alongside: every request then pays the signature check (88 µs for
 * Ed25519 on the machines we measured), which no per-request budget of a few
 * µs can absorb.
 */
export const TARGETS = [
  {
    id: 'fastify-guard',
    uncached: 'fastify-guard-nocache',
    anchor: 'fastify-jwt',
    base: 'fastify',
    min: 0.8,
  },
  { id: 'node-guard', uncached: 'node-guard-nocache', base: 'node', min: 0.75 },
  {
    id: 'express-guard',
    uncached: 'express-guard-nocache',
    anchor: 'express-jwt',
    base: 'express',
    min: 0.95,
  },
];

/**
 * Pairs measured by bench:http:paired for context, with no target: what any Express
 * middleware that sets `req.auth` costs even when it checks nothing, and the guard
 * against that floor.
 */
export const REFERENCES = [
  { id: 'express-layer', base: 'express' },
  { id: 'express-guard', base: 'express-layer' },
];

export function caseName(alg, server) {
  return `${alg}/${server.id}`;
}
