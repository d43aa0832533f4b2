import type { RequestHandler } from 'express';
import { decodeCursor, encodeCursor } from '../../platform/cursor';
import { AppError } from '../../platform/errors/app-error';
import type { Session } from './auth.ports';
import type { SessionService } from './session.service';
import type { UserService } from './user.service';
import { sessionView, userView } from './auth.views';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function sessionPosition(raw: unknown): { createdAt: Date; id: string } | undefined {
  if (raw === undefined) return undefined;
  const position =
    typeof raw === 'string' && raw.length <= 200 ? decodeCursor(raw, (id) => UUID.test(id)) : undefined;
  if (!position) throw new AppError('invalid_request', { detail: 'cursor is not valid' });
  return { createdAt: position.createdAt, id: position.key };
}

const cursorAfter = (s: Session) => encodeCursor(s.createdAt, s.id);

function parseLimit(raw: unknown): number {
  if (raw === undefined) return 20;
  const n = typeof raw === 'string' && /^\d{1,3}$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= 1 && n <= 100)) {
    throw new AppError('invalid_request', { detail: 'limit must be 1 to 100' });
  }
  return n;
}

export function createAccountController(deps: { users: UserService; sessions: SessionService }) {
  const me: RequestHandler = async (_req, res) => {
    const auth = res.locals.auth;
    const user = await deps.users.get(auth.userId);
    if (!user) throw new AppError('invalid_token');
    res.json(userView(user));
  };

  const listSessions: RequestHandler = async (req, res) => {
    const auth = res.locals.auth;
    const limit = parseLimit(req.query.limit);
    const after = sessionPosition(req.query.cursor);
    const page = await deps.sessions.listActive(auth.userId, limit + 1, after);
    const data = page.slice(0, limit);
    res.json({
      data: data.map((s) => sessionView(s, auth.session.id)),
      nextCursor: page.length > limit ? cursorAfter(data[data.length - 1]) : null,
    });
  };

  const deleteSession: RequestHandler = async (req, res) => {
    const auth = res.locals.auth;
    const id = String(req.params.id);
    // Another user's session and a malformed id both get 404: nothing to learn about other ids.
    if (
      !UUID.test(id) ||
      !(await deps.sessions.revoke(auth.userId, id.toLowerCase(), 'user_deleted', {
        requestId: res.locals.requestId,
      }))
    ) {
      throw new AppError('not_found');
    }
    res.status(204).end();
  };

  return { me, listSessions, deleteSession };
}
