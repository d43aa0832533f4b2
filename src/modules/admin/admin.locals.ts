import type { AdminActor } from './admin.service';

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- Express's own declaration merging point
  namespace Express {
    interface Locals {
      /** Set by `adminAuth` before every admin handler. */
      admin: AdminActor;
    }
  }
}
