import { createClient } from '@tessera/client';
import { attachAxios } from '@tessera/client/axios';
import axios from 'axios';

/** One client per page: browser mode keeps the access token in memory, the refresh token in the HttpOnly cookie. */
export const tessera = createClient({ baseUrl: location.origin, mode: 'browser' });

/** The API, with the access token attached and one refresh + one retry on a 401. */
export const api = axios.create({ baseURL: location.origin });
attachAxios(api, tessera);

/** What GET /auth/me answers. */
export interface Me {
  id: string;
  email: string;
  roles: string[];
  permissions: string[];
}
