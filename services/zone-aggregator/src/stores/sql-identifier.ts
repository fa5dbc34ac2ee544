/** A table name put into SQL as is: lower-case, no quoting needed, room for a suffix within 63 bytes. */
export const SQL_IDENTIFIER = /^[a-z_][a-z0-9_]{0,50}$/;
