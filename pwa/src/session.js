// Who is signed in. The token lives in IndexedDB (not localStorage) and only in memory
// otherwise; signing out revokes it on the server and clears every local trace.
import { api, setToken } from "./api.js";
import { clearPersonalData, kvGet, kvSet } from "./store.js";

let session = null; // {token, expires_at, user: {username, role, grids, streets}}

export const currentUser = () => session?.user || null;

export async function restoreSession() {
  const saved = await kvGet("session");
  if (saved && new Date(saved.expires_at) > new Date()) {
    session = saved;
    setToken(saved.token);
  }
  return currentUser();
}

export async function signIn(username, password) {
  const data = await api("/auth/token", { method: "POST", json: { username, password } });
  session = { token: data.token, expires_at: data.expires_at, user: data.user };
  setToken(data.token);
  await kvSet("session", session);
  return data.user;
}

export async function register({ username, password, display_name, phone }) {
  await api("/auth/register", { method: "POST", json: { username, password, display_name, phone } });
  return signIn(username, password);
}

export async function signOut() {
  try {
    if (session) await api("/auth/logout", { method: "POST" });
  } catch {
    // Offline or already expired: the local data goes anyway, the token dies at expires_at.
  }
  session = null;
  setToken(null);
  await clearPersonalData();
}

// The token was refused (expired or revoked): forget it but keep the outbox, so the reports
// go out after the next sign-in.
export async function dropSession() {
  session = null;
  setToken(null);
  await kvSet("session", null);
}

export const isStaff = (user) => ["worker", "supervisor", "admin"].includes(user?.role);
export const isSupervisor = (user) => ["supervisor", "admin"].includes(user?.role);
