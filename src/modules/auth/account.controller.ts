import type { RequestHandler } from 'express';
import type { AccountService } from './account.service';
import { OTP_ACCEPTED_BODY, clientContext } from './auth.controller';
import { encodeCursor } from '../../platform/cursor';
import { AppError } from '../../platform/errors/app-error';
import { validated } from '../../platform/http/route-table';
import type { Session } from './auth.ports';
import { UUID, type SessionsQuery } from './auth.schemas';
import type { SessionService } from './session.service';
import type { UserService } from './user.service';
import { sessionView, userView } from './auth.views';

const cursorAfter = (s: Session) => encodeCursor(s.createdAt, s.id);

export function createAccountController(deps: {
  users: UserService;
  sessions: SessionService;
  accounts: AccountService;
}) {
  const me: RequestHandler = async (_req, res) => {
    const auth = res.locals.auth;
    const user = await deps.users.get(auth.userId);
    if (!user) throw new AppError('invalid_token');
    res.json(userView(user));
  };

  const listSessions: RequestHandler = async (_req, res) => {
    const auth = res.locals.auth;
    const { limit, cursor } = validated<SessionsQuery>(res).query;
    const after = cursor && { createdAt: cursor.createdAt, id: cursor.key };
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

  const deleteMe: RequestHandler = async (_req, res) => {
    await deps.accounts.deleteMe(res.locals.auth, { requestId: res.locals.requestId });
    res.status(204).end();
  };

  const requestEmailChange: RequestHandler = async (req, res) => {
    const { email } = req.body as { email: string };
    await deps.accounts.requestEmailChange(res.locals.auth, email, clientContext(req, res));
    res.status(202).json(OTP_ACCEPTED_BODY);
  };

  const confirmEmailChange: RequestHandler = async (req, res) => {
    const { email, code } = req.body as { email: string; code: string };
    const user = await deps.accounts.confirmEmailChange(
      res.locals.auth,
      email,
      code,
      clientContext(req, res),
    );
    res.status(200).json(userView(user));
  };

  return { me, listSessions, deleteSession, deleteMe, requestEmailChange, confirmEmailChange };
}
