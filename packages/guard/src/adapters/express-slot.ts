import { IncomingMessage } from 'node:http';
import type { Request, Response } from 'express';
import type { AuthContext } from '../auth-context.js';

// Why req.auth is not a plain own property: Express gives every request its app's prototype
// (`Object.setPrototypeOf(req, app.request)`), and V8 then gives each property added to that
// request a new hidden class of its own, copying the descriptors of every other property: a
// plain `req.auth = auth` cost 1-4 µs per request more than this (Express + guard, both servers
// on one core at once: see benchmarks/README.md), about as much as the cached token check.
// So `auth` is an accessor on Express's request prototype (shared by all apps of that Express
// copy, so it survives mounted sub-apps), and the value lives under a symbol in `res.locals`:
// Express makes that object per request with `Object.create(null)`, a dictionary to which a
// key is added without a new hidden class. Requests of any other origin (no Express prototype,
// no `res.locals`, or an `auth` already defined by someone else) get a plain property.

/** The key of the AuthContext in `res.locals` (a symbol: templates and `for…in` never see it). */
const AUTH = Symbol('@tessera/guard/express auth');

type Locals = Record<PropertyKey, unknown>;

function asLocals(value: unknown): Locals | undefined {
  return typeof value === 'object' && value !== null ? (value as Locals) : undefined;
}

function localsOf(req: Request): Locals | undefined {
  return asLocals(req.res?.locals);
}

// Reading a property of such a request is slow too: its hidden class is its own, so every
// inline cache misses (1-3 µs per request in all on these VMs). Hence the last request whose
// `auth` was set, and that value: a handler reads `req.auth` right after requireAuth set it,
// almost always, and is spared `req.res.locals`. It holds one request until the next one.
let lastRequest: object | undefined;
let lastAuth: unknown;

const accessor: PropertyDescriptor = {
  configurable: true,
  enumerable: false,
  get(this: Request): unknown {
    return this === lastRequest ? lastAuth : localsOf(this)?.[AUTH];
  },
  set(this: Request, value: unknown): void {
    const locals = localsOf(this);
    if (locals !== undefined) store(this, locals, value);
    else Object.defineProperty(this, 'auth', { value, writable: true, enumerable: true, configurable: true });
  },
};

function store(req: Request, locals: Locals, value: unknown): void {
  locals[AUTH] = value;
  lastRequest = req;
  lastAuth = value;
}

/** Per request prototype: whether `req.auth` is our accessor there. */
const viaAccessor = new WeakMap<object, boolean>();

/** The topmost Express prototype in the chain (express's own `request`, below every `app.request`). */
function expressRequestPrototype(proto: object): object | undefined {
  for (let p: object | null = proto; p !== null; p = Object.getPrototypeOf(p)) {
    const up: unknown = Object.getPrototypeOf(p);
    if (up === IncomingMessage.prototype) return Object.hasOwn(p, 'accepts') ? p : undefined;
  }
  return undefined;
}

function installAccessor(proto: object): boolean {
  const base = expressRequestPrototype(proto);
  if (base === undefined) return false;
  if (!('auth' in proto)) Object.defineProperty(base, 'auth', accessor);
  return Object.getOwnPropertyDescriptor(base, 'auth')?.get === accessor.get && !hasOwnAuthBelow(proto, base);
}

/** An `auth` defined on an app's prototype by someone else would shadow ours. */
function hasOwnAuthBelow(proto: object, base: object): boolean {
  for (let p: object | null = proto; p !== null && p !== base; p = Object.getPrototypeOf(p)) {
    if (Object.hasOwn(p, 'auth')) return true;
  }
  return false;
}

/** Sets `req.auth` without adding an own property to an Express request (`res` is `req`'s response). */
export function setAuth(req: Request, res: Response, auth: AuthContext): void {
  const proto: object | null = Object.getPrototypeOf(req);
  let ours = proto === null ? false : viaAccessor.get(proto);
  if (ours === undefined && proto !== null) {
    ours = installAccessor(proto);
    viaAccessor.set(proto, ours);
  }
  const locals = ours ? asLocals(res.locals) : undefined;
  if (locals !== undefined && !Object.hasOwn(req, 'auth')) store(req, locals, auth);
  else req.auth = auth;
}
