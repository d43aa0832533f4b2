import type { Request, RequestHandler, Response } from 'express';
import { AppError } from '../../platform/errors/app-error';
import type { Session } from './auth.ports';
import type { SessionService } from './session.service';

/** Who is calling: the access token's user and their live session. */
export interface AuthContext {
  userId: string;
  session: Session;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- Express's own declaration merging point
  namespace Express {
    interface Locals {
      /** Set by `authenticate` before every handler of a signed-in route. */
      auth: AuthContext;
    }
  }
}

/**
 * Bearer access tokens from the Authorization header only: a token in the query string
 * (?access_token=) would end up in proxy logs and is never read.
 */
export async function bearerCaller(
  req: Request,
  res: Response,
  sessions: SessionService,
): Promise<AuthContext> {
  const header = req.get('authorization') ?? '';
  const match = /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header);
  if (!match) {
    res.setHeader('WWW-Authenticate', 'Bearer');
    throw new AppError('unauthorized');
  }
  try {
    return await sessions.authenticate(match[1]);
  } catch (err) {
    res.setHeader('WWW-Authenticate', 'Bearer error="invalid_token"');
    throw err;
  }
}

/** The guard of the signed-in routes: `res.locals.auth` for the handler, or 401. */
export function authenticate(sessions: SessionService): RequestHandler {
  return async (req, res, next) => {
    let auth: AuthContext;
    try {
      auth = await bearerCaller(req, res, sessions);
    } catch (err) {
      return next(err);
    }
    res.locals.auth = auth;
    next();
  };
}
