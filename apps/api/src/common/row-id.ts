const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NO_ROW = '00000000-0000-0000-0000-000000000000';

/** Row ids are UUIDs; a path segment that is not one matches no row (404), not a database error. */
export const rowIdOrNone = (id: string) => (UUID.test(id) ? id : NO_ROW);
