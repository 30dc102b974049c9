import { memoisedForFrozen } from '../cache/frozen-memo';

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

/**
 * A response body already written as JSON: the HTTP adapter sends `json` as it is. Any other
 * serializer gets the same document through `toJSON` (parsed back, which costs what was saved).
 */
export class SerializedBody {
  constructor(readonly json: string) {}

  toJSON(): unknown {
    return JSON.parse(this.json);
  }
}

/** An item's JSON, kept when it is frozen: list items (memoised views) shared by many responses. */
const jsonOfItem = memoisedForFrozen((item: object) => JSON.stringify(item));

/**
 * `ok(message, { items, ...rest })` as a {@link SerializedBody}, the same bytes: a frozen item
 * (a memoised user view) is serialized once, however many pages it appears on.
 */
export function okList(
  message: string,
  items: readonly object[],
  rest: Record<string, unknown>,
): SerializedBody {
  let json = `{"success":true,"message":${JSON.stringify(message)},"data":{"items":[`;
  for (let i = 0; i < items.length; i++) json += (i > 0 ? ',' : '') + jsonOfItem(items[i]);
  json += ']';
  for (const [field, value] of Object.entries(rest)) {
    if (value !== undefined) json += `,${JSON.stringify(field)}:${JSON.stringify(value)}`;
  }
  return new SerializedBody(`${json}}}`);
}
