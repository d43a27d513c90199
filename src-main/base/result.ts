/** Errors are values at boundaries (DESIGN.md house rule 4). */
export type Ok<T> = { readonly ok: true; readonly value: T };
export type Err<E> = { readonly ok: false; readonly error: E };
export type Result<T, E> = Ok<T> | Err<E>;

export function ok<T>(value: T): Ok<T> {
  return { ok: true, value };
}

export function err<E>(error: E): Err<E> {
  return { ok: false, error };
}

/** A typed error value: a code from a closed union plus a human message and context fields. */
export interface CodedError<C extends string = string> {
  readonly code: C;
  readonly message: string;
  readonly detail?: Readonly<Record<string, unknown>>;
}

export function codedError<C extends string>(
  code: C,
  message: string,
  detail?: Readonly<Record<string, unknown>>,
): CodedError<C> {
  return detail === undefined ? { code, message } : { code, message, detail };
}
