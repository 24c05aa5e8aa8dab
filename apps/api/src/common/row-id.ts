import { isUuid } from '@modelgate/contracts';

const NO_ROW = '00000000-0000-0000-0000-000000000000';

/** Row ids are UUIDs; a path segment that is not one matches no row (404), not a database error. */
export const rowIdOrNone = (id: string) => (isUuid(id) ? id : NO_ROW);
