import { decodeCursor, encodeCursor, type CursorPosition } from '../../platform/cursor';
import { AppError } from '../../platform/errors/app-error';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The position of a cursor whose key is a row id (a UUID); anything else is a 400 naming `cursor`. */
export function idPosition(cursor: string): CursorPosition {
  const position = decodeCursor(cursor, (id) => UUID.test(id));
  if (!position) {
    throw new AppError('invalid_request', {
      fields: [{ field: 'cursor', message: 'is not a cursor this API returned' }],
    });
  }
  return position;
}

/** The users list: oldest first, the id breaking ties. */
export const userCursor = (u: { createdAt: Date; id: string }) => encodeCursor(u.createdAt, u.id);

export function userPosition(cursor: string): { createdAt: Date; id: string } {
  const position = idPosition(cursor);
  return { createdAt: position.createdAt, id: position.key };
}
