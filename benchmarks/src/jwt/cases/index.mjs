// Every variant, in table row order. See ../variant.mjs for the shape.
import { variants as fastJwt } from './fast-jwt.mjs';
import { variants as floor } from './floor.mjs';
import { variants as jose } from './jose.mjs';
import { variants as jsonwebtoken } from './jsonwebtoken.mjs';
import { variants as tessera } from './tessera.mjs';

const all = [...floor, ...tessera, ...fastJwt, ...jsonwebtoken, ...jose];
const ORDER = [
  'floor',
  'tessera',
  'fast-jwt',
  'jsonwebtoken',
  'jose',
  'tessera-cache',
  'fast-jwt-cache',
  'tessera-cache-fresh',
  'fast-jwt-cache-fresh',
];

export const variants = ORDER.map((id) => all.find((v) => v.id === id)).concat(
  all.filter((v) => !ORDER.includes(v.id)),
);

export function findVariant(id) {
  const v = variants.find((x) => x.id === id);
  if (!v) throw new Error(`unknown variant ${id}`);
  return v;
}
