import { useState } from 'react';
import type { SessionUser } from '../../shared/auth/roles.js';
import { api } from '../api/bridge.js';
import { useApi } from '../api/useApi.js';
import { ErrorBanner } from '../components/Banner.js';
import { TextField } from '../components/fields.js';

export function LoginPage({ onLoggedIn }: { onLoggedIn(user: SessionUser): void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const call = useApi();

  async function submit() {
    if (!username.trim() || !password) {
      call.setBanner('Saisissez votre identifiant et votre mot de passe.');
      return;
    }
    const user = await call.run(() => api.call('auth.login', { username: username.trim(), password }));
    if (user) onLoggedIn(user);
    else setPassword('');
  }

  return (
    <main className="login-page">
      <form
        className="card login-card"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
        aria-labelledby="login-title"
      >
        <p className="brand brand-large" aria-hidden="true">
          Grenette
        </p>
        <h1 id="login-title">Connexion</h1>
        <p className="muted">Service Enfance Jeunesse</p>
        <TextField path="username" errors={call.fields} label="Identifiant" value={username} onChange={setUsername} autoComplete="username" autoFocus />
        <TextField path="password" errors={call.fields} label="Mot de passe" type="password" value={password} onChange={setPassword} autoComplete="current-password" />
        <ErrorBanner message={call.banner} />
        <button type="submit" className="button primary wide" disabled={call.busy}>
          Se connecter
        </button>
      </form>
    </main>
  );
}
