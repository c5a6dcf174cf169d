import { useEffect, useState } from 'react';
import { api } from './tessera.js';

interface User {
  id: string;
  email: string;
  roles: string[];
}

/** Shown to admins only; the server checks the role again on every call. */
export function AdminPanel() {
  const [users, setUsers] = useState<User[]>([]);
  const [note, setNote] = useState('');
  useEffect(() => {
    api.get<{ users: User[] }>('/admin/users').then(
      (res) => setUsers(res.data.users),
      () => {},
    );
  }, []);
  const remove = async (id: string) => {
    const res = await api.delete(`/demo/users/${id}`, { validateStatus: () => true });
    setNote(res.status === 204 ? `deleted ${id} (demo: nothing is deleted)` : `refused: ${res.status}`);
  };
  return (
    <section>
      <h2>Admin: users</h2>
      <ul>
        {users.map((u) => (
          <li key={u.id}>
            {u.email} ({u.roles.join(', ')}){' '}
            <button type="button" onClick={() => remove(u.id)}>
              Delete (demo)
            </button>
          </li>
        ))}
      </ul>
      {note && <p>{note}</p>}
    </section>
  );
}
