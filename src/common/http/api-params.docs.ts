import { ApiParam } from '@nestjs/swagger';

/** OBJECT_ID_PATTERN (common/validation/object-id.ts) as OpenAPI writes it: no `i` flag. */
export const OBJECT_ID_DOC_PATTERN = '^[0-9a-fA-F]{24}$';

/**
 * A path id checked by ParseObjectIdPipe: a 24-hex string in the document, although the handler
 * receives an ObjectId (whose class would otherwise become the parameter's schema).
 */
export function ApiObjectIdParam(name: string, description: string) {
  // ApiParam copies `pattern` into the parameter's schema; its options type does not list it.
  const options = { name, description, type: String, pattern: OBJECT_ID_DOC_PATTERN };
  return ApiParam(options);
}
