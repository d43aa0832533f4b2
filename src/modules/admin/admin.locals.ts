import type { AdminActor } from './admin.service';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- Express's own declaration merging point
  namespace Express {
    interface Locals {
      /** Set by `adminAuth` before every admin handler. */
      admin: AdminActor;
      /** The validated, coerced query string of an admin list (`validateQuery`); its shape is the route's schema. */
      query: unknown;
      /** The canonical `:email` path segment (`emailParam`). */
      email: string;
    }
  }
}
