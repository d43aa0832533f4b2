/** The signed-in view's list of sessions: device, "this device", last activity. */
import { fill, strings } from './dom.js';

const dates = new Intl.DateTimeFormat(document.documentElement.lang, {
  dateStyle: 'medium',
  timeStyle: 'short',
});

/** "Chrome 131 on Linux", or whichever half is known, or "Unknown device". */
export function deviceName(device) {
  const browser = device?.browser;
  const os = device?.os;
  if (browser && os) return fill(strings.device, { browser, os });
  return browser || os || strings.unknownDevice;
}

function item(session) {
  const li = document.createElement('li');
  const name = document.createElement('span');
  name.className = 'device';
  name.textContent = deviceName(session.device);
  li.append(name);
  if (session.current) {
    li.classList.add('is-current');
    const badge = document.createElement('span');
    badge.className = 'current';
    badge.textContent = strings.thisDevice;
    li.append(' ', badge);
  }
  const meta = document.createElement('span');
  meta.className = 'meta';
  meta.textContent = fill(strings.lastActive, { date: dates.format(new Date(session.lastUsedAt)) });
  li.append(meta);
  return li;
}

/** Replaces the list's items; the current session first. */
export function renderSessions(list, sessions) {
  const sorted = [...sessions].sort((a, b) => Number(Boolean(b.current)) - Number(Boolean(a.current)));
  list.replaceChildren(...sorted.map(item));
}
