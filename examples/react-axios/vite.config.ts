import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// Same-origin deployment through the dev server: the page, /auth/* and the API all come from
// http://localhost:5173, so the refresh cookie (Path=/auth, SameSite=Strict) is first-party.
// The auth server must allow this origin: TESSERA_ALLOWED_ORIGINS=http://localhost:5173.
const target = process.env.TESSERA_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  plugins: [react()],
  server: {
    port: 5173,
    strictPort: true,
    proxy: {
      '/auth': { target },
      '/demo': { target },
      '/admin': { target },
    },
  },
});
