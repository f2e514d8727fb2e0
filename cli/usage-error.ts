/** A usage or I/O problem: printed as one line, exit status 2. */
export class UsageError extends Error {}
