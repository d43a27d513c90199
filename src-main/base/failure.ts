/**
 * The one exception type services throw for expected failures (bad input, missing object,
 * policy). It carries a code from a closed list chosen by the thrower; the IPC layer turns it
 * into `{code, message, detail}` and anything else into a generic `internal` error.
 */
export class Failure extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly detail?: Readonly<Record<string, string | number | boolean | null>>,
  ) {
    super(message);
    this.name = 'Failure';
  }
}
