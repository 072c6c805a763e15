/** An answer in the API's error envelope. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function check(ok: boolean, code: string, message: string): void {
  if (!ok) throw new ApiError(code, message);
}
