import { IncomingMessage } from 'node:http';
import type { Request } from 'express';
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

function localsOf(req: Request): Locals | undefined {
  const locals: unknown = req.res?.locals;
  return typeof locals === 'object' && locals !== null ? (locals as Locals) : undefined;
}

const accessor: PropertyDescriptor = {
  configurable: true,
  enumerable: false,
  get(this: Request): unknown {
    return localsOf(this)?.[AUTH];
  },
  set(this: Request, value: unknown): void {
    const locals = localsOf(this);
    if (locals !== undefined) locals[AUTH] = value;
    else Object.defineProperty(this, 'auth', { value, writable: true, enumerable: true, configurable: true });
  },
};

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

/** Sets `req.auth` without adding an own property to an Express request. */
export function setAuth(req: Request, auth: AuthContext): void {
  const proto: object | null = Object.getPrototypeOf(req);
  let ours = proto === null ? false : viaAccessor.get(proto);
  if (ours === undefined && proto !== null) {
    ours = installAccessor(proto);
    viaAccessor.set(proto, ours);
  }
  const locals = ours ? localsOf(req) : undefined;
  if (locals !== undefined && !Object.hasOwn(req, 'auth')) locals[AUTH] = auth;
  else req.auth = auth;
}
