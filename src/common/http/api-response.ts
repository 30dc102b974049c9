/** The contract's success envelope (§1.3). `data` is omitted, not null, when there is nothing. */
export interface ApiResponse<T = undefined> {
  success: true;
  message: string;
  data?: T;
}

export function ok<T>(message: string, data?: T, extra?: Record<string, unknown>): ApiResponse<T> {
  const body: ApiResponse<T> =
    data === undefined ? { success: true, message } : { success: true, message, data };
  return extra ? { ...body, ...extra } : body;
}
