// axios with the client's guarantees: a fresh token on every request, one refresh for any
// number of concurrent requests and tabs, one refresh + one retry on a 401 invalid_token.
import { createClient } from '@tessera/client';
import { attachAxios } from '@tessera/client/axios';
import axios from 'axios';

const client = createClient({ baseUrl: location.origin, mode: 'browser' });
const api = axios.create({ baseURL: '/api' });
const detach = attachAxios(api, client);

await client.restore();
const { data } = await api.get('/orders');
console.log(data);

detach(); // removes the interceptors again
